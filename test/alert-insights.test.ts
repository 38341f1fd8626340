import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertTimelineEntry } from '../src/modules/notification/alert.entities.js';
import {
  AlertEventType,
  AlertOutcome,
  AlertState,
} from '../src/modules/notification/alert.enums.js';
import { percentileOf } from '../src/modules/notification/alert.insights.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalStatus,
} from '../src/modules/report/report.entities.js';
import { ActivityAction, Emotion, MentalSource } from '../src/modules/report/report.enums.js';
import {
  AlertContextsDocument,
  AlertIdsDocument,
  AlertTimelinesDocument,
  FamilyAlertStatsDocument,
  RaiseAlertWithContextDocument,
  ResolveAlertWithContextDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { codeOf } from './helpers/assertions.js';
import { callersOf, type MatrixRow, roleMatrix } from './helpers/role-matrix.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
let now = Date.parse('2026-11-30T12:00:00.000Z');
const clock = () => new Date(now);

beforeAll(async () => {
  t = await startTestServer({}, { clock });
  // no timers fire behind the test's back: the clock only moves when a test moves it
  await t.server.periodic.stop();
});
afterAll(async () => {
  await t?.close();
});

const em = () => t.server.app.orm.em.fork();
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** One reading of every kind at each offset (ms) from `at`. */
async function readingsAt(f: TestFamily, at: number, offsets: readonly number[]) {
  const e = em();
  const times = offsets.map((offset) => new Date(at + offset));
  const family = f.family.id;
  await e.insertMany(
    HomeStatus,
    times.map((measuredAt, i) => ({
      family,
      temperature: 20 + i,
      humidity: 40,
      dustDensity: 10,
      gasLevel: 1,
      measuredAt,
      createdAt: measuredAt,
    })),
  );
  await e.insertMany(
    HealthStatus,
    times.map((measuredAt, i) => ({
      family,
      heartRate: 60 + i,
      measuredAt,
      createdAt: measuredAt,
    })),
  );
  await e.insertMany(
    Activity,
    times.map((measuredAt) => ({
      family,
      action: ActivityAction.WALKING,
      measuredAt,
      createdAt: measuredAt,
    })),
  );
  await e.insertMany(
    MentalStatus,
    times.map((measuredAt) => ({
      family,
      emotion: Emotion.JOY,
      joy: 0.8,
      sadness: 0.05,
      anger: 0.05,
      anxiety: 0.05,
      neutral: 0.05,
      source: MentalSource.FACE,
      measuredAt,
      createdAt: measuredAt,
    })),
  );
}

/** Alerts written straight to the database, with timeline entries at known times. */
async function storeAlert(
  f: TestFamily,
  alert: {
    at: number;
    grade?: NotificationGrade;
    kind?: NotificationKind;
    state?: AlertState | null;
    outcome?: AlertOutcome | null;
    deliverAt?: number | null;
    acks?: number[];
    resolvedAt?: number | null;
    deviceOnly?: boolean;
  },
) {
  const e = em();
  const notification = e.create(Notification, {
    family: f.family.id,
    grade: alert.grade ?? NotificationGrade.WARN,
    kind: alert.kind ?? NotificationKind.HEALTH,
    message: 'stored alert',
    createdAt: new Date(alert.at),
    state: alert.state === undefined ? AlertState.OPEN : alert.state,
    outcome: alert.outcome ?? null,
    deliverAt: alert.deliverAt == null ? null : new Date(alert.deliverAt),
    resolvedAt: alert.resolvedAt == null ? null : new Date(alert.resolvedAt),
    deviceOnly: alert.deviceOnly ?? false,
  });
  await e.flush();
  for (const ack of alert.acks ?? [])
    e.create(AlertTimelineEntry, {
      notification: notification.id,
      family: f.family.id,
      type: AlertEventType.ACKNOWLEDGED,
      at: new Date(ack),
      actor: f.main.user.id,
    });
  e.create(AlertTimelineEntry, {
    notification: notification.id,
    family: f.family.id,
    type: AlertEventType.RAISED,
    at: new Date(alert.at),
    byDevice: true,
  });
  await e.flush();
  return notification;
}

describe('Notification.context', () => {
  it('holds exactly the readings of every kind within 15 minutes either side, oldest first', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t);
    now += 60 * MINUTE;
    const raised = await t.request(
      RaiseAlertWithContextDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'help' } },
      f.device.headers,
    );
    const at = Date.parse(raised.raiseNotification.createdAt);
    expect(at).toBe(now);
    const offsets = [
      -16 * MINUTE,
      -15 * MINUTE - 1,
      -15 * MINUTE,
      -5 * MINUTE,
      0,
      14 * MINUTE + 59_999,
      15 * MINUTE,
      15 * MINUTE + 1,
      16 * MINUTE,
    ];
    await readingsAt(f, at, offsets);
    // the other family's readings at the same moment are not this alert's
    await readingsAt(other, at, [0, MINUTE]);
    const inside = offsets.filter((o) => Math.abs(o) <= 15 * MINUTE).map((o) => iso(at + o));

    for (const headers of [f.main.headers, f.caregivers[0]!.headers]) {
      const data = await t.request(AlertContextsDocument, { id: String(f.family.id) }, headers);
      const context = data.family!.notifications.edges[0]!.node.context;
      expect(context.from).toBe(iso(at - 15 * MINUTE));
      expect(context.to).toBe(iso(at + 15 * MINUTE));
      expect(context.truncated).toBe(false);
      expect(context.homeStatuses.map((r) => r.measuredAt)).toEqual(inside);
      expect(context.healthStatuses.map((r) => r.measuredAt)).toEqual(inside);
      expect(context.activities.map((r) => r.measuredAt)).toEqual(inside);
      expect(context.mentalStatuses.map((r) => r.measuredAt)).toEqual(inside);
      expect(context.healthStatuses.map((r) => r.heartRate)).toEqual([62, 63, 64, 65, 66]);
      expect(context.mentalStatuses[0]!.scores.joy).toBe(0.8);
    }
  });

  it('keeps the oldest 200 of a kind and says it was cut', async () => {
    const f = await createFamily(t);
    const alert = await storeAlert(f, { at: now });
    const e = em();
    await e.insertMany(
      HealthStatus,
      Array.from({ length: 205 }, (_, i) => ({
        family: f.family.id,
        heartRate: 70,
        measuredAt: new Date(now - 10 * MINUTE + i * 1000),
        createdAt: new Date(now),
      })),
    );
    const data = await t.request(
      AlertContextsDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    const node = data.family!.notifications.edges[0]!.node;
    expect(node.id).toBe(String(alert.id));
    expect(node.context.truncated).toBe(true);
    expect(node.context.healthStatuses).toHaveLength(200);
    expect(node.context.healthStatuses.at(-1)!.measuredAt).toBe(iso(now - 10 * MINUTE + 199_000));
    expect(node.context.homeStatuses).toEqual([]);
  });

  it("is the family's Carebot's too, and NOT_FOUND to another family's member", async () => {
    const f = await createFamily(t);
    const other = await createFamily(t, { caregivers: 1 });
    now += 30 * MINUTE;
    await readingsAt(f, now, [-MINUTE]);
    const raised = await t.request(
      RaiseAlertWithContextDocument,
      { input: { grade: 'WARN', kind: 'HEALTH', message: 'heart rate' } },
      f.device.headers,
    );
    // the device reads it (READ, like the readings themselves)
    expect(raised.raiseNotification.context.healthStatuses).toHaveLength(1);
    const stranger = other.caregivers[0]!.headers;
    const viaFamily = await t.requestErrors(
      AlertContextsDocument,
      { id: String(f.family.id) },
      stranger,
    );
    expect(codeOf(viaFamily)).toBe('NOT_FOUND');
    const viaMutation = await t.requestErrors(
      ResolveAlertWithContextDocument,
      { id: raised.raiseNotification.id },
      stranger,
    );
    expect(codeOf(viaMutation)).toBe('NOT_FOUND');
    // and nothing changed
    const ids = await t.request(AlertIdsDocument, { id: String(f.family.id) }, f.main.headers);
    expect(ids.family!.notifications.edges[0]!.node.state).toBe('OPEN');
  });
});

describe('batched reads of a page of alerts', () => {
  let f: TestFamily;
  beforeAll(async () => {
    f = await createFamily(t, { caregivers: 1 });
    for (let i = 0; i < 8; i += 1) {
      const at = now + i * 20 * MINUTE;
      await storeAlert(f, { at, acks: [at + MINUTE] });
      await readingsAt(f, at, [-MINUTE, MINUTE]);
    }
  });

  const count = (withContext: boolean, first: number) =>
    t.countQueries(async () => {
      const variables = { id: String(f.family.id), first };
      const data = withContext
        ? await t.request(AlertContextsDocument, variables, f.main.headers)
        : await t.request(AlertIdsDocument, variables, f.main.headers);
      expect(data.family!.notifications.edges).toHaveLength(first);
    });

  it('reads the context of a page with one statement per reading kind, whatever the page size', async () => {
    const bare = await count(false, 8);
    const one = await count(true, 1);
    const eight = await count(true, 8);
    expect(eight.count).toBe(one.count);
    expect(eight.count - bare.count).toBe(4);
    const data = await t.request(
      AlertContextsDocument,
      { id: String(f.family.id), first: 8 },
      f.main.headers,
    );
    for (const edge of data.family!.notifications.edges)
      expect(edge.node.context.activities).toHaveLength(2);
  });

  it('reads the timelines of a page with one statement', async () => {
    const bare = await t.countQueries(() =>
      t.request(AlertIdsDocument, { id: String(f.family.id), first: 8 }, f.main.headers),
    );
    const run = (first: number) =>
      t.countQueries(async () => {
        const data = await t.request(
          AlertTimelinesDocument,
          { id: String(f.family.id), first },
          f.main.headers,
        );
        for (const edge of data.family!.notifications.edges)
          expect(edge.node.timeline.map((e) => e.type)).toEqual(['RAISED', 'ACKNOWLEDGED']);
      });
    const one = await run(1);
    const eight = await run(8);
    expect(eight.count).toBe(one.count);
    // the timelines in one statement (the actors come from the batched user loader)
    expect(eight.statements.filter((sql) => sql.includes('alert_timeline'))).toHaveLength(1);
    expect(eight.count - bare.count).toBeLessThanOrEqual(2);
  });
});

describe('Family.alertStats', () => {
  it('matches a direct computation over generated alerts', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t);
    const from = Date.parse('2026-10-01T00:00:00.000Z');
    const to = Date.parse('2026-11-01T00:00:00.000Z');
    const kinds = [NotificationKind.HEALTH, NotificationKind.FALL, NotificationKind.FIRE];
    const outcomes = [
      AlertOutcome.HANDLED,
      AlertOutcome.FALSE_ALARM,
      AlertOutcome.EMERGENCY_SERVICES_CALLED,
      AlertOutcome.FALSE_ALARM,
    ];
    type Generated = {
      at: number;
      grade: NotificationGrade;
      kind: NotificationKind;
      state: AlertState;
      outcome: AlertOutcome | null;
      deliverAt: number | null;
      acks: number[];
      resolvedAt: number | null;
    };
    const generated: Generated[] = [];
    for (let i = 0; i < 37; i += 1) {
      const at = from + i * 17 * 3600_000 + 1234;
      // a FALL waits its 30 s grace window: response times count from its end
      const kind = kinds[i % 3]!;
      const deliverAt = kind === NotificationKind.FALL ? at + 30_000 : null;
      const start = deliverAt ?? at;
      const acked = i % 5 !== 0;
      // the first acknowledgement counts; a later one (another member) does not
      const acks = acked ? [start + ((i * 37) % 600) * 1000 + 250, start + 3600_000] : [];
      const resolvedAfter = i % 4 === 3 ? null : ((i * 131) % 5000) * 1000;
      const state =
        resolvedAfter !== null
          ? AlertState.RESOLVED
          : acked
            ? AlertState.ACKNOWLEDGED
            : AlertState.OPEN;
      generated.push({
        at,
        grade: i % 3 === 0 ? NotificationGrade.CRIT : NotificationGrade.WARN,
        kind,
        state,
        outcome: state === AlertState.RESOLVED ? outcomes[i % 4]! : null,
        deliverAt,
        acks,
        resolvedAt: resolvedAfter === null ? null : start + resolvedAfter,
      });
    }
    for (const alert of generated) await storeAlert(f, alert);
    // not counted: outside the range, notices, cancelled in the grace window, another family's
    await storeAlert(f, { at: from - 1, acks: [from + 1000] });
    await storeAlert(f, { at: to, state: AlertState.OPEN });
    await storeAlert(f, { at: from + 5000, grade: NotificationGrade.INFO, state: null });
    await storeAlert(f, {
      at: from + 6000,
      kind: NotificationKind.FALL,
      state: AlertState.CANCELLED,
      deviceOnly: true,
      resolvedAt: from + 10_000,
    });
    await storeAlert(other, { at: from + 7000, acks: [from + 8000] });

    const tally = <K extends string>(keys: K[]) => {
      const map = new Map<K, number>();
      for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
      return map;
    };
    const percentile = (values: number[], p: number) => {
      if (values.length === 0) return null;
      const sorted = [...values].sort((a, b) => a - b);
      const position = (sorted.length - 1) * p;
      const low = Math.floor(position);
      const high = Math.ceil(position);
      return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
    };
    const ackSeconds = generated
      .filter((a) => a.acks.length > 0)
      .map((a) => (a.acks[0]! - (a.deliverAt ?? a.at)) / 1000);
    const resolved = generated.filter((a) => a.state === AlertState.RESOLVED);
    const resolveSeconds = resolved.map((a) => (a.resolvedAt! - (a.deliverAt ?? a.at)) / 1000);

    const data = await t.request(
      FamilyAlertStatsDocument,
      { id: String(f.family.id), from: iso(from), to: iso(to) },
      f.caregivers[0]!.headers,
    );
    const stats = data.family!.alertStats;
    expect(stats.total).toBe(generated.length);
    expect(new Map(stats.byGrade.map((r) => [r.grade, r.count]))).toEqual(
      tally(generated.map((a) => a.grade)),
    );
    expect(stats.byGrade[0]!.grade).toBe('CRIT');
    expect(new Map(stats.byKind.map((r) => [r.kind, r.count]))).toEqual(
      tally(generated.map((a) => a.kind)),
    );
    expect(new Map(stats.byState.map((r) => [r.state, r.count]))).toEqual(
      tally(generated.map((a) => a.state)),
    );
    expect(new Map(stats.byOutcome.map((r) => [r.outcome, r.count]))).toEqual(
      tally(resolved.map((a) => a.outcome!)),
    );
    expect(stats.acknowledged).toBe(ackSeconds.length);
    expect(stats.resolved).toBe(resolved.length);
    expect(stats.medianSecondsToAcknowledge).toBeCloseTo(percentile(ackSeconds, 0.5)!, 6);
    expect(stats.p90SecondsToAcknowledge).toBeCloseTo(percentile(ackSeconds, 0.9)!, 6);
    expect(stats.medianSecondsToResolve).toBeCloseTo(percentile(resolveSeconds, 0.5)!, 6);
    expect(stats.p90SecondsToResolve).toBeCloseTo(percentile(resolveSeconds, 0.9)!, 6);
    expect(stats.falseAlarmShare).toBeCloseTo(
      resolved.filter((a) => a.outcome === AlertOutcome.FALSE_ALARM).length / resolved.length,
      9,
    );

    // the same statements for a day as for the whole year
    const run = (days: number) =>
      t.countQueries(() =>
        t.request(
          FamilyAlertStatsDocument,
          { id: String(f.family.id), from: iso(from), to: iso(from + days * 86_400_000) },
          f.main.headers,
        ),
      );
    const day = await run(1);
    const year = await run(366);
    expect(year.count).toBe(day.count);
  });

  it('follows alerts raised, acknowledged and resolved through the API', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const from = now;
    now += MINUTE;
    const raised = await t.request(
      RaiseAlertWithContextDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'help' } },
      f.device.headers,
    );
    const id = raised.raiseNotification.id;
    now += 30_000;
    await t
      .http(f.caregivers[0]!.headers)
      .request('mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }', { id });
    now += 60_000;
    await t
      .http(f.main.headers)
      .request('mutation($id: ID!) { resolveNotification(id: $id, outcome: FALSE_ALARM) { id } }', {
        id,
      });
    const data = await t.request(
      FamilyAlertStatsDocument,
      { id: String(f.family.id), from: iso(from), to: iso(now + 1) },
      f.main.headers,
    );
    expect(data.family!.alertStats).toMatchObject({
      total: 1,
      acknowledged: 1,
      resolved: 1,
      medianSecondsToAcknowledge: 30,
      p90SecondsToAcknowledge: 30,
      medianSecondsToResolve: 90,
      falseAlarmShare: 1,
      byState: [{ state: 'RESOLVED', count: 1 }],
      byOutcome: [{ outcome: 'FALSE_ALARM', count: 1 }],
    });
  });

  it('is empty with nulls when there are no alerts', async () => {
    const f = await createFamily(t);
    const data = await t.request(
      FamilyAlertStatsDocument,
      { id: String(f.family.id), from: iso(now), to: iso(now + 86_400_000) },
      f.main.headers,
    );
    expect(data.family!.alertStats).toMatchObject({
      total: 0,
      byGrade: [],
      acknowledged: 0,
      medianSecondsToAcknowledge: null,
      p90SecondsToResolve: null,
      falseAlarmShare: null,
    });
  });

  it('rejects a range that is empty, reversed or longer than 366 days, naming the argument', async () => {
    const f = await createFamily(t);
    const id = String(f.family.id);
    for (const [from, to] of [
      [now, now],
      [now, now - 1],
      [now, now + 366 * 86_400_000 + 1],
    ] as const) {
      const errors = await t.requestErrors(
        FamilyAlertStatsDocument,
        { id, from: iso(from), to: iso(to) },
        f.main.headers,
      );
      expect(codeOf(errors)).toBe('BAD_USER_INPUT');
      expect(Object.keys(errors[0]!.extensions!['fields'] as object)).toEqual(['to']);
    }
    const ok = await t.request(
      FamilyAlertStatsDocument,
      { id, from: iso(now), to: iso(now + 366 * 86_400_000) },
      f.main.headers,
    );
    expect(ok.family!.alertStats.total).toBe(0);
  });

  it('is NOT_FOUND for another family', async () => {
    const f = await createFamily(t);
    const other = await createFamily(t, { caregivers: 1 });
    const errors = await t.requestErrors(
      FamilyAlertStatsDocument,
      { id: String(f.family.id), from: iso(now), to: iso(now + 1000) },
      other.caregivers[0]!.headers,
    );
    expect(codeOf(errors)).toBe('NOT_FOUND');
  });
});

describe('role matrix of the incident view', () => {
  it('each field for each caller', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    await storeAlert(f, { at: now });
    const id = String(f.family.id);
    const rows: MatrixRow[] = [
      {
        name: 'Family.alertStats',
        expected: {
          main: 'ok',
          manager: 'ok',
          caregiver: 'ok',
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) =>
          t.request(FamilyAlertStatsDocument, { id, from: iso(now), to: iso(now + 1000) }, h),
      },
      {
        name: 'Notification.context (family.notifications)',
        expected: {
          main: 'ok',
          manager: 'ok',
          caregiver: 'ok',
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) => t.request(AlertContextsDocument, { id }, h),
      },
    ];
    const { got, want } = await roleMatrix(callersOf(f, other), rows);
    expect(got).toEqual(want);
  });
});

describe('percentileOf', () => {
  it('interpolates between the two nearest ranks', () => {
    const ranked = new Map([
      [0, 10],
      [1, 20],
      [2, 30],
      [3, 40],
    ]);
    expect(percentileOf(ranked, 4, 0.5)).toBe(25);
    expect(percentileOf(ranked, 4, 0.9)).toBeCloseTo(37, 9);
    expect(percentileOf(new Map([[0, 7]]), 1, 0.9)).toBe(7);
    expect(percentileOf(new Map(), 0, 0.5)).toBeNull();
  });
});
