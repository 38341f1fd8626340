import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiJob, MoodWatch } from '../src/modules/ai/ai.entities.js';
import { AiJobKind, AiJobStatus } from '../src/modules/ai/ai.enums.js';
import { queueWeeklyMentalReports } from '../src/modules/ai/ai.jobs.js';
import { Family } from '../src/modules/family/family.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import {
  Activity,
  HealthStatus,
  MentalReport,
  MentalStatus,
} from '../src/modules/report/report.entities.js';
import {
  ActivityAction,
  Emotion,
  MentalSource,
  RiskLevel,
} from '../src/modules/report/report.enums.js';
import { CarebotSettings } from '../src/modules/settings/settings.entity.js';
import { lastCompleteWeek } from '../src/util/seoul-time.js';
import {
  AiJobDocument,
  ConversationDocument,
  ConversationsDocument,
  RequestMentalReportDocument,
  SendChatMessageDocument,
  ShareConversationsDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf, eventually } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const HOUR = 3600_000;

const SCORES: Record<
  Emotion,
  Pick<MentalStatus, 'joy' | 'sadness' | 'anger' | 'anxiety' | 'neutral'>
> = {
  [Emotion.JOY]: { joy: 0.7, sadness: 0.1, anger: 0, anxiety: 0, neutral: 0.2 },
  [Emotion.SADNESS]: { joy: 0, sadness: 0.8, anger: 0, anxiety: 0.1, neutral: 0.1 },
  [Emotion.ANGER]: { joy: 0, sadness: 0.1, anger: 0.8, anxiety: 0, neutral: 0.1 },
  [Emotion.ANXIETY]: { joy: 0, sadness: 0.1, anger: 0, anxiety: 0.8, neutral: 0.1 },
  [Emotion.NEUTRAL]: { joy: 0.1, sadness: 0, anger: 0, anxiety: 0, neutral: 0.9 },
};

describe('mental reports, the low-mood watch and shared conversations', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });
  const em = () => t.server.app.orm.em.fork();

  /** Stores a week of records for a family: moods, activities (one fall) and vitals. */
  async function seedPeriod(
    f: TestFamily,
    from: Date,
    moods: Emotion[],
    options: { fall?: boolean } = {},
  ): Promise<void> {
    const e = em();
    const family = e.getReference(Family, f.family.id);
    moods.forEach((emotion, i) =>
      e.create(MentalStatus, {
        family,
        emotion,
        ...SCORES[emotion],
        source: MentalSource.CONVERSATION,
        measuredAt: new Date(from.getTime() + (i + 1) * HOUR),
      }),
    );
    for (let i = 0; i < 5; i++) {
      e.create(Activity, {
        family,
        action: i === 4 && options.fall === true ? ActivityAction.FALL : ActivityAction.WALKING,
        measuredAt: new Date(from.getTime() + (i + 1) * 2 * HOUR),
      });
      e.create(HealthStatus, {
        family,
        heartRate: 60 + i * 5,
        bloodOxygen: 97 - i,
        measuredAt: new Date(from.getTime() + (i + 1) * 3 * HOUR),
      });
    }
    await e.flush();
  }

  const jobDone = (id: string) =>
    eventually(async () => {
      const job = await em().findOne(AiJob, { id: Number(id) });
      return job?.status === AiJobStatus.DONE || job?.status === AiJobStatus.FAILED
        ? job
        : undefined;
    });

  it('writes a requested report from the period, and every member is told (INFO) and may read it', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1 });
    const to = new Date(Date.now() - HOUR);
    const from = new Date(to.getTime() - 7 * 24 * HOUR);
    // 3 of 4 analyses sad or anxious (mostly low) and a fall: CRITICAL by the stated rule
    await seedPeriod(f, from, [Emotion.SADNESS, Emotion.ANXIETY, Emotion.SADNESS, Emotion.JOY], {
      fall: true,
    });
    // outside the period: must not count
    await seedPeriod(f, new Date(from.getTime() - 3 * 24 * HOUR), [Emotion.JOY]);

    const NOTIFICATIONS =
      'subscription($familyId: ID) { notificationAdded(familyId: $familyId, minGrade: INFO) { id kind grade message } }';
    const before = await t.subscriptionsStarted();
    const live = t
      .ws({ authorization: f.caregivers[0]!.headers.authorization })
      .iterate({ query: NOTIFICATIONS, variables: { familyId: String(f.family.id) } });
    const next = live[Symbol.asyncIterator]().next();
    await t.waitForSubscriptions(before + 1);

    const { requestMentalReport: job } = await t.request(
      RequestMentalReportDocument,
      { familyId: String(f.family.id), from: from.toISOString(), to: to.toISOString() },
      f.managers[0]!.headers,
    );
    expect(job).toMatchObject({ kind: 'MENTAL_REPORT', status: 'PENDING', result: null });
    await jobDone(job.id);

    const { aiJob } = await t.request(AiJobDocument, { id: job.id }, f.caregivers[0]!.headers);
    expect(aiJob).toMatchObject({ status: 'DONE', progress: 100, error: null });
    const report = aiJob?.result;
    if (report?.__typename !== 'MentalReport') throw new Error('expected a MentalReport');
    expect(report).toMatchObject({
      provider: 'local',
      riskLevel: 'CRITICAL',
      periodStart: from.toISOString(),
      periodEnd: to.toISOString(),
    });
    expect(report.summary).toContain('감정 분석 4회');
    expect(report.summary).toContain('넘어짐 1건');
    expect(report.summary).toContain('75%');
    expect(report.summary).toContain('심박수는 평균 70회/분(60~80)');
    expect(report.recommendations.some((r) => r.includes('넘어짐'))).toBe(true);

    const event = (await next).value as {
      data?: { notificationAdded?: { kind: string; grade: string; message: string } };
    };
    expect(event.data?.notificationAdded).toMatchObject({ kind: 'REPORT', grade: 'INFO' });
    expect(event.data?.notificationAdded?.message).toContain('risk CRITICAL');
    await live.return?.();
  });

  it('lets only the main user or a manager ask for a report, for a sensible period', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const stranger = await createUser(t);
    const now = Date.now();
    const vars = (from: number, to: number) => ({
      familyId: String(f.family.id),
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    });
    const week = vars(now - 7 * 24 * HOUR, now);
    expect(
      codeOf(await t.requestErrors(RequestMentalReportDocument, week, f.caregivers[0]!.headers)),
    ).toBe('FORBIDDEN');
    expect(codeOf(await t.requestErrors(RequestMentalReportDocument, week, stranger.headers))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await t.requestErrors(RequestMentalReportDocument, week, f.device.headers))).toBe(
      'FORBIDDEN',
    );
    for (const [from, to, field] of [
      [now - HOUR, now - 2 * HOUR, 'from'],
      [now - HOUR, now + 24 * HOUR, 'to'],
      [now - 100 * 24 * HOUR, now, 'from'],
    ] as const) {
      const errors = await t.requestErrors(
        RequestMentalReportDocument,
        vars(from, to),
        f.main.headers,
      );
      expect(codeOf(errors)).toBe('BAD_USER_INPUT');
      expect(Object.keys(errors[0]!.extensions!['fields'] as object)).toEqual([field]);
    }
    expect(await em().count(AiJob, { family: f.family.id })).toBe(0);
    const { requestMentalReport } = await t.request(
      RequestMentalReportDocument,
      week,
      f.main.headers,
    );
    // an empty period still gets an honest report when someone asked for it
    await jobDone(requestMentalReport.id);
    const report = await em().findOneOrFail(MentalReport, { family: f.family.id });
    expect(report.riskLevel).toBe(RiskLevel.LOW);
    expect(report.summary).toContain('기록이 없습니다');
  });

  it('keeps one requested report per family in flight: the same request returns it, another is a CONFLICT', async () => {
    const idle = await startTestServer();
    try {
      // no worker: the first job stays PENDING
      await idle.server.app.aiWorker.stop();
      const f = await createFamily(idle);
      const now = Date.now();
      const period = (days: number) => ({
        familyId: String(f.family.id),
        from: new Date(now - days * 24 * HOUR).toISOString(),
        to: new Date(now - HOUR).toISOString(),
      });
      const first = await idle.request(RequestMentalReportDocument, period(7), f.main.headers);
      const again = await idle.request(RequestMentalReportDocument, period(7), f.main.headers);
      expect(again.requestMentalReport.id).toBe(first.requestMentalReport.id);
      const other = await idle.requestErrors(
        RequestMentalReportDocument,
        period(14),
        f.main.headers,
      );
      expect(codeOf(other)).toBe('CONFLICT');
      expect(
        await idle.server.app.orm.em.fork().count(AiJob, { kind: AiJobKind.MENTAL_REPORT }),
      ).toBe(1);
    } finally {
      await idle.close();
    }
  });

  it('queues each family its weekly report once, whichever node or tick does it', async () => {
    const now = new Date();
    const week = lastCompleteWeek(now);
    const withData = await createFamily(t);
    const silent = await createFamily(t);
    const fresh = await createFamily(t);
    const e = em();
    // the two older families existed before the week ended; `fresh` did not
    await e.nativeUpdate(
      Family,
      { id: { $in: [withData.family.id, silent.family.id] } },
      { createdAt: new Date(week.from.getTime() - 24 * HOUR) },
    );
    await seedPeriod(withData, week.from, [Emotion.JOY, Emotion.NEUTRAL, Emotion.JOY]);

    const logger = t.server.app.logger;
    const first = await queueWeeklyMentalReports(t.server.app.orm, logger, now);
    const again = await queueWeeklyMentalReports(t.server.app.orm, logger, now);
    expect(first).toBeGreaterThanOrEqual(2);
    expect(again).toBe(0);
    t.server.app.aiWorker.wake();

    const jobs = await em().find(AiJob, {
      family: { $in: [withData.family.id, silent.family.id, fresh.family.id] },
      kind: AiJobKind.MENTAL_REPORT,
    });
    expect(jobs.map((j) => j.family.id).sort()).toEqual(
      [withData.family.id, silent.family.id].sort(),
    );
    for (const job of jobs) await jobDone(String(job.id));
    const reports = await em().find(MentalReport, {
      family: { $in: [withData.family.id, silent.family.id] },
    });
    // a silent week produces no report and no notification
    expect(reports.map((r) => [r.family.id, r.riskLevel, r.provider])).toEqual([
      [withData.family.id, RiskLevel.LOW, 'local'],
    ]);
    expect(reports[0]!.periodStart).toEqual(week.from);
    expect(reports[0]!.periodEnd).toEqual(week.to);
    expect(
      await em().count(Notification, { family: silent.family.id, kind: NotificationKind.REPORT }),
    ).toBe(0);
    const told = await em().find(Notification, {
      family: withData.family.id,
      kind: NotificationKind.REPORT,
      grade: NotificationGrade.INFO,
    });
    expect(told).toHaveLength(1);
    // the family reads the week in Korean dates: Monday to Monday
    const kst = (date: Date) => new Date(date.getTime() + 9 * HOUR).toISOString().slice(0, 10);
    expect(told[0]!.message).toContain(`(${kst(week.from)} to ${kst(week.to)}, risk LOW)`);
    expect(new Date(week.from.getTime() + 9 * HOUR).getUTCDay()).toBe(1);
  });

  it('warns once per sustained-low-mood episode, and again only after the mood clearly recovered', async () => {
    const f = await createFamily(t);
    let analysed = 0;
    const say = async (content: string) => {
      await t.request(SendChatMessageDocument, { input: { content } }, f.device.headers);
      analysed++;
      // each analysis lands before the next message: the episode logic sees them in order
      await eventually(async () =>
        (await em().count(MentalStatus, { family: f.family.id })) === analysed ? true : undefined,
      );
    };
    const warnings = () =>
      em().count(Notification, {
        family: f.family.id,
        kind: NotificationKind.MOOD,
        grade: NotificationGrade.WARN,
      });

    await say('너무 외로워요');
    await say('요즘 우울해요');
    expect(await warnings()).toBe(0); // fewer than 3 analyses
    await say('걱정이 많아요, 불안해요');
    expect(await warnings()).toBe(1); // 3 of 3 low
    await say('오늘도 슬퍼요');
    expect(await warnings()).toBe(1); // same episode
    const joys = ['행복해요', '기뻐요', '정말 좋아요', '즐거웠어요', '고마워요'];
    for (const text of [...joys, '행복해요']) await say(text);
    // 4 of 10 low is no longer "most", but not a clear recovery either: still the same episode
    const watch = () => em().findOneOrFail(MoodWatch, { family: f.family.id });
    expect((await watch()).lowSince).not.toBeNull();
    for (const text of joys.slice(0, 4)) await say(text);
    // 4 of 14 (≤ 0.3): the episode is over
    expect((await watch()).lowSince).toBeNull();
    for (let i = 0; i < 6; i++) await say('다시 외로워요');
    expect(await warnings()).toBe(1); // 10 of 20 is not more than half
    await say('너무 외로워요');
    expect(await warnings()).toBe(2); // 11 of 21: a new episode
  });

  it('shares the conversations with managers and caregivers only when the main user says so', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1 });
    const stranger = await createUser(t);
    const caregiver = f.caregivers[0]!;
    const manager = f.managers[0]!;
    const { sendChatMessage: message } = await t.request(
      SendChatMessageDocument,
      { input: { content: '안녕하세요' } },
      f.device.headers,
    );
    const familyId = String(f.family.id);
    const read = (headers: { authorization: string }) =>
      t.requestErrors(ConversationDocument, { id: message.conversationId }, headers);

    expect(codeOf(await read(caregiver.headers))).toBe('FORBIDDEN');
    expect(
      codeOf(await t.requestErrors(ConversationsDocument, { familyId }, caregiver.headers)),
    ).toBe('FORBIDDEN');
    // a manager may change the Carebot's settings, but not give away the elder's privacy
    expect(
      codeOf(
        await t.requestErrors(
          ShareConversationsDocument,
          { familyId, share: true },
          manager.headers,
        ),
      ),
    ).toBe('FORBIDDEN');
    const settings = await em().findOneOrFail(CarebotSettings, { family: f.family.id });
    expect(settings.shareConversations).toBe(false);

    const { updateSettings } = await t.request(
      ShareConversationsDocument,
      { familyId, share: true },
      f.main.headers,
    );
    expect(updateSettings.shareConversations).toBe(true);
    for (const member of [caregiver, manager]) {
      const { conversation } = await t.request(
        ConversationDocument,
        { id: message.conversationId, order: 'ASC' },
        member.headers,
      );
      expect(conversation?.messages.edges[0]?.node.content).toBe('안녕하세요');
      const { conversations } = await t.request(
        ConversationsDocument,
        { familyId },
        member.headers,
      );
      expect(conversations.edges.map((e) => e.node.id)).toEqual([message.conversationId]);
      // reading is all: they still cannot speak for the elder
      expect(
        codeOf(
          await t.requestErrors(
            SendChatMessageDocument,
            { input: { conversationId: message.conversationId, content: 'hi' } },
            member.headers,
          ),
        ),
      ).toBe('FORBIDDEN');
    }
    const chatJob = await em().findOneOrFail(
      AiJob,
      { family: f.family.id, kind: AiJobKind.CHAT_REPLY },
      { orderBy: { id: 'asc' } },
    );
    await jobDone(String(chatJob.id));
    const { aiJob } = await t.request(AiJobDocument, { id: String(chatJob.id) }, caregiver.headers);
    expect(aiJob?.result?.__typename).toBe('ChatMessage');
    // sharing inside the family never reaches outside it
    expect(codeOf(await read(stranger.headers))).toBe('NOT_FOUND');
    expect(
      codeOf(await t.requestErrors(ConversationsDocument, { familyId }, stranger.headers)),
    ).toBe('NOT_FOUND');

    await t.request(ShareConversationsDocument, { familyId, share: false }, f.main.headers);
    expect(codeOf(await read(caregiver.headers))).toBe('FORBIDDEN');
    expect(
      codeOf(await t.requestErrors(AiJobDocument, { id: String(chatJob.id) }, caregiver.headers)),
    ).toBe('FORBIDDEN');
  });

  it('delivers replies to a caregiver subscribed while shared, and stops when sharing ends', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const familyId = String(f.family.id);
    await t.request(ShareConversationsDocument, { familyId, share: true }, f.main.headers);
    const { sendChatMessage: first } = await t.request(
      SendChatMessageDocument,
      { input: { content: 'hello' } },
      f.main.headers,
    );
    const firstJob = await em().findOneOrFail(AiJob, {
      family: f.family.id,
      kind: AiJobKind.CHAT_REPLY,
    });
    await jobDone(String(firstJob.id));

    const CHAT_REPLY =
      'subscription($conversationId: ID!) { chatReply(conversationId: $conversationId) { role content } }';
    const before = await t.subscriptionsStarted();
    const events = t
      .ws({ authorization: caregiver.headers.authorization })
      .iterate({ query: CHAT_REPLY, variables: { conversationId: first.conversationId } });
    const iterator = events[Symbol.asyncIterator]();
    const next = iterator.next();
    await t.waitForSubscriptions(before + 1);
    await t.request(
      SendChatMessageDocument,
      { input: { conversationId: first.conversationId, content: 'I am happy today' } },
      f.main.headers,
    );
    const reply = (await next).value as { data?: { chatReply?: { role: string } } };
    expect(reply.data?.chatReply?.role).toBe('ASSISTANT');

    await t.request(ShareConversationsDocument, { familyId, share: false }, f.main.headers);
    await t.request(
      SendChatMessageDocument,
      { input: { conversationId: first.conversationId, content: 'private now' } },
      f.main.headers,
    );
    // the caregiver's stream ends instead of delivering the private reply
    const after = await iterator.next();
    expect(after.done === true || (after.value as { errors?: unknown }).errors !== undefined).toBe(
      true,
    );
  });
});

describe('lastCompleteWeek', () => {
  it('is Monday 00:00 to Monday 00:00 in Korea, whatever the UTC day', () => {
    const week = {
      from: new Date('2026-11-15T15:00:00Z'),
      to: new Date('2026-11-22T15:00:00Z'),
    };
    expect(lastCompleteWeek(new Date('2026-11-24T22:00:00Z'))).toEqual(week);
    // Monday 00:00 KST exactly: the week that just ended
    expect(lastCompleteWeek(new Date('2026-11-22T15:00:00Z'))).toEqual(week);
    // Sunday 23:59 KST: still the week before
    expect(lastCompleteWeek(new Date('2026-11-22T14:59:00Z'))).toEqual({
      from: new Date('2026-11-08T15:00:00Z'),
      to: new Date('2026-11-15T15:00:00Z'),
    });
  });
});
