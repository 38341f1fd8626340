import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '../../database/orm.js';
import { type JobAttempt, type JobRunner, PermanentJobError } from '../../jobs/runner.js';
import type { EventBus } from '../../realtime/events.js';
import { seoulDate } from '../../util/seoul-time.js';
import { Family } from '../family/family.entity.js';
import { NotificationGrade, NotificationKind } from '../notification/notification.enums.js';
import { afterCommit, notify } from '../notification/notify.js';
import { MentalReport, MentalStatus } from '../report/report.entities.js';
import { Emotion, MentalSource } from '../report/report.enums.js';
import { AiJob, ChatMessage, Conversation, MoodWatch } from './ai.entities.js';
import { AiJobKind, ChatRole } from './ai.enums.js';
import type { AiProvider, ChatTurn } from './ai.provider.js';
import { gatherPeriodStats, isEmptyPeriod } from './mental-report.js';

/** How many earlier turns a reply sees. */
const HISTORY_TURNS = 20;

/** When a run of low-mood analyses becomes an episode worth one warning (see config). */
export interface LowMoodRule {
  windowHours: number;
  minAnalyses: number;
  share: number;
}

export const DEFAULT_LOW_MOOD_RULE: LowMoodRule = { windowHours: 72, minAnalyses: 3, share: 0.5 };
/** An episode ends when the low share falls this far below the rule's share (0.5 → 0.3). */
export const RECOVERY_MARGIN = 0.2;

export interface AiHandlersOptions {
  events: EventBus;
  /** Makes one attempt per call: the job runner's attempts are the retries. */
  provider: AiProvider;
  lowMood?: LowMoodRule;
}

/**
 * Registers the AI jobs on `runner`: chat replies, mood analyses (with the low-mood watch) and
 * mental reports. Each handler does its slow provider call outside any transaction, then writes
 * its results and marks the job DONE in one transaction; notifications and live events go out
 * after that commit.
 */
export function registerAiHandlers(runner: JobRunner, options: AiHandlersOptions): JobRunner {
  const { events, provider } = options;
  const lowMood = options.lowMood ?? DEFAULT_LOW_MOOD_RULE;

  /** Replies to a user message, stores the reply, queues its mood analysis, announces the reply. */
  async function chatReply({ job, em, complete }: JobAttempt): Promise<void> {
    const conversationId = Number(job.payload['conversationId']);
    const messageId = Number(job.payload['messageId']);
    const turns = await em.find(
      ChatMessage,
      { conversation: conversationId, id: { $lte: messageId } },
      { orderBy: { id: 'desc' }, limit: HISTORY_TURNS },
    );
    if (turns.length === 0) throw new PermanentJobError(`chat message ${messageId} is gone`);
    const history: ChatTurn[] = turns.reverse().map((turn) => ({
      role: turn.role === ChatRole.USER ? 'user' : 'assistant',
      content: turn.content,
    }));
    const reply = await provider.chatReply(history);
    await em.transactional(async (tx) => {
      const message = tx.create(ChatMessage, {
        conversation: tx.getReference(Conversation, conversationId),
        role: ChatRole.ASSISTANT,
        content: reply.content.slice(0, 2000),
        provider: reply.provider.slice(0, 100),
      });
      tx.create(AiJob, {
        family: tx.getReference(Family, job.family.id),
        kind: AiJobKind.MOOD,
        payload: { messageId },
      });
      await tx.flush();
      await tx.nativeUpdate(
        Conversation,
        { id: conversationId },
        { lastActivityAt: message.createdAt },
      );
      await complete(tx, message.id);
      afterCommit(tx, () =>
        events.chatReply({
          id: message.id,
          conversationId,
          familyId: job.family.id,
          createdAt: message.createdAt.toISOString(),
        }),
      );
    });
  }

  /** Analyses a user message into a MentalStatus (source CONVERSATION) of the family. */
  async function mood({ job, em, complete }: JobAttempt): Promise<void> {
    const messageId = Number(job.payload['messageId']);
    const message = await em.findOne(ChatMessage, { id: messageId });
    if (message === null) throw new PermanentJobError(`chat message ${messageId} is gone`);
    const analysis = await provider.analyseMood(message.content);
    await em.transactional(async (tx) => {
      const status = tx.create(MentalStatus, {
        family: tx.getReference(Family, job.family.id),
        emotion: analysis.emotion,
        ...analysis.scores,
        source: MentalSource.CONVERSATION,
        measuredAt: new Date(),
      });
      await tx.flush();
      await complete(tx, status.id);
      await watchMood(tx, job.family.id, status.measuredAt);
    });
  }

  /**
   * Starts or ends the family's low-mood episode after an analysis, inside its transaction.
   * Raises the episode's one WARN notification (announced after commit) when this analysis
   * started the episode.
   */
  async function watchMood(tx: EntityManager, familyId: number, now: Date): Promise<void> {
    const rule = lowMood;
    await tx
      .createQueryBuilder(MoodWatch)
      .insert({ family: familyId, lowSince: null })
      .onConflict('family')
      .ignore()
      .execute();
    // one analysis of a family at a time decides (two workers may analyse at once): the counts
    // below are read after the lock, so each sees the other's committed analysis
    const watch = await tx.findOneOrFail(
      MoodWatch,
      { family: familyId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const window = {
      family: familyId,
      source: MentalSource.CONVERSATION,
      measuredAt: { $gt: new Date(now.getTime() - rule.windowHours * 3600_000) },
    };
    const [analyses, low] = await Promise.all([
      tx.count(MentalStatus, window),
      tx.count(MentalStatus, { ...window, emotion: { $in: [Emotion.SADNESS, Emotion.ANXIETY] } }),
    ]);
    const share = analyses === 0 ? 0 : low / analyses;
    if (watch.lowSince !== null) {
      // an episode ends only when the mood has clearly recovered, so one bad day that hovers
      // around the threshold stays one episode (one warning)
      if (analyses < rule.minAnalyses || share <= rule.share - RECOVERY_MARGIN) {
        watch.lowSince = null;
        await tx.flush();
      }
      return;
    }
    if (analyses < rule.minAnalyses || share <= rule.share) return;
    watch.lowSince = now;
    const hours = rule.windowHours;
    await notify(tx, events, {
      familyId,
      grade: NotificationGrade.WARN,
      kind: NotificationKind.MOOD,
      message: `Sadness or anxiety dominated ${low} of the last ${analyses} conversation analyses (${hours} h). A call or a visit may help.`,
      createdAt: now,
    });
  }

  /** Writes a mental report of the period, stores it and tells the family (INFO). */
  async function mentalReport({ job, em, complete, progress }: JobAttempt): Promise<void> {
    const from = new Date(String(job.payload['from']));
    const to = new Date(String(job.payload['to']));
    const scheduled = job.dedupeKey !== null;
    const stats = await gatherPeriodStats(em, job.family.id, from, to);
    // a weekly report of a silent week tells nobody anything (DONE without a result)
    if (scheduled && isEmptyPeriod(stats)) return;
    await progress(40);
    const draft = await provider.writeMentalReport(stats);
    await progress(80);
    await em.transactional(async (tx) => {
      const report = tx.create(MentalReport, {
        family: tx.getReference(Family, job.family.id),
        periodStart: from,
        periodEnd: to,
        summary: draft.summary.slice(0, 5000),
        riskLevel: draft.riskLevel,
        recommendations: draft.recommendations.slice(0, 20).map((r) => r.slice(0, 500)),
        provider: draft.provider.slice(0, 100),
      });
      await tx.flush();
      await complete(tx, report.id);
      await notify(tx, events, {
        familyId: job.family.id,
        grade: NotificationGrade.INFO,
        kind: NotificationKind.REPORT,
        message: `A new mental report is ready (${seoulDate(from)} to ${seoulDate(to)}, risk ${draft.riskLevel}).`,
      });
    });
  }

  return runner
    .register(AiJobKind.CHAT_REPLY, chatReply)
    .register(AiJobKind.MOOD, mood)
    .register(AiJobKind.MENTAL_REPORT, mentalReport);
}
