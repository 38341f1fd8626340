import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import { Family } from '../family/family.entity.js';
import { NotificationGrade, NotificationKind } from '../notification/notification.enums.js';
import { notify } from '../notification/notify.js';
import { MentalReport, MentalStatus } from '../report/report.entities.js';
import { Emotion, MentalSource } from '../report/report.enums.js';
import { AiJob, ChatMessage, Conversation, MoodWatch } from './ai.entities.js';
import { AiJobKind, AiJobStatus, ChatRole } from './ai.enums.js';
import type { AiProvider, ChatTurn } from './ai.provider.js';
import { seoulDate } from '../../util/seoul-time.js';
import { gatherPeriodStats, isEmptyPeriod } from './mental-report.js';

/** A job is tried this many times before it is FAILED. */
export const AI_JOB_MAX_ATTEMPTS = 3;
/** A RUNNING job untouched this long when a worker starts was abandoned by a stopped process. */
export const AI_JOB_STALE_MS = 60_000;
/** A running job's `updatedAt` is refreshed this often, so only abandoned jobs ever look stale. */
const HEARTBEAT_MS = 15_000;
/** How many earlier turns a reply sees. */
const HISTORY_TURNS = 20;

/** The claim was lost (another worker finished the job): the attempt's writes roll back. */
class ClaimLostError extends Error {}

/** When a run of low-mood analyses becomes an episode worth one warning (see config). */
export interface LowMoodRule {
  windowHours: number;
  minAnalyses: number;
  share: number;
}

export const DEFAULT_LOW_MOOD_RULE: LowMoodRule = { windowHours: 72, minAnalyses: 3, share: 0.5 };
/** An episode ends when the low share falls this far below the rule's share (0.5 → 0.3). */
export const RECOVERY_MARGIN = 0.2;

/** BullMQ over Redis: every API node enqueues due jobs and runs what the queue hands it. */
export interface AiQueueOptions {
  redisUrl: string;
  /** Key prefix shared by every node of one deployment (and only by them). */
  prefix: string;
  /** Jobs one node runs at the same time. */
  concurrency?: number;
}

const QUEUE_NAME = 'ai-jobs';
/** Finished queue entries are kept this long, so a job re-enqueued meanwhile is recognised. */
const KEEP_FINISHED_S = 3600;
/** A row this node enqueued that is still PENDING after this long is enqueued again. */
const REENQUEUE_AFTER_MS = 60_000;
/** How long shutting down waits for each BullMQ close before dropping the connection. */
const CLOSE_TIMEOUT_MS = 5000;

/** Settles when `promise` does or after `ms`, whichever comes first; never rejects. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

export interface AiWorkerOptions {
  orm: Orm;
  events: EventBus;
  provider: AiProvider;
  logger: Logger;
  lowMood?: LowMoodRule;
  /** How often to look for PENDING jobs when idle. */
  pollIntervalMs?: number;
  /** Backoff before the second attempt; doubles after each failure. */
  retryDelayMs?: number;
  /** How often a running job's `updatedAt` is refreshed. */
  heartbeatMs?: number;
  /** Run jobs through BullMQ (with `REDIS_URL`); else this process polls and runs them itself. */
  queue?: AiQueueOptions;
}

/**
 * Runs durable AI jobs (`ai_job` rows). The row is the source of truth and is stored before any
 * work; a job is claimed with a conditional UPDATE (PENDING → RUNNING) so exactly one worker runs
 * it, and it is finished (DONE, with its results) in one transaction guarded the same way.
 * Failures are retried with backoff up to {@link AI_JOB_MAX_ATTEMPTS} attempts, then FAILED with
 * the reason.
 *
 * Without Redis each API replica polls for due rows and runs them itself. With Redis the rows
 * are an outbox: due rows are handed to BullMQ (one queue entry per row and scheduled run, so
 * nodes enqueueing the same row add it once), and BullMQ workers on every node share the work.
 */
export class AiWorker {
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly heartbeatMs: number;
  private readonly lowMood: LowMoodRule;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private wakeRequested = false;
  private bull: { queue: Queue; worker: Worker; connection: Redis } | undefined;
  /** Queue entry ids this node added recently, and when. */
  private readonly enqueued = new Map<string, number>();

  constructor(private readonly options: AiWorkerOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.retryDelayMs = options.retryDelayMs ?? 2000;
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.lowMood = options.lowMood ?? DEFAULT_LOW_MOOD_RULE;
  }

  /** Puts abandoned RUNNING jobs back to PENDING, then starts polling (and the BullMQ worker). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.queue !== undefined) this.bull = this.startBull(this.options.queue);
    await this.recoverAbandoned();
    this.schedule(0);
  }

  private startBull(options: AiQueueOptions): NonNullable<AiWorker['bull']> {
    // BullMQ's blocking worker connection needs unlimited retries per request
    const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection, prefix: options.prefix });
    const worker = new Worker<{ id: number }>(
      QUEUE_NAME,
      async (entry) => {
        // throws only when the database is unreachable: BullMQ drops the entry (no retries of its
        // own) and the outbox adds it again (the row is still PENDING)
        await this.runById(entry.data.id);
        // what the job queued (e.g. a reply's mood analysis) is due now
        this.wake();
      },
      { connection, prefix: options.prefix, concurrency: options.concurrency ?? 2 },
    );
    worker.on('error', (error) =>
      this.options.logger.error({ err: error }, 'AI queue worker error'),
    );
    return { queue, worker, connection };
  }

  /**
   * Puts RUNNING jobs whose heartbeat stopped (their process died) back to PENDING; returns how
   * many. Runs at start and periodically, so a surviving node takes over a dead node's jobs.
   */
  async recoverAbandoned(now = new Date()): Promise<number> {
    const recovered = await this.options.orm.em.fork().nativeUpdate(
      AiJob,
      {
        status: AiJobStatus.RUNNING,
        updatedAt: { $lt: new Date(now.getTime() - AI_JOB_STALE_MS) },
      },
      { status: AiJobStatus.PENDING, runAfter: now, updatedAt: now },
    );
    if (recovered > 0) {
      this.options.logger.info({ recovered }, 'abandoned AI jobs resumed');
      this.wake();
    }
    return recovered;
  }

  /** A job was just stored: look now rather than at the next poll. */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.running !== undefined) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops polling and waits for the jobs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.bull !== undefined) {
      const { queue, worker, connection } = this.bull;
      this.bull = undefined;
      // with Redis unreachable these would wait forever (the connection retries without limit)
      await withTimeout(worker.close(), CLOSE_TIMEOUT_MS);
      await withTimeout(queue.close(), CLOSE_TIMEOUT_MS);
      await withTimeout(connection.quit(), CLOSE_TIMEOUT_MS);
      connection.disconnect();
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        const again = this.wakeRequested;
        this.wakeRequested = false;
        this.schedule(again ? 0 : this.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Runs due jobs one after another until none is left, or hands them all to BullMQ. */
  private async drain(): Promise<void> {
    try {
      if (this.bull !== undefined) await this.enqueueDue(this.bull.queue);
      else
        while (!this.stopped && (await this.runOne())) {
          // next job
        }
    } catch (error) {
      this.options.logger.error({ err: error }, 'AI worker poll failed');
    }
  }

  /**
   * Adds the due PENDING rows to the queue. The entry id names the row and its scheduled run,
   * so every node adding the same row adds one entry, and a retry or a recovery is a new one.
   */
  private async enqueueDue(queue: Queue): Promise<void> {
    const now = Date.now();
    for (const [jobId, at] of this.enqueued)
      if (now - at > REENQUEUE_AFTER_MS) this.enqueued.delete(jobId);
    const due = await this.options.orm.em
      .fork()
      .find(
        AiJob,
        { status: AiJobStatus.PENDING, runAfter: { $lte: new Date(now) } },
        { orderBy: { id: 'asc' }, limit: 500, fields: ['id', 'runAfter'] },
      );
    // rows this node handed over a moment ago are in the queue: adding them again costs Redis
    // calls for nothing (a row still PENDING a minute later is added again, in case it was lost)
    const fresh = due
      .map((job) => ({ id: job.id, jobId: `ai-${job.id}-${job.runAfter.getTime()}` }))
      .filter(({ jobId }) => !this.enqueued.has(jobId));
    if (fresh.length === 0) return;
    await queue.addBulk(
      fresh.map(({ id, jobId }) => ({
        name: 'ai-job',
        data: { id },
        opts: {
          jobId,
          // one retry layer: the row's attempts with backoff. A queue entry that fails (the
          // database was unreachable) is dropped, and the outbox adds the still-PENDING row again
          attempts: 1,
          removeOnComplete: { age: KEEP_FINISHED_S },
          // a failed entry must not block the row's next enqueue under the same id
          removeOnFail: true,
        },
      })),
    );
    for (const { jobId } of fresh) this.enqueued.set(jobId, now);
  }

  /** Claims and runs the oldest due job; false when there is none. */
  async runOne(): Promise<boolean> {
    const job = await this.options.orm.em
      .fork()
      .findOne(
        AiJob,
        { status: AiJobStatus.PENDING, runAfter: { $lte: new Date() } },
        { orderBy: { id: 'asc' } },
      );
    if (job === null) return false;
    await this.claimAndRun(job);
    return true;
  }

  /** Runs the job the queue handed over, unless it already ran or is not due. */
  private async runById(id: number): Promise<void> {
    // not due again here: the enqueuing node checked `runAfter`, and a clock behind its own must
    // not finish the queue entry without running the job
    const job = await this.options.orm.em
      .fork()
      .findOne(AiJob, { id, status: AiJobStatus.PENDING });
    if (job !== null) await this.claimAndRun(job);
  }

  /** Claims a PENDING job and runs it; does nothing when another worker claimed it first. */
  private async claimAndRun(job: AiJob): Promise<void> {
    const em = this.options.orm.em.fork();
    const now = new Date();
    const attempts = job.attempts + 1;
    const claimed = await em.nativeUpdate(
      AiJob,
      // the attempts read with the job: a claim from a stale read (the job meanwhile failed and
      // waits for its backoff) does not run it early and does not count the same attempt twice
      { id: job.id, status: AiJobStatus.PENDING, attempts: job.attempts },
      { status: AiJobStatus.RUNNING, attempts, progress: 0, updatedAt: now },
    );
    if (claimed === 0) return; // another worker took it
    const heartbeat = setInterval(() => {
      void this.touch(job, attempts).catch(() => undefined);
    }, this.heartbeatMs);
    heartbeat.unref();
    try {
      await this.run(job, attempts);
    } catch (error) {
      if (error instanceof ClaimLostError) return;
      await this.fail(job, attempts, error);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async fail(job: AiJob, attempts: number, error: unknown): Promise<void> {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    const final = attempts >= AI_JOB_MAX_ATTEMPTS;
    this.options.logger.warn(
      { err: error, jobId: job.id, kind: job.kind, attempts },
      final ? 'AI job failed' : 'AI job attempt failed; retrying',
    );
    await this.options.orm.em.fork().nativeUpdate(
      AiJob,
      { id: job.id, status: AiJobStatus.RUNNING, attempts },
      final
        ? { status: AiJobStatus.FAILED, error: reason, updatedAt: new Date() }
        : {
            status: AiJobStatus.PENDING,
            error: reason,
            runAfter: new Date(Date.now() + this.retryDelayMs * 2 ** (attempts - 1)),
            updatedAt: new Date(),
          },
    );
  }

  private run(job: AiJob, attempts: number): Promise<void> {
    switch (job.kind) {
      case AiJobKind.CHAT_REPLY:
        return this.chatReply(job, attempts);
      case AiJobKind.MOOD:
        return this.mood(job, attempts);
      case AiJobKind.MENTAL_REPORT:
        return this.mentalReport(job, attempts);
    }
  }

  /**
   * Refreshes a running attempt's `updatedAt` (its heartbeat), and records how far it got when
   * `progress` is given; ignored once the claim is lost.
   */
  private async touch(job: AiJob, attempts: number, progress?: number): Promise<void> {
    await this.options.orm.em
      .fork()
      .nativeUpdate(
        AiJob,
        { id: job.id, status: AiJobStatus.RUNNING, attempts },
        progress === undefined ? { updatedAt: new Date() } : { progress, updatedAt: new Date() },
      );
  }

  /**
   * Marks the job DONE (with what it produced) inside `em`'s transaction, or aborts the
   * transaction when the claim was lost.
   */
  private async complete(
    em: EntityManager,
    job: AiJob,
    attempts: number,
    resultId: number | null,
  ): Promise<void> {
    const done = await em.nativeUpdate(
      AiJob,
      { id: job.id, status: AiJobStatus.RUNNING, attempts },
      { status: AiJobStatus.DONE, error: null, progress: 100, resultId, updatedAt: new Date() },
    );
    if (done === 0) throw new ClaimLostError();
  }

  /** Replies to a user message, stores the reply, queues its mood analysis, announces the reply. */
  private async chatReply(job: AiJob, attempts: number): Promise<void> {
    const conversationId = Number(job.payload['conversationId']);
    const messageId = Number(job.payload['messageId']);
    const em = this.options.orm.em.fork();
    const turns = await em.find(
      ChatMessage,
      { conversation: conversationId, id: { $lte: messageId } },
      { orderBy: { id: 'desc' }, limit: HISTORY_TURNS },
    );
    if (turns.length === 0) throw new Error(`chat message ${messageId} is gone`);
    const history: ChatTurn[] = turns.reverse().map((turn) => ({
      role: turn.role === ChatRole.USER ? 'user' : 'assistant',
      content: turn.content,
    }));
    const reply = await this.options.provider.chatReply(history);
    const stored = await em.transactional(async (tx) => {
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
      await this.complete(tx, job, attempts, message.id);
      return message;
    });
    this.options.events.chatReply({
      id: stored.id,
      conversationId,
      familyId: job.family.id,
      createdAt: stored.createdAt.toISOString(),
    });
  }

  /** Analyses a user message into a MentalStatus (source CONVERSATION) of the family. */
  private async mood(job: AiJob, attempts: number): Promise<void> {
    const messageId = Number(job.payload['messageId']);
    const em = this.options.orm.em.fork();
    const message = await em.findOne(ChatMessage, { id: messageId });
    if (message === null) throw new Error(`chat message ${messageId} is gone`);
    const mood = await this.options.provider.analyseMood(message.content);
    await em.transactional(async (tx) => {
      const status = tx.create(MentalStatus, {
        family: tx.getReference(Family, job.family.id),
        emotion: mood.emotion,
        ...mood.scores,
        source: MentalSource.CONVERSATION,
        measuredAt: new Date(),
      });
      await tx.flush();
      await this.complete(tx, job, attempts, status.id);
      await this.watchMood(tx, job.family.id, status.measuredAt);
    });
  }

  /**
   * Starts or ends the family's low-mood episode after an analysis, inside its transaction.
   * Raises the episode's one WARN notification (announced after commit) when this analysis
   * started the episode.
   */
  private async watchMood(tx: EntityManager, familyId: number, now: Date): Promise<void> {
    const rule = this.lowMood;
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
    await notify(tx, this.options.events, {
      familyId,
      grade: NotificationGrade.WARN,
      kind: NotificationKind.MOOD,
      message: `Sadness or anxiety dominated ${low} of the last ${analyses} conversation analyses (${hours} h). A call or a visit may help.`,
      createdAt: now,
    });
  }

  /** Writes a mental report of the period, stores it and tells the family (INFO). */
  private async mentalReport(job: AiJob, attempts: number): Promise<void> {
    const from = new Date(String(job.payload['from']));
    const to = new Date(String(job.payload['to']));
    const scheduled = job.dedupeKey !== null;
    const em = this.options.orm.em.fork();
    const stats = await gatherPeriodStats(em, job.family.id, from, to);
    if (scheduled && isEmptyPeriod(stats)) {
      // a weekly report of a silent week tells nobody anything
      await em.transactional((tx) => this.complete(tx, job, attempts, null));
      return;
    }
    await this.touch(job, attempts, 40);
    const draft = await this.options.provider.writeMentalReport(stats);
    await this.touch(job, attempts, 80);
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
      await this.complete(tx, job, attempts, report.id);
      await notify(tx, this.options.events, {
        familyId: job.family.id,
        grade: NotificationGrade.INFO,
        kind: NotificationKind.REPORT,
        message: `A new mental report is ready (${seoulDate(from)} to ${seoulDate(to)}, risk ${draft.riskLevel}).`,
      });
    });
  }
}
