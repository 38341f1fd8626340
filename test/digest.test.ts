import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMailer } from '../src/mail/mailer.js';
import { AlertOutcome, AlertState } from '../src/modules/notification/alert.enums.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import { Activity, HealthStatus, MentalStatus } from '../src/modules/report/report.entities.js';
import { ActivityAction, Emotion, MentalSource } from '../src/modules/report/report.enums.js';
import { CareSettings } from '../src/modules/routine/routine.entities.js';
import { Digest, DigestDelivery, DigestPreference } from '../src/modules/digest/digest.entities.js';
import { DigestLocale } from '../src/modules/digest/digest.enums.js';
import { digestDay, runDigests } from '../src/modules/digest/digest.job.js';
import { computeDigests, type DigestContent } from '../src/modules/digest/digest.sections.js';
import { escapeHtml } from '../src/modules/digest/digest.render.js';
import { periodicJobsOf } from '../src/jobs/start-jobs.js';
import { CheckIn, CheckInOccurrence } from '../src/modules/check-in/check-in.entities.js';
import { CheckInKind, OccurrenceState } from '../src/modules/check-in/check-in.enums.js';
import { runCheckIns } from '../src/modules/check-in/check-in.jobs.js';
import { baselineBands, updateBaselines } from '../src/modules/routine/routine.baseline.js';
import { BaselineMetric, BaselineStatus } from '../src/modules/routine/routine.enums.js';
import {
  AnswerCheckInDocument,
  CreateCheckInDocument,
  DigestDocument,
  FamilyDigestsDocument,
  UpdateDigestPreferenceDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { codeOf } from './helpers/assertions.js';
import { callersOf, type MatrixRow, roleMatrix } from './helpers/role-matrix.js';
import { seededRandom } from './helpers/seeded-random.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
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
const outbox = () => t.server.app.mailer as OutboxMailer;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// 2026-11-20 in Seoul (UTC+9, no daylight saving): 2026-11-19T15:00Z to 2026-11-20T15:00Z
const FROM = Date.parse('2026-11-19T15:00:00Z');
const TO = FROM + DAY;
/** 07:00 in Seoul on the next morning. */
const MORNING = new Date(TO + 7 * HOUR);
const run = (now: Date) => {
  const { orm, mailer, logger } = t.server.app;
  return runDigests(orm, mailer, logger, now);
};
const optIn = (member: { headers: Record<string, string> }, f: TestFamily, locale: 'KO' | 'EN') =>
  t.request(
    UpdateDigestPreferenceDocument,
    { familyId: String(f.family.id), input: { enabled: true, locale: locale as DigestLocale } },
    member.headers,
  );
const mailsTo = (email: string) =>
  outbox().outbox.filter((mail) => mail.to.toLowerCase() === email.toLowerCase());

const ACTIONS = [
  ActivityAction.WALKING,
  ActivityAction.SITTING,
  ActivityAction.SLEEPING,
  ActivityAction.EATING,
  ActivityAction.TALKING,
];
const EMOTIONS = Object.values(Emotion);
const VITALS = [
  ['HEART_RATE', 'heartRate'],
  ['BLOOD_OXYGEN', 'bloodOxygen'],
  ['BODY_TEMPERATURE', 'bodyTemperature'],
  ['SYSTOLIC', 'systolic'],
  ['DIASTOLIC', 'diastolic'],
] as const;

/** Whole seconds in [from, to): the databases compare at millisecond, the durations at second. */
const instant = (next: () => number, from: number, to: number) =>
  new Date(Math.floor((from + next() * (to - from)) / 1000) * 1000);

/** Readings around the day (some just outside it) and the numbers a digest of it must show. */
async function seedDay(f: TestFamily, seed: number) {
  const next = seededRandom(seed);
  const e = em();
  const family = f.family.id;

  const health = Array.from({ length: 80 }, () => {
    const pressure = next() < 0.4;
    return {
      measuredAt: instant(next, FROM - 2 * HOUR, TO + 2 * HOUR),
      heartRate: next() < 0.9 ? 55 + Math.floor(next() * 50) : null,
      bloodOxygen: 90 + Math.floor(next() * 10),
      bodyTemperature: Math.round((35.8 + next() * 2) * 10) / 10,
      systolic: pressure ? 105 + Math.floor(next() * 50) : null,
      diastolic: pressure ? 65 + Math.floor(next() * 30) : null,
    };
  });
  for (const row of health) e.create(HealthStatus, { family, ...row });

  const activities = Array.from({ length: 400 }, () => ({
    measuredAt: instant(next, FROM - 8 * DAY, TO + 3 * HOUR),
    action: ACTIONS[Math.floor(next() * ACTIONS.length)]!,
  })).sort((x, y) => x.measuredAt.getTime() - y.measuredAt.getTime());
  // stored in time order, so ids follow time (the tie-break of "the next report")
  for (const row of activities) e.create(Activity, { family, ...row });

  const moods = Array.from({ length: 30 }, () => ({
    measuredAt: instant(next, FROM - 3 * HOUR, TO + 3 * HOUR),
    emotion: EMOTIONS[Math.floor(next() * EMOTIONS.length)]!,
  }));
  for (const row of moods)
    e.create(MentalStatus, {
      family,
      ...row,
      joy: 0.2,
      sadness: 0.2,
      anger: 0.2,
      anxiety: 0.2,
      neutral: 0.2,
      source: MentalSource.CONVERSATION,
    });
  await e.flush();

  // the direct computation
  const inDay = (at: Date) => at.getTime() >= FROM && at.getTime() < TO;
  const vitals = VITALS.flatMap(([metric, field]) => {
    const values = health
      .filter((row) => inDay(row.measuredAt) && row[field] !== null)
      .map((row) => row[field]!);
    if (values.length === 0) return [];
    const sum = values.reduce((a, b) => a + b, 0);
    return [
      {
        metric,
        min: Math.min(...values),
        avg: sum / values.length,
        max: Math.max(...values),
        count: values.length,
      },
    ];
  });

  const fromS = FROM / 1000;
  const toS = TO / 1000;
  const week = activities.filter(
    (row) => row.measuredAt.getTime() >= FROM - 7 * DAY && row.measuredAt.getTime() < TO,
  );
  const kinds = new Map<
    string,
    { count: number; minutes: number; previousCount: number; previousMinutes: number }
  >();
  week.forEach((row, i) => {
    const at = row.measuredAt.getTime() / 1000;
    const nextAt = week[i + 1] === undefined ? toS : week[i + 1]!.measuredAt.getTime() / 1000;
    const today = at >= fromS;
    const held = Math.min(nextAt, today ? toS : fromS) - at;
    const kind = kinds.get(row.action) ?? {
      count: 0,
      minutes: 0,
      previousCount: 0,
      previousMinutes: 0,
    };
    kinds.set(row.action, kind);
    if (today) {
      kind.count += 1;
      kind.minutes += held / 60;
    } else {
      kind.previousCount += 1 / 7;
      kind.previousMinutes += held / 60 / 7;
    }
  });

  const emotions = new Map<string, number>();
  for (const row of moods.filter((m) => inDay(m.measuredAt)))
    emotions.set(row.emotion, (emotions.get(row.emotion) ?? 0) + 1);

  return {
    healthTotal: health.filter((h) => inDay(h.measuredAt)).length,
    vitals,
    kinds,
    emotions,
    activityTotal: activities.filter((a) => inDay(a.measuredAt)).length,
  };
}

const SCRIPT = `<script>alert("x")</script> & 'co'`;

/** Alerts of the day in every state, and some that must not count. */
async function seedAlerts(f: TestFamily) {
  const e = em();
  const family = f.family.id;
  const base = { family, createdAt: new Date(FROM + 2 * HOUR) };
  const fall = e.create(Notification, {
    ...base,
    grade: NotificationGrade.CRIT,
    kind: NotificationKind.FALL,
    message: 'A fall in the bathroom.',
    state: AlertState.RESOLVED,
    outcome: AlertOutcome.HANDLED,
    deliverAt: new Date(FROM + 2 * HOUR + 30_000),
    acknowledgedAt: new Date(FROM + 2 * HOUR + 6 * MINUTE + 30_000),
    resolvedAt: new Date(FROM + 3 * HOUR),
  });
  const fire = e.create(Notification, {
    family,
    createdAt: new Date(FROM + 10 * HOUR),
    grade: NotificationGrade.CRIT,
    kind: NotificationKind.FIRE,
    message: SCRIPT,
    state: AlertState.OPEN,
  });
  e.create(Notification, {
    family,
    createdAt: new Date(FROM + 11 * HOUR),
    grade: NotificationGrade.WARN,
    kind: NotificationKind.HEALTH,
    message: 'Heart rate high.',
    state: AlertState.ACKNOWLEDGED,
    acknowledgedAt: new Date(FROM + 11 * HOUR + MINUTE),
  });
  e.create(Notification, {
    family,
    createdAt: new Date(TO - 1000),
    grade: NotificationGrade.WARN,
    kind: NotificationKind.INACTIVITY,
    message: 'Quiet.',
    state: AlertState.RESOLVED,
    outcome: AlertOutcome.FALSE_ALARM,
  });
  // not counted: cancelled inside the grace window, not an alert, outside the day
  e.create(Notification, {
    family,
    createdAt: new Date(FROM + 5 * HOUR),
    grade: NotificationGrade.CRIT,
    kind: NotificationKind.FALL,
    message: 'Cancelled.',
    state: AlertState.CANCELLED,
    deviceOnly: true,
  });
  e.create(Notification, {
    family,
    createdAt: new Date(FROM + 5 * HOUR),
    grade: NotificationGrade.INFO,
    kind: NotificationKind.REPORT,
    message: 'A report.',
  });
  for (const at of [FROM - 1000, TO])
    e.create(Notification, {
      family,
      createdAt: new Date(at),
      grade: NotificationGrade.WARN,
      kind: NotificationKind.HEALTH,
      message: 'Outside.',
      state: AlertState.OPEN,
    });
  await e.flush();
  return { fall, fire };
}

async function digestsOf(f: TestFamily, headers = f.main.headers) {
  const data = await t.request(FamilyDigestsDocument, { id: String(f.family.id) }, headers);
  return data.family!.digests;
}

describe('daily digest', () => {
  it('finds the previous local day from 07:00 in the family zone, not before', () => {
    expect(digestDay('Asia/Seoul', new Date(MORNING.getTime() - 1000))).toBeNull();
    expect(digestDay('Asia/Seoul', MORNING)).toEqual({
      day: '2026-11-20',
      from: new Date(FROM),
      to: new Date(TO),
    });
    expect(digestDay('Asia/Seoul', new Date(MORNING.getTime() + 16 * HOUR))?.day).toBe(
      '2026-11-20',
    );
    // New York on 2026-11-20 is UTC-5
    expect(digestDay('America/New_York', new Date('2026-11-21T12:00:00Z'))).toEqual({
      day: '2026-11-20',
      from: new Date('2026-11-20T05:00:00Z'),
      to: new Date('2026-11-21T05:00:00Z'),
    });
  });

  it("matches the day's alerts, vitals, activity and mood", async () => {
    const f = await createFamily(t, { managers: 1 });
    const other = await createFamily(t);
    const expected = await seedDay(f, 20);
    await seedDay(other, 21);
    const { fall, fire } = await seedAlerts(f);
    await optIn(f.managers[0]!, f, 'EN');
    await optIn(other.main, other, 'KO');

    expect((await run(MORNING)).created).toBeGreaterThanOrEqual(2);
    const page = await digestsOf(f, f.managers[0]!.headers);
    expect(page.totalCount).toBe(1);
    const digest = page.edges[0]!.node;
    expect(digest).toMatchObject({
      day: '2026-11-20',
      timeZone: 'Asia/Seoul',
      periodStart: new Date(FROM).toISOString(),
      periodEnd: new Date(TO).toISOString(),
    });

    expect(digest.alerts).toEqual({
      total: 4,
      resolved: 2,
      byGrade: [
        { grade: 'CRIT', count: 2 },
        { grade: 'WARN', count: 2 },
      ],
      byKind: [
        { kind: 'FALL', count: 1 },
        { kind: 'FIRE', count: 1 },
        { kind: 'HEALTH', count: 1 },
        { kind: 'INACTIVITY', count: 1 },
      ],
      critical: [
        {
          notificationId: String(fall.id),
          kind: 'FALL',
          message: 'A fall in the bathroom.',
          raisedAt: new Date(FROM + 2 * HOUR).toISOString(),
          state: 'RESOLVED',
          outcome: 'HANDLED',
          acknowledgedAt: new Date(FROM + 2 * HOUR + 6 * MINUTE + 30_000).toISOString(),
          // from delivery (the end of the grace window), not from raising
          minutesToAcknowledge: 6,
        },
        {
          notificationId: String(fire.id),
          kind: 'FIRE',
          message: SCRIPT,
          raisedAt: new Date(FROM + 10 * HOUR).toISOString(),
          state: 'OPEN',
          outcome: null,
          acknowledgedAt: null,
          minutesToAcknowledge: null,
        },
      ],
    });

    expect(digest.vitals.readings).toBe(expected.healthTotal);
    expect(digest.vitals.metrics.map((m) => m.metric)).toEqual(
      expected.vitals.map((m) => m.metric),
    );
    for (const [i, metric] of expected.vitals.entries()) {
      const got = digest.vitals.metrics[i]!;
      expect(got.min).toBeCloseTo(metric.min, 6);
      expect(got.max).toBeCloseTo(metric.max, 6);
      expect(got.avg).toBeCloseTo(metric.avg, 6);
      expect(got.count).toBe(metric.count);
    }

    expect(digest.activity.total).toBe(expected.activityTotal);
    expect(new Set(digest.activity.kinds.map((k) => k.action))).toEqual(
      new Set(expected.kinds.keys()),
    );
    for (const kind of digest.activity.kinds) {
      const want = expected.kinds.get(kind.action)!;
      expect(kind.count).toBe(want.count);
      expect(kind.minutes).toBeCloseTo(want.minutes, 6);
      expect(kind.previousCount).toBeCloseTo(want.previousCount, 6);
      expect(kind.previousMinutes).toBeCloseTo(want.previousMinutes, 6);
    }
    // the day's minutes add up to the time from its first report to its end
    const minutes = digest.activity.kinds.reduce((sum, k) => sum + k.minutes, 0);
    expect(minutes).toBeLessThanOrEqual(24 * 60);

    expect(digest.mood.readings).toBe([...expected.emotions.values()].reduce((a, b) => a + b, 0));
    expect(new Map(digest.mood.emotions.map((e) => [e.emotion, e.count]))).toEqual(
      expected.emotions,
    );
    const counts = digest.mood.emotions.map((e) => e.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    // the other family's digest is its own
    const theirs = (await digestsOf(other)).edges[0]!.node;
    expect(theirs.alerts.total).toBe(0);
    expect(theirs.id).not.toBe(digest.id);

    // one digest by id, to a caregiver-free family's main user too
    const one = await t.request(DigestDocument, { id: digest.id }, f.main.headers);
    expect(one.digest).toEqual(digest);
  });

  it("shows the elder's usual range beside the day's vitals and how the day's check-ins went", async () => {
    const f = await createFamily(t, { caregivers: 1 });
    // two weeks before the day: heart rate 60–70, SpO₂ 96–98, every hour
    const e = em();
    for (let day = 14; day >= 0; day -= 1)
      for (let hour = 0; hour < 24; hour += 1)
        e.create(HealthStatus, {
          family: f.family.id,
          heartRate: day === 0 && hour === 12 ? 131 : 60 + ((hour * 7 + day) % 11),
          bloodOxygen: 96 + ((hour + day) % 3),
          measuredAt: new Date(FROM - day * DAY + hour * HOUR),
        });
    await e.flush();
    const { orm, events, logger } = t.server.app;
    await updateBaselines(orm.em, events, logger, MORNING);
    const bands = (await baselineBands(em(), [f.family.id], new Date(FROM))).get(f.family.id)!;
    const heart = bands.find((b) => b.metric === BaselineMetric.HEART_RATE)!;
    expect(heart.status).toBe(BaselineStatus.READY);

    // a daily medication question at 09:00: the Carebot says NO on the day
    clockAt = new Date(FROM);
    const { createCheckIn } = await t.request(
      CreateCheckInDocument,
      {
        familyId: String(f.family.id),
        input: { kind: 'QUESTION', prompt: 'Pill taken?', medication: true, time: '09:00' },
      },
      f.caregivers[0]!.headers,
    );
    clockAt = new Date(FROM + 9 * HOUR);
    await runCheckIns(orm, events, logger, clockAt);
    const [occurrence] = await em().find(CheckInOccurrence, { checkIn: Number(createCheckIn.id) });
    await t.request(
      AnswerCheckInDocument,
      { occurrenceId: String(occurrence!.id), answer: { yes: false } },
      f.device.headers,
    );

    await optIn(f.main, f, 'EN');
    clockAt = MORNING;
    await run(MORNING);
    const digest = (await digestsOf(f)).edges[0]!.node;
    const rate = digest.vitals.metrics.find((m) => m.metric === 'HEART_RATE')!;
    expect(rate.max).toBe(131);
    expect([rate.usualLow, rate.usualHigh]).toEqual([heart.low, heart.high]);
    expect(rate.max).toBeGreaterThan(heart.high!);
    // no baseline for blood pressure: no usual range
    expect(digest.vitals.metrics.every((m) => m.metric !== 'SYSTOLIC')).toBe(true);
    expect(digest.checkIns).toEqual({
      scheduled: 1,
      answered: 1,
      missed: 0,
      negative: 1,
      rate: 0,
      checkIns: [{ prompt: 'Pill taken?', scheduled: 1, answered: 1, negative: 1 }],
    });
  });

  it('runs at 07:00 local and not before; twice or on two nodes, one digest and one e-mail each', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 2, pending: 1 });
    const newYork = await createFamily(t);
    const e = em();
    e.create(CareSettings, { family: newYork.family.id, timeZone: 'America/New_York' });
    await e.flush();
    await optIn(f.main, f, 'KO');
    await optIn(f.managers[0]!, f, 'EN');
    await optIn(f.caregivers[0]!, f, 'KO');
    await optIn(newYork.main, newYork, 'EN');
    // caregivers[1] never opted in; the pending applicant has a preference but may not read
    const e2 = em();
    e2.create(DigestPreference, {
      family: f.family.id,
      user: f.pending[0]!.user.id,
      enabled: true,
    });
    await e2.flush();
    const before = outbox().outbox.length;
    // two nodes' job runners on the test clock (the server's own runs on the real one)
    const nodes = [
      periodicJobsOf(t.server.app, { clock: () => clockAt! }),
      periodicJobsOf(t.server.app, { clock: () => clockAt! }),
    ];

    try {
      // 06:59:59 in Seoul: not yet (New York, at 16:59:59, gets the digest of 2026-11-19)
      clockAt = new Date(MORNING.getTime() - 1000);
      expect(await nodes[0]!.tick('daily-digest')).toBe(true);
      expect(await em().count(Digest, { family: f.family.id })).toBe(0);
      expect(await em().count(Digest, { family: newYork.family.id })).toBe(1);
      expect(mailsTo(f.main.email)).toHaveLength(0);

      // 07:00 in Seoul: both nodes tick (the lease lets one run), two runs race past the lease
      // (the unique day decides), and a run hours later finds it done
      clockAt = MORNING;
      const ticked = await Promise.all(nodes.map((node) => node.tick('daily-digest')));
      expect(ticked.filter(Boolean)).toHaveLength(1);
      await Promise.all([run(MORNING), run(MORNING)]);
      await run(new Date(MORNING.getTime() + 3 * HOUR));
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
    }

    expect(await em().count(Digest, { family: f.family.id })).toBe(1);
    expect(await em().count(DigestDelivery, {})).toBeGreaterThanOrEqual(3);
    for (const member of [f.main, f.managers[0]!, f.caregivers[0]!])
      expect(mailsTo(member.email)).toHaveLength(1);
    expect(mailsTo(f.caregivers[1]!.email)).toHaveLength(0);
    expect(mailsTo(f.pending[0]!.email)).toHaveLength(0);
    expect(mailsTo(newYork.main.email)).toHaveLength(1);
    expect(outbox().outbox.length - before).toBe(4);
    // New York's own morning comes later: 07:00 there is 12:00Z
    await run(new Date('2026-11-21T12:00:00Z'));
    expect(mailsTo(newYork.main.email)).toHaveLength(2);
    expect(
      (await em().find(Digest, { family: newYork.family.id }, { orderBy: { day: 'asc' } })).map(
        (d) => d.day,
      ),
    ).toEqual(['2026-11-19', '2026-11-20']);
  });

  it('e-mails Korean or English by the member, text and HTML, user text escaped', async () => {
    const f = await createFamily(t, {
      managers: 1,
      familyName: `Kim <b>"&"</b>`,
    });
    await seedAlerts(f);
    await seedDay(f, 7);
    await optIn(f.main, f, 'KO');
    await optIn(f.managers[0]!, f, 'EN');
    await run(MORNING);

    const ko = mailsTo(f.main.email)[0]!;
    const en = mailsTo(f.managers[0]!.email)[0]!;
    expect(ko.subject).toBe(`[Carebot] Kim <b>"&"</b> 일일 요약 (2026-11-20)`);
    expect(en.subject).toBe(`[Carebot] Daily digest of Kim <b>"&"</b> (2026-11-20)`);
    for (const [mail, words] of [
      [ko, ['알림', '긴급 알림', '생체 신호', '활동', '기분', '낙상', '화재', '심박수']],
      [en, ['Alerts', 'Critical alerts', 'Vital signs', 'Activity', 'Mood', 'Fall', 'Fire']],
    ] as const) {
      expect(mail.text).toContain(SCRIPT);
      expect(mail.text).toContain('Kim <b>"&"</b>');
      for (const word of words) {
        expect(mail.text).toContain(word);
        expect(mail.html).toContain(word);
      }
      // every user text escaped in the HTML part, none left raw
      expect(mail.html).toContain(escapeHtml(SCRIPT));
      expect(mail.html).toContain('Kim &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt;');
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).not.toContain('<b>');
      expect(mail.html!.startsWith('<!doctype html>')).toBe(true);
    }
    expect(ko.html).toContain('lang="ko"');
    expect(en.html).toContain('lang="en"');
    // the times are the family's local times: the fall at 02:00, the fire at 10:00
    expect(en.text).toContain('02:00 | Fall: A fall in the bathroom. | Resolved | Handled | 6 min');
    expect(ko.text).toContain('10:00 | 화재: ');
  });

  it('keeps preferences per member and family, off and KO by default', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const initial = await t.request(
      FamilyDigestsDocument,
      { id: String(f.family.id) },
      f.caregivers[0]!.headers,
    );
    expect(initial.family!.digestPreference).toEqual({ enabled: false, locale: 'KO' });
    expect(initial.family!.digests).toMatchObject({ totalCount: 0, edges: [] });
    await t.request(
      UpdateDigestPreferenceDocument,
      { familyId: String(f.family.id), input: { locale: DigestLocale.EN } },
      f.caregivers[0]!.headers,
    );
    const changed = await t.request(
      FamilyDigestsDocument,
      { id: String(f.family.id) },
      f.caregivers[0]!.headers,
    );
    expect(changed.family!.digestPreference).toEqual({ enabled: false, locale: 'EN' });
    // someone else's choice is theirs
    const main = await t.request(
      FamilyDigestsDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(main.family!.digestPreference).toEqual({ enabled: false, locale: 'KO' });
    // a bad locale is refused before anything is stored
    const bad = await t.requestErrors(
      UpdateDigestPreferenceDocument,
      { familyId: String(f.family.id), input: { enabled: true, locale: 'FR' as DigestLocale } },
      f.main.headers,
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(await em().count(DigestPreference, { family: f.family.id })).toBe(1);
    // nobody opted in: no digest is made; nor for an applicant's preference (they may not read it)
    const g = await createFamily(t, { pending: 1 });
    const e = em();
    e.create(DigestPreference, { family: g.family.id, user: g.pending[0]!.user.id, enabled: true });
    await e.flush();
    await run(MORNING);
    expect(await em().count(Digest, { family: [f.family.id, g.family.id] })).toBe(0);
  });

  it('computes the sections of many families in as many statements as of one, each its own', async () => {
    const families: TestFamily[] = [];
    const localDay = Date.parse('2026-11-20T00:00:00Z') / DAY;
    const e = em();
    for (let i = 0; i < 4; i += 1) {
      const f = await createFamily(t);
      families.push(f);
      await seedDay(f, 40 + i);
      // family i: i + 1 occurrences of one question on the day, the last one missed
      const checkIn = e.create(CheckIn, {
        family: f.family.id,
        kind: CheckInKind.QUESTION,
        prompt: `Question ${i}`,
        minute: 0,
        weekdayMask: 127,
        graceMinutes: 30,
        scheduleFrom: new Date(FROM),
        createdAt: new Date(FROM),
        updatedAt: new Date(FROM),
      });
      for (let n = 0; n <= i; n += 1)
        e.create(CheckInOccurrence, {
          checkIn,
          family: f.family.id,
          localDay,
          minute: n * 60,
          dueAt: new Date(FROM + n * HOUR),
          expiresAt: new Date(FROM + n * HOUR + 30 * MINUTE),
          state: n === i && i > 0 ? OccurrenceState.MISSED : OccurrenceState.ANSWERED,
          createdAt: new Date(FROM + n * HOUR),
        });
    }
    await e.flush();
    const targets = families.map((f) => ({
      familyId: f.family.id,
      timeZone: 'Asia/Seoul',
      day: '2026-11-20',
      from: new Date(FROM),
      to: new Date(TO),
    }));
    // a request id, so the test server counts the statements
    const compute = (some: typeof targets) =>
      computeDigests(t.server.app.orm.em.fork({ loggerContext: { requestId: 'digest' } }), some);
    let all = new Map<number, DigestContent>();
    const one = await t.countQueries(() => compute(targets.slice(0, 1)));
    const four = await t.countQueries(async () => {
      all = await compute(targets);
    });
    expect(four.count, four.statements.join('\n')).toBe(one.count);
    expect(four.statements.filter((sql) => sql.includes('check_in_occurrence'))).toHaveLength(1);
    families.forEach((f, i) => {
      expect(all.get(f.family.id)!.checkIns).toEqual({
        scheduled: i + 1,
        answered: i === 0 ? 1 : i,
        missed: i === 0 ? 0 : 1,
        negative: 0,
        rate: i === 0 ? 1 : i / (i + 1),
        checkIns: [expect.objectContaining({ prompt: `Question ${i}`, scheduled: i + 1 })],
      });
    });
  });

  it('role matrix: who may read digests and set their own preference', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    await optIn(f.main, f, 'KO');
    await run(MORNING);
    const digestId = (await digestsOf(f)).edges[0]!.node.id;
    const familyId = String(f.family.id);
    const member = { main: 'ok', manager: 'ok', caregiver: 'ok' } as const;
    const rows: MatrixRow[] = [
      {
        name: 'digest(id)',
        expected: {
          ...member,
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) => t.request(DigestDocument, { id: digestId }, h),
      },
      {
        name: 'Family.digests',
        expected: {
          ...member,
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) => t.request(FamilyDigestsDocument, { id: familyId }, h),
      },
      {
        name: 'updateDigestPreference',
        expected: {
          ...member,
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) =>
          t.request(
            UpdateDigestPreferenceDocument,
            { familyId, input: { locale: DigestLocale.KO } },
            h,
          ),
      },
      {
        name: 'digest(unknown id)',
        expected: {
          main: 'NOT_FOUND',
          manager: 'NOT_FOUND',
          caregiver: 'NOT_FOUND',
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) => t.request(DigestDocument, { id: '999999' }, h),
      },
    ];
    const { got, want } = await roleMatrix(callersOf(f, other), rows);
    expect(got).toEqual(want);
  });
});
