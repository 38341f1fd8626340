import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import { Family } from '../family/family.entity.js';
import { MentalStatus } from '../report/report.entities.js';
import { MentalSource } from '../report/report.enums.js';
import { AiJob, ChatMessage, Conversation } from './ai.entities.js';
import { AiJobKind, AiJobStatus, ChatRole } from './ai.enums.js';
import type { AiProvider, ChatTurn } from './ai.provider.js';

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

export interface AiWorkerOptions {
  orm: Orm;
  events: EventBus;
  provider: AiProvider;
  logger: Logger;
  /** How often to look for PENDING jobs when idle. */
  pollIntervalMs?: number;
  /** Backoff before the second attempt; doubles after each failure. */
  retryDelayMs?: number;
  /** How often a running job's `updatedAt` is refreshed. */
  heartbeatMs?: number;
}

/**
 * Runs durable AI jobs (`ai_job` rows) in-process. Each API replica runs one; a job is claimed
 * with a conditional UPDATE (PENDING → RUNNING) so exactly one worker runs it, and it is finished
 * (DONE, with its results) in one transaction guarded the same way. Failures are retried with
 * backoff up to {@link AI_JOB_MAX_ATTEMPTS} attempts, then FAILED with the reason.
 */
export class AiWorker {
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly heartbeatMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private wakeRequested = false;

  constructor(private readonly options: AiWorkerOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.retryDelayMs = options.retryDelayMs ?? 2000;
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  }

  /** Puts abandoned RUNNING jobs back to PENDING, then starts polling. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.recoverAbandoned();
    this.schedule(0);
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

  /** Stops polling and waits for the job in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
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

  /** Runs due jobs one after another until none is left. */
  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.runOne())) {
        // next job
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'AI worker poll failed');
    }
  }

  /** Claims and runs the oldest due job; false when there is none. */
  async runOne(): Promise<boolean> {
    const em = this.options.orm.em.fork();
    const now = new Date();
    const job = await em.findOne(
      AiJob,
      { status: AiJobStatus.PENDING, runAfter: { $lte: now } },
      { orderBy: { id: 'asc' } },
    );
    if (job === null) return false;
    const attempts = job.attempts + 1;
    const claimed = await em.nativeUpdate(
      AiJob,
      { id: job.id, status: AiJobStatus.PENDING },
      { status: AiJobStatus.RUNNING, attempts, updatedAt: now },
    );
    if (claimed === 0) return true; // another worker took it
    const heartbeat = setInterval(() => {
      void this.options.orm.em
        .fork()
        .nativeUpdate(
          AiJob,
          { id: job.id, status: AiJobStatus.RUNNING, attempts },
          { updatedAt: new Date() },
        )
        .catch(() => undefined);
    }, this.heartbeatMs);
    heartbeat.unref();
    try {
      await this.run(job, attempts);
    } catch (error) {
      if (error instanceof ClaimLostError) return true;
      await this.fail(job, attempts, error);
    } finally {
      clearInterval(heartbeat);
    }
    return true;
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
    }
  }

  /** Marks the job DONE inside `em`'s transaction, or aborts it when the claim was lost. */
  private async complete(
    em: ReturnType<Orm['em']['fork']>,
    job: AiJob,
    attempts: number,
  ): Promise<void> {
    const done = await em.nativeUpdate(
      AiJob,
      { id: job.id, status: AiJobStatus.RUNNING, attempts },
      { status: AiJobStatus.DONE, error: null, updatedAt: new Date() },
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
      await this.complete(tx, job, attempts);
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
      await this.complete(tx, job, attempts);
      tx.create(MentalStatus, {
        family: tx.getReference(Family, job.family.id),
        emotion: mood.emotion,
        ...mood.scores,
        source: MentalSource.CONVERSATION,
        measuredAt: new Date(),
      });
      await tx.flush();
    });
  }
}
