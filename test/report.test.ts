import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Family } from '../src/modules/family/family.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { NotificationKind } from '../src/modules/notification/notification.enums.js';
import {
  checkInactivity,
  purgeOldNotifications,
} from '../src/modules/notification/notification.jobs.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalStatus,
} from '../src/modules/report/report.entities.js';
import { CarebotSettings } from '../src/modules/settings/settings.entity.js';
import {
  AcknowledgeNotificationDocument,
  DeleteLatestStatusDocument,
  DeleteNotificationDocument,
  FamilyNotificationsDocument,
  FamilyStatusDocument,
  HomeStatusesDocument,
  type HomeStatusInput,
  MarkAllNotificationsReadDocument,
  MarkNotificationsReadDocument,
  RaiseNotificationDocument,
  ReportActivityDocument,
  ReportBatchDocument,
  ReportHealthStatusDocument,
  ReportHomeStatusDocument,
  ReportMentalStatusDocument,
  RevokeDeviceDocument,
  SubmitMentalReportDocument,
  UnreadNotificationCountDocument,
  UpdateSettingsDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
/** The server's clock when a test sets it (a reading's receive time); the real time otherwise. */
let clockAt: Date | undefined;
beforeAll(async () => {
  t = await startTestServer({}, { clock: () => clockAt ?? new Date() });
});
afterEach(() => {
  clockAt = undefined;
});
afterAll(async () => {
  await t?.close();
});

const em = () => t.server.app.orm.em.fork();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const home = (overrides: Partial<HomeStatusInput> = {}): HomeStatusInput => ({
  temperature: 22.5,
  humidity: 45,
  dustDensity: 20,
  gasLevel: 100,
  measuredAt: minutesAgo(1),
  ...overrides,
});
const notificationsOf = (f: TestFamily) =>
  em().find(Notification, { family: f.family.id }, { orderBy: { id: 'asc' } });

describe('device reports', () => {
  it("stores each kind of reading for the device's family only, and only from a device", async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t);
    await t.request(ReportHomeStatusDocument, { input: home() }, f.device.headers);
    await t.request(
      ReportHealthStatusDocument,
      { input: { heartRate: 72, bloodOxygen: 97, measuredAt: minutesAgo(1) } },
      f.device.headers,
    );
    await t.request(
      ReportActivityDocument,
      { input: { action: 'WALKING', measuredAt: minutesAgo(1) } },
      f.device.headers,
    );
    await t.request(
      ReportMentalStatusDocument,
      {
        input: {
          emotion: 'JOY',
          scores: { joy: 0.8, sadness: 0.05, anger: 0, anxiety: 0.05, neutral: 0.1 },
          source: 'CONVERSATION',
          measuredAt: minutesAgo(1),
        },
      },
      f.device.headers,
    );
    await t.request(
      SubmitMentalReportDocument,
      {
        input: {
          periodStart: minutesAgo(7 * 24 * 60),
          periodEnd: minutesAgo(1),
          summary: 'A calm week.',
          riskLevel: 'LOW',
          recommendations: ['Keep the morning walks'],
        },
      },
      f.device.headers,
    );
    const { family } = await t.request(
      FamilyStatusDocument,
      { id: String(f.family.id) },
      f.caregivers[0]!.headers,
    );
    expect(family).toMatchObject({
      latestHomeStatus: { temperature: 22.5 },
      latestHealthStatus: { heartRate: 72 },
      latestActivity: { action: 'WALKING' },
      latestMentalStatus: { emotion: 'JOY' },
      latestMentalReport: { riskLevel: 'LOW' },
    });
    expect(await em().count(HomeStatus, { family: other.family.id })).toBe(0);
    expect(
      codeOf(await t.requestErrors(ReportHomeStatusDocument, { input: home() }, f.main.headers)),
    ).toBe('FORBIDDEN');
    expect(codeOf(await t.requestErrors(ReportHomeStatusDocument, { input: home() }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      codeOf(
        await t.requestErrors(
          FamilyStatusDocument,
          { id: String(f.family.id) },
          other.main.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
  });

  it.each([
    [
      'home humidity',
      ReportHomeStatusDocument,
      { input: home({ humidity: 101 }) },
      'input.humidity',
      'must be at most 100',
    ],
    [
      'home temperature',
      ReportHomeStatusDocument,
      { input: home({ temperature: -41 }) },
      'input.temperature',
      'must be at least -40',
    ],
    [
      'home measuredAt in the past',
      ReportHomeStatusDocument,
      { input: home({ measuredAt: minutesAgo(8 * 24 * 60) }) },
      'input.measuredAt',
      'must be within the last 7 days (and at most 5 minutes ahead)',
    ],
    [
      'home measuredAt ahead',
      ReportHomeStatusDocument,
      { input: home({ measuredAt: minutesAgo(-10) }) },
      'input.measuredAt',
      'must be within the last 7 days (and at most 5 minutes ahead)',
    ],
    [
      'home reportId',
      ReportHomeStatusDocument,
      { input: home({ reportId: 'not-a-uuid' }) },
      'input.reportId',
      'must be a UUID',
    ],
    [
      'heart rate',
      ReportHealthStatusDocument,
      { input: { heartRate: 251, measuredAt: minutesAgo(1) } },
      'input.heartRate',
      'must be at most 250',
    ],
    [
      'blood oxygen',
      ReportHealthStatusDocument,
      { input: { bloodOxygen: 49, measuredAt: minutesAgo(1) } },
      'input.bloodOxygen',
      'must be at least 50',
    ],
    [
      'empty health',
      ReportHealthStatusDocument,
      { input: { measuredAt: minutesAgo(1) } },
      'input',
      'must hold at least one measurement',
    ],
    [
      'blood pressure',
      ReportHealthStatusDocument,
      { input: { systolic: 80, diastolic: 90, measuredAt: minutesAgo(1) } },
      'input.diastolic',
      'must be below systolic',
    ],
    [
      'activity score',
      ReportActivityDocument,
      { input: { action: 'SITTING', score: 1.5, measuredAt: minutesAgo(1) } },
      'input.score',
      'must be at most 1',
    ],
    [
      'emotion score',
      ReportMentalStatusDocument,
      {
        input: {
          emotion: 'JOY',
          scores: { joy: 2, sadness: 0, anger: 0, anxiety: 0, neutral: 0 },
          source: 'FACE',
          measuredAt: minutesAgo(1),
        },
      },
      'input.scores.joy',
      'must be at most 1',
    ],
  ] as const)(
    'rejects a bad %s with BAD_USER_INPUT and stores nothing',
    async (_name, document, variables, path, message) => {
      const f = await createFamily(t);
      const anyDocument = document as TypedDocumentNode<unknown, Record<string, unknown>>;
      const errors = await t.requestErrors(anyDocument, variables, f.device.headers);
      expect(errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { [path]: message },
      });
      const e = em();
      const stored =
        (await e.count(HomeStatus, { family: f.family.id })) +
        (await e.count(HealthStatus, { family: f.family.id })) +
        (await e.count(Activity, { family: f.family.id }));
      expect(stored).toBe(0);
    },
  );

  it('answers a retry with the same reportId with the first record and stores nothing', async () => {
    const f = await createFamily(t);
    const reportId = randomUUID();
    const input = home({ reportId, temperature: 36 });
    const first = await t.request(ReportHomeStatusDocument, { input }, f.device.headers);
    const retry = await t.request(ReportHomeStatusDocument, { input }, f.device.headers);
    expect(retry.reportHomeStatus.id).toBe(first.reportHomeStatus.id);
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(1);
    // the alert the first attempt raised is not raised again
    expect(await notificationsOf(f)).toHaveLength(1);
    const conflict = await t.requestErrors(
      ReportHomeStatusDocument,
      { input: { ...input, temperature: 20 } },
      f.device.headers,
    );
    expect(codeOf(conflict)).toBe('CONFLICT');
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(1);
  });

  it('keeps reportIds per family: another family may use the same one', async () => {
    const a = await createFamily(t);
    const b = await createFamily(t);
    const reportId = randomUUID();
    await t.request(ReportHomeStatusDocument, { input: home({ reportId }) }, a.device.headers);
    await t.request(ReportHomeStatusDocument, { input: home({ reportId }) }, b.device.headers);
    expect(await em().count(HomeStatus, { reportId })).toBe(2);
  });

  it('calls the newest measuredAt "latest", not the newest upload', async () => {
    const f = await createFamily(t);
    await t.request(
      ReportHomeStatusDocument,
      { input: home({ temperature: 21, measuredAt: minutesAgo(5) }) },
      f.device.headers,
    );
    await t.request(
      ReportHomeStatusDocument,
      { input: home({ temperature: 19, measuredAt: minutesAgo(60) }) },
      f.device.headers,
    );
    const { family } = await t.request(
      FamilyStatusDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(family?.latestHomeStatus?.temperature).toBe(21);
    expect(await t.request(DeleteLatestStatusDocument, { kind: 'HOME' }, f.device.headers)).toEqual(
      { deleteLatestStatus: true },
    );
    const after = await t.request(
      FamilyStatusDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(after.family?.latestHomeStatus?.temperature).toBe(19);
    expect(
      await t.request(DeleteLatestStatusDocument, { kind: 'ACTIVITY' }, f.device.headers),
    ).toEqual({ deleteLatestStatus: false });
  });
});

describe('alert rules', () => {
  it('raises exactly one notification per breached rule, with its grade and kind', async () => {
    const f = await createFamily(t);
    await t.request(ReportHomeStatusDocument, { input: home() }, f.device.headers);
    expect(await notificationsOf(f)).toHaveLength(0);
    await t.request(
      ReportHealthStatusDocument,
      { input: { heartRate: 130, bloodOxygen: 97, measuredAt: minutesAgo(1) } },
      f.device.headers,
    );
    await t.request(
      ReportActivityDocument,
      { input: { action: 'FALL', measuredAt: minutesAgo(1) } },
      f.device.headers,
    );
    await t.request(
      ReportHomeStatusDocument,
      { input: home({ gasLevel: 5000, dustDensity: 200 }) },
      f.device.headers,
    );
    const raised = (await notificationsOf(f)).map((n) => [n.grade, n.kind]);
    expect(raised).toEqual([
      ['WARN', 'HEALTH'],
      ['CRIT', 'FALL'],
      ['CRIT', 'FIRE'],
      ['INFO', 'ENVIRONMENT'],
    ]);
  });

  it("follows the family's own thresholds", async () => {
    const f = await createFamily(t);
    await em().nativeUpdate(CarebotSettings, { family: f.family.id }, { heartRateMax: 140 });
    await t.request(
      ReportHealthStatusDocument,
      { input: { heartRate: 130, measuredAt: minutesAgo(1) } },
      f.device.headers,
    );
    expect(await notificationsOf(f)).toHaveLength(0);
  });
});

describe('measuredAt', () => {
  // the server's clock, in whole milliseconds, away from the real time so that using the real
  // time instead would show
  const at = (iso: string) => new Date(iso);
  const T = at('2030-03-01T09:30:00.250Z');
  const scores = { joy: 0.1, sadness: 0.1, anger: 0.1, anxiety: 0.1, neutral: 0.6 };

  it('stores the time the server received a reading that has none, for every kind', async () => {
    const f = await createFamily(t);
    clockAt = T;
    const { measuredAt: _, ...noTime } = home();
    const { reportHomeStatus } = await t.request(
      ReportHomeStatusDocument,
      { input: noTime },
      f.device.headers,
    );
    expect(reportHomeStatus.measuredAt).toBe(T.toISOString());
    const { reportHealthStatus } = await t.request(
      ReportHealthStatusDocument,
      { input: { heartRate: 70, measuredAt: null } },
      f.device.headers,
    );
    expect(reportHealthStatus.measuredAt).toBe(T.toISOString());
    const { reportActivity } = await t.request(
      ReportActivityDocument,
      { input: { action: 'WALKING' } },
      f.device.headers,
    );
    expect(reportActivity.measuredAt).toBe(T.toISOString());
    await t.request(
      ReportMentalStatusDocument,
      { input: { emotion: 'NEUTRAL', scores, source: 'FACE' } },
      f.device.headers,
    );
    const mental = await em().findOneOrFail(MentalStatus, { family: f.family.id });
    expect(mental.measuredAt.toISOString()).toBe(T.toISOString());
    // a time the device sent is kept as sent
    const sent = new Date(T.getTime() - 90_000).toISOString();
    const kept = await t.request(
      ReportHomeStatusDocument,
      { input: home({ measuredAt: sent }) },
      f.device.headers,
    );
    expect(kept.reportHomeStatus.measuredAt).toBe(sent);
  });

  it("refuses a measuredAt outside the window around the server's clock, naming the field", async () => {
    const f = await createFamily(t);
    clockAt = T;
    const eightDaysAgo = new Date(T.getTime() - 8 * 24 * 3600_000).toISOString();
    const sixMinutesAhead = new Date(T.getTime() + 6 * 60_000).toISOString();
    for (const measuredAt of [eightDaysAgo, sixMinutesAhead]) {
      const errors = await t.requestErrors(
        ReportHomeStatusDocument,
        { input: home({ measuredAt }) },
        f.device.headers,
      );
      expect(errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: {
          'input.measuredAt': 'must be within the last 7 days (and at most 5 minutes ahead)',
        },
      });
    }
    // the real time is eight days before this clock
    clockAt = new Date(Date.now() + 8 * 24 * 3600_000);
    const errors = await t.requestErrors(
      ReportBatchDocument,
      {
        input: {
          health: [{ heartRate: 70 }, { heartRate: 71, measuredAt: minutesAgo(1) }],
        },
      },
      f.device.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: {
        'input.health.1.measuredAt': 'must be within the last 7 days (and at most 5 minutes ahead)',
      },
    });
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(0);
    expect(await em().count(HealthStatus, { family: f.family.id })).toBe(0);
  });

  it('recognises a retry without measuredAt as the same reading, whenever it arrives', async () => {
    const f = await createFamily(t);
    const reportId = randomUUID();
    const { measuredAt: _, ...noTime } = home({ reportId, temperature: 36 });
    clockAt = T;
    const first = await t.request(ReportHomeStatusDocument, { input: noTime }, f.device.headers);
    clockAt = new Date(T.getTime() + 30_000);
    const retry = await t.request(ReportHomeStatusDocument, { input: noTime }, f.device.headers);
    expect(retry.reportHomeStatus).toEqual(first.reportHomeStatus);
    expect(retry.reportHomeStatus.measuredAt).toBe(T.toISOString());
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(1);
    // the alert the first one raised is not raised again
    expect(await notificationsOf(f)).toHaveLength(1);
    // in a batch, too
    const batch = await t.request(
      ReportBatchDocument,
      { input: { home: [noTime] } },
      f.device.headers,
    );
    expect(batch.reportBatch).toEqual({ stored: 0, duplicates: 1, notificationsRaised: 0 });
    // other content under the same reportId is still a conflict
    const conflict = await t.requestErrors(
      ReportHomeStatusDocument,
      { input: { ...noTime, temperature: 20 } },
      f.device.headers,
    );
    expect(codeOf(conflict)).toBe('CONFLICT');
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(1);
  });

  it('stores batch readings without measuredAt at the time the batch arrived', async () => {
    const f = await createFamily(t);
    clockAt = T;
    const sent = new Date(T.getTime() - 3600_000).toISOString();
    const { measuredAt: _, ...noTime } = home({ reportId: randomUUID() });
    const input = {
      home: [noTime, home({ measuredAt: sent })],
      health: [{ heartRate: 70 }],
      activities: [{ action: 'FALL' as const }],
      mental: [{ emotion: 'JOY' as const, scores, source: 'CONVERSATION' as const }],
    };
    const { reportBatch } = await t.request(ReportBatchDocument, { input }, f.device.headers);
    expect(reportBatch).toEqual({ stored: 5, duplicates: 0, notificationsRaised: 1 });
    const e = em();
    const times = (rows: { measuredAt: Date }[]) => rows.map((r) => r.measuredAt.toISOString());
    const where = { family: f.family.id };
    expect(times(await e.find(HomeStatus, where)).sort()).toEqual([sent, T.toISOString()]);
    expect(times(await e.find(HealthStatus, where))).toEqual([T.toISOString()]);
    expect(times(await e.find(Activity, where))).toEqual([T.toISOString()]);
    expect(times(await e.find(MentalStatus, where))).toEqual([T.toISOString()]);
    // the buffer sent again later: its reading without a time is the one already stored
    clockAt = new Date(T.getTime() + 60_000);
    const again = await t.request(
      ReportBatchDocument,
      { input: { home: [noTime] } },
      f.device.headers,
    );
    expect(again.reportBatch).toEqual({ stored: 0, duplicates: 1, notificationsRaised: 0 });
  });
});

describe('statements per report', () => {
  it('stores a usual reading in one statement, and one that alerts in one transaction', async () => {
    const f = await createFamily(t);
    // the first report of a device looks up its token and its family's thresholds
    await t.request(ReportHomeStatusDocument, { input: home() }, f.device.headers);
    const usual = await t.countQueries(() =>
      t.request(
        ReportHomeStatusDocument,
        { input: home({ reportId: randomUUID() }) },
        f.device.headers,
      ),
    );
    expect(usual.statements).toHaveLength(1);
    expect(usual.statements[0]).toMatch(/^insert into `home_status`/i);
    // a reading past a threshold: the reading and its notification commit together
    const alerting = await t.countQueries(() =>
      t.request(ReportHomeStatusDocument, { input: home({ gasLevel: 5000 }) }, f.device.headers),
    );
    // (begin and commit reach the statement log without the request's context: not counted)
    // then, as it is an alert, its lifecycle (RAISED, deliveries, escalation timers) before commit
    expect(
      alerting.statements.slice(0, 2).map((sql) => /^insert into `(\w+)`/i.exec(sql)?.[1]),
    ).toEqual(['notification', 'home_status']);
    expect(await notificationsOf(f)).toHaveLength(1);
    // a batch of one kind without alerts is one multi-row INSERT
    const batch = await t.countQueries(() =>
      t.request(
        ReportBatchDocument,
        { input: { home: [home({ reportId: randomUUID() }), home(), home()] } },
        f.device.headers,
      ),
    );
    expect(batch.count).toBe(1);
  });

  it('answers UNAUTHENTICATED, not an error, when the family went without this node hearing of it', async () => {
    const single = await createFamily(t);
    const batch = await createFamily(t);
    for (const f of [single, batch])
      await t.request(ReportHomeStatusDocument, { input: home() }, f.device.headers);
    // behind the services' backs: no invalidation, the devices stay cached
    await em().nativeDelete(Family, { id: { $in: [single.family.id, batch.family.id] } });
    const errors = [
      await t.requestErrors(ReportHomeStatusDocument, { input: home() }, single.device.headers),
      await t.requestErrors(
        ReportBatchDocument,
        { input: { home: [home()] } },
        batch.device.headers,
      ),
    ];
    expect(errors.map(codeOf)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });

  it('applies a revocation and a settings change at once on the node that made them', async () => {
    const f = await createFamily(t);
    await t.request(ReportHealthStatusDocument, { input: { heartRate: 130 } }, f.device.headers);
    expect(await notificationsOf(f)).toHaveLength(1);
    await t.request(
      UpdateSettingsDocument,
      { familyId: String(f.family.id), input: { thresholds: { heartRateMax: 140 } } },
      f.main.headers,
    );
    await t.request(ReportHealthStatusDocument, { input: { heartRate: 130 } }, f.device.headers);
    expect(await notificationsOf(f)).toHaveLength(1);
    await t.request(RevokeDeviceDocument, { id: String(f.device.device.id) }, f.main.headers);
    const refused = await t.requestErrors(
      ReportHomeStatusDocument,
      { input: home() },
      f.device.headers,
    );
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(0);
  });
});

describe('reportBatch', () => {
  it('stores a thousand readings in a handful of statements', async () => {
    const f = await createFamily(t);
    const readings = Array.from({ length: 1000 }, (_, i) =>
      home({ temperature: 20 + (i % 10), measuredAt: minutesAgo(1000 - i) }),
    );
    const { count } = await t.countQueries(async () => {
      const { reportBatch } = await t.request(
        ReportBatchDocument,
        { input: { home: readings } },
        f.device.headers,
      );
      expect(reportBatch).toEqual({ stored: 1000, duplicates: 0, notificationsRaised: 0 });
    });
    expect(count).toBeLessThanOrEqual(15);
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(1000);
  });

  it('stores nothing when one reading is bad, and refuses more than 1,000', async () => {
    const f = await createFamily(t);
    const errors = await t.requestErrors(
      ReportBatchDocument,
      {
        input: {
          home: [home(), home({ humidity: 150 })],
          health: [{ heartRate: 70, measuredAt: minutesAgo(1) }],
        },
      },
      f.device.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.home.1.humidity': 'must be at most 100' },
    });
    const tooMany = await t.requestErrors(
      ReportBatchDocument,
      { input: { home: Array.from({ length: 1001 }, () => home()) } },
      f.device.headers,
    );
    expect(tooMany[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { input: 'must hold at most 1000 readings (got 1001)' },
    });
    expect(
      (await em().count(HomeStatus, { family: f.family.id })) +
        (await em().count(HealthStatus, { family: f.family.id })),
    ).toBe(0);
  });

  it('skips readings an earlier attempt stored, and conflicts on a changed one without storing any', async () => {
    const f = await createFamily(t);
    const a = home({ reportId: randomUUID() });
    const b = home({ reportId: randomUUID(), temperature: 40 });
    const first = await t.request(
      ReportBatchDocument,
      { input: { home: [a, b], activities: [{ action: 'FALL', measuredAt: minutesAgo(2) }] } },
      f.device.headers,
    );
    expect(first.reportBatch).toEqual({ stored: 3, duplicates: 0, notificationsRaised: 2 });
    const c = home({ reportId: randomUUID() });
    const retry = await t.request(
      ReportBatchDocument,
      { input: { home: [a, b, c] } },
      f.device.headers,
    );
    expect(retry.reportBatch).toEqual({ stored: 1, duplicates: 2, notificationsRaised: 0 });
    const changed = await t.requestErrors(
      ReportBatchDocument,
      { input: { home: [home({ reportId: randomUUID() }), { ...a, humidity: 60 }] } },
      f.device.headers,
    );
    expect(codeOf(changed)).toBe('CONFLICT');
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(3);
    expect(await notificationsOf(f)).toHaveLength(2);
  });
});

describe('time-range connections', () => {
  it('pages 25 readings both ways across boundaries, within a time range, and is empty when nothing matches', async () => {
    const f = await createFamily(t);
    const readings = Array.from({ length: 25 }, (_, i) =>
      home({ temperature: i, measuredAt: minutesAgo(100 - i) }),
    );
    await t.request(ReportBatchDocument, { input: { home: readings } }, f.device.headers);
    const id = String(f.family.id);
    const headers = f.main.headers;
    const temps = (page: { edges: { node: { temperature: number } }[] }) =>
      page.edges.map((e) => e.node.temperature);

    const p1 = (await t.request(HomeStatusesDocument, { id, first: 10 }, headers)).family!
      .homeStatuses;
    expect(p1.totalCount).toBe(25);
    expect(temps(p1)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = (
      await t.request(
        HomeStatusesDocument,
        { id, first: 10, after: p1.pageInfo.endCursor },
        headers,
      )
    ).family!.homeStatuses;
    expect(temps(p2)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
    const p3 = (
      await t.request(
        HomeStatusesDocument,
        { id, first: 10, after: p2.pageInfo.endCursor },
        headers,
      )
    ).family!.homeStatuses;
    expect(temps(p3)).toEqual([4, 3, 2, 1, 0]);
    expect(p3.pageInfo.hasNextPage).toBe(false);

    const back = (
      await t.request(
        HomeStatusesDocument,
        { id, last: 10, before: p3.pageInfo.startCursor },
        headers,
      )
    ).family!.homeStatuses;
    expect(temps(back)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
    expect(back.pageInfo.hasPreviousPage).toBe(true);
    const lastPage = (await t.request(HomeStatusesDocument, { id, last: 3 }, headers)).family!
      .homeStatuses;
    expect(temps(lastPage)).toEqual([2, 1, 0]);

    const asc = (await t.request(HomeStatusesDocument, { id, first: 3, order: 'ASC' }, headers))
      .family!.homeStatuses;
    expect(temps(asc)).toEqual([0, 1, 2]);
    const ranged = (
      await t.request(
        HomeStatusesDocument,
        { id, from: minutesAgo(90.5), to: minutesAgo(85.5) },
        headers,
      )
    ).family!.homeStatuses;
    expect(temps(ranged)).toEqual([14, 13, 12, 11, 10]);
    expect(ranged.totalCount).toBe(5);
    const empty = (await t.request(HomeStatusesDocument, { id, from: minutesAgo(5) }, headers))
      .family!.homeStatuses;
    expect(empty).toMatchObject({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, startCursor: null },
    });
  });

  it('rejects a page larger than 100 and a foreign cursor', async () => {
    const f = await createFamily(t);
    const big = await t.requestErrors(
      HomeStatusesDocument,
      { id: String(f.family.id), first: 101 },
      f.main.headers,
    );
    expect(big[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { first: 'must be at most 100' },
    });
    const bad = await t.requestErrors(
      HomeStatusesDocument,
      { id: String(f.family.id), after: 'garbage' },
      f.main.headers,
    );
    expect(bad[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { after: 'is not a cursor from this list' },
    });
  });
});

describe('notifications', () => {
  it('keeps read state per user: one caregiver reading does not mark it read for another', async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const [a, b] = f.caregivers as [TestFamily['caregivers'][0], TestFamily['caregivers'][0]];
    // a critical reading (a FALL would wait for its grace window before members see it)
    await t.request(
      ReportHealthStatusDocument,
      { input: { heartRate: 30, measuredAt: minutesAgo(1) } },
      f.device.headers,
    );
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'SYSTEM', message: 'Battery low' } },
      f.device.headers,
    );
    const id = String(f.family.id);
    const list = async (headers: Record<string, string>) =>
      (await t.request(FamilyNotificationsDocument, { id }, headers)).family!;
    const seenByA = await list(a.headers);
    expect(seenByA.notifications.totalCount).toBe(2);
    expect(seenByA.unreadNotificationCount).toBe(2);
    const fall = seenByA.notifications.edges.find((e) => e.node.kind === 'HEALTH')!.node;
    expect(
      await t.request(
        MarkNotificationsReadDocument,
        { ids: [fall.id, fall.id, '999999'] },
        a.headers,
      ),
    ).toEqual({ markNotificationsRead: 1 });
    expect(await t.request(MarkNotificationsReadDocument, { ids: [fall.id] }, a.headers)).toEqual({
      markNotificationsRead: 0,
    });
    expect((await list(a.headers)).unreadNotificationCount).toBe(1);
    expect((await list(b.headers)).unreadNotificationCount).toBe(2);
    expect(
      (await t.request(UnreadNotificationCountDocument, {}, b.headers)).unreadNotificationCount,
    ).toBe(2);
    const unreadForA = await t.request(
      FamilyNotificationsDocument,
      { id, unreadOnly: true },
      a.headers,
    );
    expect(unreadForA.family!.notifications.edges.map((e) => e.node.kind)).toEqual(['SYSTEM']);
    const crit = await t.request(FamilyNotificationsDocument, { id, minGrade: 'WARN' }, b.headers);
    expect(crit.family!.notifications.edges.map((e) => e.node.kind)).toEqual(['HEALTH']);
    const kinds = await t.request(
      FamilyNotificationsDocument,
      { id, kinds: ['SYSTEM'] },
      b.headers,
    );
    expect(kinds.family!.notifications.totalCount).toBe(1);
    expect(await t.request(MarkAllNotificationsReadDocument, { familyId: id }, b.headers)).toEqual({
      markAllNotificationsRead: 2,
    });
    expect(
      (await t.request(UnreadNotificationCountDocument, {}, b.headers)).unreadNotificationCount,
    ).toBe(0);
  });

  it('does not let anyone mark or see notifications of another family', async () => {
    const f = await createFamily(t);
    const other = await createFamily(t);
    const raised = await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'WARN', kind: 'EMERGENCY', message: 'Help!' } },
      f.device.headers,
    );
    expect(
      await t.request(
        MarkNotificationsReadDocument,
        { ids: [raised.raiseNotification.id] },
        other.main.headers,
      ),
    ).toEqual({ markNotificationsRead: 0 });
    expect(
      codeOf(
        await t.requestErrors(
          AcknowledgeNotificationDocument,
          { id: raised.raiseNotification.id },
          other.main.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.requestErrors(
          DeleteNotificationDocument,
          { id: raised.raiseNotification.id },
          other.main.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.requestErrors(
          MarkAllNotificationsReadDocument,
          { familyId: String(f.family.id) },
          other.main.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(
      (await t.request(UnreadNotificationCountDocument, {}, other.main.headers))
        .unreadNotificationCount,
    ).toBe(0);
  });

  it('records the first acknowledgement; only managers delete', async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const { raiseNotification: n } = await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'Help button' } },
      f.device.headers,
    );
    const ack = await t.request(
      AcknowledgeNotificationDocument,
      { id: n.id },
      f.caregivers[0]!.headers,
    );
    expect(ack.acknowledgeNotification).toMatchObject({
      read: true,
      acknowledgedBy: { id: String(f.caregivers[0]!.user.id) },
    });
    const second = await t.request(
      AcknowledgeNotificationDocument,
      { id: n.id },
      f.caregivers[1]!.headers,
    );
    expect(second.acknowledgeNotification.acknowledgedBy?.id).toBe(
      String(f.caregivers[0]!.user.id),
    );
    expect(second.acknowledgeNotification.acknowledgedAt).toBe(
      ack.acknowledgeNotification.acknowledgedAt,
    );
    expect(
      codeOf(
        await t.requestErrors(DeleteNotificationDocument, { id: n.id }, f.caregivers[0]!.headers),
      ),
    ).toBe('FORBIDDEN');
    expect(await t.request(DeleteNotificationDocument, { id: n.id }, f.main.headers)).toEqual({
      deleteNotification: true,
    });
    expect(await notificationsOf(f)).toHaveLength(0);
  });

  it('validates a raised notification and only takes it from a device', async () => {
    const f = await createFamily(t);
    const blank = await t.requestErrors(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: ' ' } },
      f.device.headers,
    );
    expect(blank[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.message': 'must not be blank' },
    });
    const user = await createUser(t);
    expect(
      codeOf(
        await t.requestErrors(
          RaiseNotificationDocument,
          { input: { grade: 'INFO', kind: 'OTHER', message: 'x' } },
          user.headers,
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('shows an empty family as empty connections, not errors', async () => {
    const f = await createFamily(t);
    const { family } = await t.request(
      FamilyNotificationsDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(family!.notifications).toEqual({ totalCount: 0, edges: [] });
    const status = await t.request(
      FamilyStatusDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(status.family).toMatchObject({
      latestHomeStatus: null,
      latestHealthStatus: null,
      unreadNotificationCount: 0,
    });
  });
});

describe('scheduled jobs', () => {
  const inactivityOf = async (f: TestFamily) =>
    (await notificationsOf(f)).filter((n) => n.kind === NotificationKind.INACTIVITY);

  it('raises INACTIVITY once per quiet period', async () => {
    const f = await createFamily(t);
    const { app } = t.server;
    await t.request(
      ReportActivityDocument,
      { input: { action: 'SITTING', measuredAt: minutesAgo(13 * 60) } },
      f.device.headers,
    );
    await checkInactivity(app.orm, app.events, app.logger);
    await checkInactivity(app.orm, app.events, app.logger);
    expect(await inactivityOf(f)).toHaveLength(1);
    expect((await inactivityOf(f))[0]).toMatchObject({ grade: 'WARN' });
    // activity again: a new quiet period starts, warned about only once it lasts 12 hours
    await t.request(
      ReportActivityDocument,
      { input: { action: 'WALKING', measuredAt: minutesAgo(0) } },
      f.device.headers,
    );
    await checkInactivity(app.orm, app.events, app.logger);
    expect(await inactivityOf(f)).toHaveLength(1);
    const later = new Date(Date.now() + 13 * 3600_000);
    await checkInactivity(app.orm, app.events, app.logger, later);
    await checkInactivity(app.orm, app.events, app.logger, later);
    expect(await inactivityOf(f)).toHaveLength(2);
  });

  it('counts a family that never reported from its creation', async () => {
    const f = await createFamily(t);
    const { app } = t.server;
    await checkInactivity(app.orm, app.events, app.logger);
    expect(await inactivityOf(f)).toHaveLength(0);
    await checkInactivity(
      app.orm,
      app.events,
      app.logger,
      new Date(Date.now() + 12 * 3600_000 + 60_000),
    );
    expect(await inactivityOf(f)).toHaveLength(1);
  });

  it('purges notifications older than the retention period', async () => {
    const f = await createFamily(t);
    const e = em();
    e.create(Notification, {
      family: f.family.id,
      grade: 'INFO' as never,
      kind: 'OTHER' as never,
      message: 'old',
      createdAt: new Date(Date.now() - 31 * 24 * 3600_000),
    });
    e.create(Notification, {
      family: f.family.id,
      grade: 'INFO' as never,
      kind: 'OTHER' as never,
      message: 'recent',
      createdAt: new Date(Date.now() - 29 * 24 * 3600_000),
    });
    await e.flush();
    expect(
      await purgeOldNotifications(t.server.app.orm, 30, t.server.app.logger),
    ).toBeGreaterThanOrEqual(1);
    expect((await notificationsOf(f)).map((n) => n.message)).toEqual(['recent']);
  });
});
