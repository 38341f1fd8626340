import { randomUUID } from 'node:crypto';
import type { EntityClass } from '@mikro-orm/core';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ClientError } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FamilyInvite } from '../src/modules/family/family-invite.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import { FamilyRole, Membership } from '../src/modules/family/membership.entity.js';
import { Message } from '../src/modules/message/message.entity.js';
import { Notification, NotificationRead } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalReport,
  MentalStatus,
} from '../src/modules/report/report.entities.js';
import {
  AcceptFamilyInviteDocument,
  AcknowledgeNotificationDocument,
  CreateFamilyInviteDocument,
  MarkAllNotificationsReadDocument,
  MarkMessagesReadDocument,
  MarkNotificationsReadDocument,
  ReportActivityDocument,
  ReportBatchDocument,
  ReportHealthStatusDocument,
  ReportHomeStatusDocument,
  ReportMentalStatusDocument,
  SubmitMentalReportDocument,
  UnreadMessageCountDocument,
  UnreadNotificationCountDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createMessages } from './factories/messages.js';
import { createUser, type TestUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

// Devices retry, people double-tap, and two browser tabs mark the same list read at once: every
// check-then-insert below used to answer INTERNAL_SERVER_ERROR when two requests met in between.
const CONCURRENT = 20;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const em = () => t.server.app.orm.em.fork();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** One request's answer: its data, or the codes of its errors. */
type Outcome<T> = { data: T; codes?: undefined } | { data?: undefined; codes: unknown[] };

/** Sends `CONCURRENT` requests at once (request `i` with `variables(i)` as `headers(i)`). */
async function burst<T, V extends Record<string, unknown>>(
  document: TypedDocumentNode<T, V>,
  variables: (i: number) => NoInfer<V>,
  headers: (i: number) => Record<string, string>,
): Promise<Outcome<T>[]> {
  return Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i): Promise<Outcome<T>> => {
      try {
        const data = await t
          .http(headers(i))
          .request<T>({ document, variables: variables(i) } as never);
        return { data };
      } catch (error) {
        if (error instanceof ClientError && error.response.errors !== undefined)
          return { codes: error.response.errors.map((e) => e.extensions?.['code']) };
        throw error;
      }
    }),
  );
}

const dataOf = <T>(outcomes: Outcome<T>[]): T[] =>
  outcomes.flatMap((o) => (o.data === undefined ? [] : [o.data]));
const codesOf = <T>(outcomes: Outcome<T>[]): unknown[] =>
  outcomes.flatMap((o) => (o.codes === undefined ? [] : o.codes));

async function notifications(f: TestFamily, count: number): Promise<Notification[]> {
  const fork = em();
  const created = Array.from({ length: count }, (_, i) =>
    fork.create(Notification, {
      family: fork.getReference(Family, f.family.id),
      grade: NotificationGrade.CRIT,
      kind: NotificationKind.FALL,
      message: `fall #${i + 1}`,
    }),
  );
  await fork.flush();
  return created;
}

const readsOf = (userId: number, ids: number[]) =>
  em().count(NotificationRead, { user: userId, notification: { $in: ids } });

describe('notification read state under concurrent requests', () => {
  it('marks a list read once when the same viewer sends it twenty times at once', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const viewer = f.caregivers[0]!;
    const list = await notifications(f, 3);
    const ids = list.map((n) => String(n.id));
    const outcomes = await burst(
      MarkNotificationsReadDocument,
      () => ({ ids }),
      () => viewer.headers,
    );
    expect(codesOf(outcomes)).toEqual([]);
    // each notification changed exactly once, whichever request got there first
    const changed = dataOf(outcomes).reduce((sum, d) => sum + d.markNotificationsRead, 0);
    expect(changed).toBe(3);
    expect(
      await readsOf(
        viewer.user.id,
        list.map((n) => n.id),
      ),
    ).toBe(3);
    expect(await t.request(UnreadNotificationCountDocument, {}, viewer.headers)).toEqual({
      unreadNotificationCount: 0,
    });
    // the main user's read state is their own
    expect(
      await readsOf(
        f.main.user.id,
        list.map((n) => n.id),
      ),
    ).toBe(0);
  });

  it('marks a family read once when "mark all" races with itself', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const viewer = f.caregivers[0]!;
    const list = await notifications(f, 4);
    const outcomes = await burst(
      MarkAllNotificationsReadDocument,
      () => ({ familyId: String(f.family.id) }),
      () => viewer.headers,
    );
    expect(codesOf(outcomes)).toEqual([]);
    const changed = dataOf(outcomes).reduce((sum, d) => sum + d.markAllNotificationsRead, 0);
    expect(changed).toBe(4);
    expect(
      await readsOf(
        viewer.user.id,
        list.map((n) => n.id),
      ),
    ).toBe(4);
  });

  it('acknowledges once and reads once when one viewer double-taps twenty times', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const viewer = f.caregivers[0]!;
    const [alert] = await notifications(f, 1);
    const outcomes = await burst(
      AcknowledgeNotificationDocument,
      () => ({ id: String(alert!.id) }),
      () => viewer.headers,
    );
    expect(codesOf(outcomes)).toEqual([]);
    const answers = dataOf(outcomes).map((d) => d.acknowledgeNotification);
    expect(answers).toHaveLength(CONCURRENT);
    for (const answer of answers) {
      expect(answer).toMatchObject({ read: true, acknowledgedBy: { id: String(viewer.user.id) } });
      expect(answer.acknowledgedAt).toBe(answers[0]!.acknowledgedAt);
    }
    expect(await readsOf(viewer.user.id, [alert!.id])).toBe(1);
    const stored = await em().findOneOrFail(Notification, { id: alert!.id });
    expect(stored.acknowledgedBy?.id).toBe(viewer.user.id);
  });

  it('keeps the first of many members acknowledging at once; each has read it once', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 2 });
    const people: TestUser[] = [f.main, ...f.managers, ...f.caregivers];
    const [alert] = await notifications(f, 1);
    const outcomes = await burst(
      AcknowledgeNotificationDocument,
      () => ({ id: String(alert!.id) }),
      (i) => people[i % people.length]!.headers,
    );
    expect(codesOf(outcomes)).toEqual([]);
    const answers = dataOf(outcomes).map((d) => d.acknowledgeNotification);
    const stored = await em().findOneOrFail(Notification, { id: alert!.id });
    const winner = stored.acknowledgedBy?.id;
    expect(people.map((p) => p.user.id)).toContain(winner);
    // everyone is told the same first acknowledgement
    for (const answer of answers) {
      expect(answer.acknowledgedBy?.id).toBe(String(winner));
      expect(answer.acknowledgedAt).toBe(stored.acknowledgedAt?.toISOString());
      expect(answer.read).toBe(true);
    }
    for (const person of people) expect(await readsOf(person.user.id, [alert!.id])).toBe(1);
  });
});

describe('message read state under concurrent requests', () => {
  it('marks received messages read once when the same list is sent twenty times at once', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const recipient = f.caregivers[0]!;
    const sent = await createMessages(t, 3, {
      familyId: f.family.id,
      fromUserId: f.main.user.id,
      toUserId: recipient.user.id,
      start: new Date(Date.now() - 60 * 60_000),
    });
    const ids = sent.map((m) => String(m.id));
    const outcomes = await burst(
      MarkMessagesReadDocument,
      () => ({ ids }),
      () => recipient.headers,
    );
    expect(codesOf(outcomes)).toEqual([]);
    const changed = dataOf(outcomes).reduce((sum, d) => sum + d.markMessagesRead, 0);
    expect(changed).toBe(3);
    const stored = await em().find(Message, { id: { $in: sent.map((m) => m.id) } });
    expect(stored.every((m) => m.readAt !== null)).toBe(true);
    expect(await t.request(UnreadMessageCountDocument, {}, recipient.headers)).toEqual({
      unreadMessageCount: 0,
    });
  });
});

describe('family invites under concurrent accepts', () => {
  const invite = async (f: TestFamily) =>
    (
      await t.request(
        CreateFamilyInviteDocument,
        { familyId: String(f.family.id), role: FamilyRole.CAREGIVER },
        f.main.headers,
      )
    ).createFamilyInvite.code;
  const membersOf = (f: TestFamily) => em().count(Membership, { family: f.family.id });
  const usedInvites = (f: TestFamily) =>
    em().count(FamilyInvite, { family: f.family.id, usedAt: { $ne: null } });

  it('lets exactly one of twenty people use a single-use code; the others are told it is used', async () => {
    const f = await createFamily(t);
    const code = await invite(f);
    const people = await Promise.all(Array.from({ length: CONCURRENT }, () => createUser(t)));
    const outcomes = await burst(
      AcceptFamilyInviteDocument,
      () => ({ code, relation: 'daughter' }),
      (i) => people[i]!.headers,
    );
    expect(dataOf(outcomes)).toHaveLength(1);
    expect(codesOf(outcomes)).toEqual(Array(CONCURRENT - 1).fill('BAD_USER_INPUT'));
    expect(dataOf(outcomes)[0]!.acceptFamilyInvite).toMatchObject({
      status: 'ACTIVE',
      role: 'CAREGIVER',
    });
    expect(await membersOf(f)).toBe(1);
    expect(await usedInvites(f)).toBe(1);
  });

  it('joins once when one person sends the same code twenty times at once', async () => {
    const f = await createFamily(t);
    const code = await invite(f);
    const joiner = await createUser(t);
    const outcomes = await burst(
      AcceptFamilyInviteDocument,
      () => ({ code, relation: 'son' }),
      () => joiner.headers,
    );
    expect(dataOf(outcomes)).toHaveLength(1);
    expect(codesOf(outcomes)).toEqual(Array(CONCURRENT - 1).fill('BAD_USER_INPUT'));
    expect(await em().count(Membership, { family: f.family.id, user: joiner.user.id })).toBe(1);
    expect(await usedInvites(f)).toBe(1);
  });

  it('joins once when one person accepts twenty different codes at once; unused codes stay valid', async () => {
    const f = await createFamily(t);
    const codes: string[] = [];
    for (let i = 0; i < CONCURRENT; i += 1) codes.push(await invite(f));
    const joiner = await createUser(t);
    const outcomes = await burst(
      AcceptFamilyInviteDocument,
      (i) => ({ code: codes[i]!, relation: 'son' }),
      () => joiner.headers,
    );
    expect(dataOf(outcomes)).toHaveLength(1);
    // already a member: the same answer as for a later, sequential attempt
    expect(codesOf(outcomes)).toEqual(Array(CONCURRENT - 1).fill('CONFLICT'));
    expect(await membersOf(f)).toBe(1);
    // a refused accept changes nothing: only the winning code is spent
    expect(await usedInvites(f)).toBe(1);
  });
});

describe('report retries with one reportId under concurrency', () => {
  const cases = [
    {
      name: 'reportHomeStatus',
      entity: HomeStatus,
      send: (reportId: string, measuredAt: string, f: TestFamily) =>
        burst(
          ReportHomeStatusDocument,
          () => ({
            input: {
              temperature: 45,
              humidity: 40,
              dustDensity: 20,
              gasLevel: 100,
              measuredAt,
              reportId,
            },
          }),
          () => f.device.headers,
        ).then((o) => ({ ids: dataOf(o).map((d) => d.reportHomeStatus.id), codes: codesOf(o) })),
    },
    {
      name: 'reportHealthStatus',
      entity: HealthStatus,
      send: (reportId: string, measuredAt: string, f: TestFamily) =>
        burst(
          ReportHealthStatusDocument,
          () => ({ input: { heartRate: 180, bloodOxygen: 97, measuredAt, reportId } }),
          () => f.device.headers,
        ).then((o) => ({ ids: dataOf(o).map((d) => d.reportHealthStatus.id), codes: codesOf(o) })),
    },
    {
      name: 'reportActivity',
      entity: Activity,
      send: (reportId: string, measuredAt: string, f: TestFamily) =>
        burst(
          ReportActivityDocument,
          () => ({ input: { action: 'FALL' as const, measuredAt, reportId } }),
          () => f.device.headers,
        ).then((o) => ({ ids: dataOf(o).map((d) => d.reportActivity.id), codes: codesOf(o) })),
    },
    {
      name: 'reportMentalStatus',
      entity: MentalStatus,
      send: (reportId: string, measuredAt: string, f: TestFamily) =>
        burst(
          ReportMentalStatusDocument,
          () => ({
            input: {
              emotion: 'JOY' as const,
              scores: { joy: 0.8, sadness: 0.05, anger: 0, anxiety: 0.05, neutral: 0.1 },
              source: 'CONVERSATION' as const,
              measuredAt,
              reportId,
            },
          }),
          () => f.device.headers,
        ).then((o) => ({ ids: dataOf(o).map((d) => d.reportMentalStatus.id), codes: codesOf(o) })),
    },
    {
      name: 'submitMentalReport',
      entity: MentalReport,
      send: (reportId: string, measuredAt: string, f: TestFamily) => {
        const periodStart = minutesAgo(7 * 24 * 60);
        return burst(
          SubmitMentalReportDocument,
          () => ({
            input: {
              periodStart,
              periodEnd: measuredAt,
              summary: 'A calm week.',
              riskLevel: 'LOW' as const,
              recommendations: ['Keep the morning walks'],
              reportId,
            },
          }),
          () => f.device.headers,
        ).then((o) => ({ ids: dataOf(o).map((d) => d.submitMentalReport.id), codes: codesOf(o) }));
      },
    },
  ];

  for (const { name, entity, send } of cases) {
    it(`${name}: twenty sends at once answer the same stored reading; one row, one alert at most`, async () => {
      const f = await createFamily(t);
      const reportId = randomUUID();
      const { ids, codes } = await send(reportId, minutesAgo(1), f);
      expect(codes).toEqual([]);
      expect(ids).toHaveLength(CONCURRENT);
      expect(new Set(ids).size).toBe(1);
      const rows = await em().find(
        entity as EntityClass<{ id: number }>,
        { family: f.family.id } as never,
      );
      expect(rows.map((row) => String(row.id))).toEqual([ids[0]]);
      // an alerting reading (heat, heart rate, fall) raises its alert once, not per retry
      expect(await em().count(Notification, { family: f.family.id })).toBeLessThanOrEqual(1);
    });
  }

  it('reportBatch: twenty uploads of one offline buffer at once store each reading once', async () => {
    const f = await createFamily(t);
    const home = Array.from({ length: 5 }, (_, i) => ({
      temperature: 20 + i,
      humidity: 40,
      dustDensity: 20,
      gasLevel: 100,
      measuredAt: minutesAgo(10 + i),
      reportId: randomUUID(),
    }));
    const activities = [
      { action: 'WALKING' as const, measuredAt: minutesAgo(3), reportId: randomUUID() },
    ];
    const outcomes = await burst(
      ReportBatchDocument,
      () => ({ input: { home, activities } }),
      () => f.device.headers,
    );
    expect(codesOf(outcomes)).toEqual([]);
    const answers = dataOf(outcomes).map((d) => d.reportBatch);
    // every reading is stored by exactly one upload and a duplicate for all the others
    expect(answers.reduce((sum, a) => sum + a.stored, 0)).toBe(6);
    for (const answer of answers) expect(answer.stored + answer.duplicates).toBe(6);
    expect(await em().count(HomeStatus, { family: f.family.id })).toBe(5);
    expect(await em().count(Activity, { family: f.family.id })).toBe(1);
  });
});
