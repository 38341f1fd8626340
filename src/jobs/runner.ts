import { EventEmitter } from 'node:events';
import { type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { EntityManager, Orm } from '../database/orm.js';
import { AiJob } from '../modules/ai/ai.entities.js';
import { type AiJobKind, AiJobStatus } from '../modules/ai/ai.enums.js';
import type { Logger } from '../observability/logger.js';
import { detached, inSpan, recordFailure } from '../observability/tracing.js';
import { withTimeout } from './periodic.js';

/**
 * The retry policy of every durable job, and the only retry layer under it: a job is tried at
 * most this many times (the first attempt included), waiting {@link JOB_RETRY_DELAY_MS} before
 * the second attempt and twice as long before each further one (1 s, 2 s, 4 s, 8 s). What a
 * handler calls makes one attempt per call (the AI provider does not retry; it keeps only its
 * timeout), and a BullMQ entry is tried once (`attempts: 1`): retrying in several layers
 * multiplies the calls (3 × 3 = 9 model requests for one reply) and hides the job's real state.
 * A failure that says `retryable: false` (e.g. an HTTP 4xx other than 429, a malformed answer,
 * {@link PermanentJobError}) fails the job at once; any other error is transient (a timeout, a
 * 5xx, a 429, the database) and is retried.
 */
export const JOB_MAX_ATTEMPTS = 5;
/** Backoff before the second attempt; doubles after each further failure. */
export const JOB_RETRY_DELAY_MS = 1000;
/** A RUNNING job untouched this long was abandoned by a stopped process (see recovery). */
export const JOB_STALE_MS = 60_000;
/** A running job's `updatedAt` is refreshed this often, so only abandoned jobs ever look stale. */
const HEARTBEAT_MS = 15_000;

/** Thrown by a handler when trying again cannot help (the input is gone or invalid). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
  readonly retryable = false;
}

/**
 * Whether a failure is permanent: it says so with `retryable: false` (a {@link PermanentJobError},
 * an `AiProviderError` of a 4xx). Everything else is worth another attempt.
 */
export function isPermanentFailure(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'retryable' in error && error.retryable === false
  );
}

/** The claim was lost (another worker finished the job): the attempt's writes roll back. */
class ClaimLostError extends Error {}

/** What a handler gets for one attempt of one job. */
export interface JobAttempt {
  /** The row as claimed (its `attempts` not yet counting this attempt). */
  job: AiJob;
  /** 1 for the first attempt. */
  attempt: number;
  /** A fresh EntityManager fork for this attempt. */
  em: EntityManager;
  /** The runner's clock, for timestamps a test may want to move. */
  now: () => Date;
  /**
   * Marks the job DONE with what it produced, inside the handler's transaction `tx`, so the
   * results and DONE commit together; aborts the transaction when the claim was lost. A handler
   * that never calls it is marked DONE without a result when it returns.
   */
  complete: (tx: EntityManager, resultId?: number | null) => Promise<void>;
  /** Records how far the attempt got (0–100); also a heartbeat. */
  progress: (percent: number) => Promise<void>;
}

/** Runs one attempt of a job; throws to fail it (retried unless the error is permanent). */
export type JobHandler = (attempt: JobAttempt) => Promise<void>;

/** How one attempt ended; emitted as `settled` (tests wait on it, metrics may count it). */
export interface JobSettled {
  id: number;
  kind: string;
  attempt: number;
  /** DONE; PENDING again (`runAfter` says when); FAILED for good; or the claim was lost. */
  outcome: 'done' | 'retry' | 'failed' | 'lost';
  error?: string;
  runAfter?: Date;
}

export interface JobRunnerEvents {
  settled: [JobSettled];
  /** A poll found nothing (more) due. */
  idle: [];
}

/** BullMQ over Redis: every node enqueues due jobs and runs what the queue hands it. */
export interface JobQueueOptions {
  redisUrl: string;
  /** Key prefix shared by every node of one deployment (and only by them). */
  prefix: string;
  /** The queue's name (default `ai-jobs`, the name the first jobs used). */
  name?: string;
  /** Jobs one node runs at the same time. */
  concurrency?: number;
}

export interface JobRunnerOptions {
  orm: Orm;
  logger: Logger;
  /** Gives each attempt a span (tracing on). */
  tracer?: Tracer | undefined;
  /** The current time for due checks, backoff and staleness (tests move it). */
  clock?: () => Date;
  /** How often to look for due jobs when idle. */
  pollIntervalMs?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  heartbeatMs?: number;
  staleMs?: number;
  /** Run jobs through BullMQ (with `REDIS_URL`); else this process polls and runs them itself. */
  queue?: JobQueueOptions;
}

/** Finished queue entries are kept this long, so a job re-enqueued meanwhile is recognised. */
const KEEP_FINISHED_S = 3600;
/** A row this node enqueued that is still PENDING after this long is enqueued again. */
const REENQUEUE_AFTER_MS = 60_000;
/** How long shutting down waits for each BullMQ close before dropping the connection. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * Runs durable jobs (`ai_job` rows) with handlers registered by kind:
 * `runner.register(AiJobKind.MOOD, handler)`. The row is the source of truth and is stored
 * before any work; a job is claimed with a conditional UPDATE (PENDING → RUNNING, guarded by the
 * attempts read with it) so exactly one worker runs each attempt, and it is finished (DONE, with
 * its result) in the handler's transaction guarded the same way. Failures are retried with
 * backoff (see {@link JOB_MAX_ATTEMPTS}: the one retry policy), then FAILED with the reason.
 * A node claims only the kinds it has handlers for.
 *
 * Without Redis each replica polls for due rows and runs them itself, one at a time. With Redis
 * the rows are an outbox: due rows are handed to BullMQ (one queue entry per row and scheduled
 * run, so nodes enqueueing the same row add it once), and BullMQ workers on every node share
 * the work. Either way a RUNNING row whose heartbeat stopped (its process died) is put back by
 * {@link recoverAbandoned}, at start and periodically.
 */
export class JobRunner extends EventEmitter<JobRunnerEvents> {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  /** Attempts in progress on this node (awaited by `stop()`). */
  private readonly attempts = new Set<Promise<void>>();
  private started = false;
  private stopped = false;
  private wakeRequested = false;
  private bull: { queue: Queue; worker: Worker; connection: Redis } | undefined;
  /** Queue entry ids this node added recently, and when. */
  private readonly enqueued = new Map<string, number>();

  constructor(private readonly options: JobRunnerOptions) {
    super();
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.maxAttempts = options.maxAttempts ?? JOB_MAX_ATTEMPTS;
    this.retryDelayMs = options.retryDelayMs ?? JOB_RETRY_DELAY_MS;
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.staleMs = options.staleMs ?? JOB_STALE_MS;
  }

  /** Runs jobs of `kind` with `handler` on this node; call before `start()`. */
  register(kind: AiJobKind, handler: JobHandler): this {
    if (this.started) throw new Error(`job handler ${kind} registered after start`);
    if (this.handlers.has(kind)) throw new Error(`job handler ${kind} registered twice`);
    this.handlers.set(kind, handler);
    return this;
  }

  private get kinds(): AiJobKind[] {
    return [...this.handlers.keys()] as AiJobKind[];
  }

  /** Puts abandoned RUNNING jobs back to PENDING, then starts polling (or the BullMQ worker). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.queue !== undefined) this.bull = this.startBull(this.options.queue);
    await this.recoverAbandoned();
    this.schedule(0);
  }

  private startBull(options: JobQueueOptions): NonNullable<JobRunner['bull']> {
    // BullMQ's blocking worker connection needs unlimited retries per request
    const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    const name = options.name ?? 'ai-jobs';
    const queue = new Queue(name, { connection, prefix: options.prefix });
    const worker = new Worker<{ id: number }>(
      name,
      async (entry) => {
        // throws only when the database is unreachable: BullMQ drops the entry (it makes one
        // attempt) and the outbox adds it again (the row is still PENDING)
        await this.runById(entry.data.id);
        // what the job queued (e.g. a reply's mood analysis) is due now
        this.wake();
      },
      { connection, prefix: options.prefix, concurrency: options.concurrency ?? 2 },
    );
    worker.on('error', (error) => this.options.logger.error({ err: error }, 'job queue error'));
    return { queue, worker, connection };
  }

  /**
   * Puts RUNNING jobs whose heartbeat stopped (their process died) back to PENDING, and fails
   * those that had used up their attempts (a job that kills its process must not loop); returns
   * how many were put back. Runs at start and periodically, so a surviving node takes over a dead
   * node's jobs.
   */
  async recoverAbandoned(now = this.clock()): Promise<number> {
    const em = this.options.orm.em.fork();
    const stale = {
      status: AiJobStatus.RUNNING,
      updatedAt: { $lt: new Date(now.getTime() - this.staleMs) },
    };
    const failed = await em.nativeUpdate(
      AiJob,
      { ...stale, attempts: { $gte: this.maxAttempts } },
      {
        status: AiJobStatus.FAILED,
        error: 'Abandoned by a stopped worker on its last attempt.',
        updatedAt: now,
      },
    );
    const recovered = await em.nativeUpdate(
      AiJob,
      { ...stale, attempts: { $lt: this.maxAttempts } },
      { status: AiJobStatus.PENDING, runAfter: now, updatedAt: now },
    );
    if (failed > 0) this.options.logger.warn({ failed }, 'abandoned jobs failed');
    if (recovered > 0) {
      this.options.logger.info({ recovered }, 'abandoned jobs resumed');
      this.wake();
    }
    return recovered;
  }

  /** A job was just stored: look now rather than at the next poll. */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.draining !== undefined) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops polling, stops taking queue entries and waits for the attempts in progress. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const bull = this.bull;
    this.bull = undefined;
    try {
      // with Redis unreachable these would wait forever (the connection retries without limit)
      if (bull !== undefined) await withTimeout(bull.worker.close(), CLOSE_TIMEOUT_MS);
      await this.draining;
      await Promise.allSettled([...this.attempts]);
      if (bull !== undefined) {
        await withTimeout(bull.queue.close(), CLOSE_TIMEOUT_MS);
        await withTimeout(bull.connection.quit(), CLOSE_TIMEOUT_MS);
      }
    } finally {
      bull?.connection.disconnect();
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    // `wake()` is called from operations and jobs: the polls it starts belong to no trace
    this.timer = setTimeout(
      detached(() => {
        this.draining = this.drain().finally(() => {
          this.draining = undefined;
          const again = this.wakeRequested;
          this.wakeRequested = false;
          this.schedule(again ? 0 : this.pollIntervalMs);
        });
      }),
      delayMs,
    );
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
      this.options.logger.error({ err: error }, 'job poll failed');
    }
  }

  /**
   * Adds the due PENDING rows to the queue. The entry id names the row and its scheduled run,
   * so every node adding the same row adds one entry, and a retry or a recovery is a new one.
   */
  private async enqueueDue(queue: Queue): Promise<void> {
    const now = this.clock().getTime();
    for (const [jobId, at] of this.enqueued)
      if (now - at > REENQUEUE_AFTER_MS) this.enqueued.delete(jobId);
    const due = await this.options.orm.em.fork().find(
      AiJob,
      {
        status: AiJobStatus.PENDING,
        kind: { $in: this.kinds },
        runAfter: { $lte: new Date(now) },
      },
      { orderBy: { id: 'asc' }, limit: 500, fields: ['id', 'runAfter'] },
    );
    // rows this node handed over a moment ago are in the queue: adding them again costs Redis
    // calls for nothing (a row still PENDING a minute later is added again, in case it was lost)
    const fresh = due
      .map((job) => ({ id: job.id, jobId: `ai-${job.id}-${job.runAfter.getTime()}` }))
      .filter(({ jobId }) => !this.enqueued.has(jobId));
    if (fresh.length === 0) {
      this.emit('idle');
      return;
    }
    await queue.addBulk(
      fresh.map(({ id, jobId }) => ({
        name: 'job',
        data: { id },
        opts: {
          jobId,
          // one retry layer (JOB_MAX_ATTEMPTS): a queue entry that fails (the database was
          // unreachable) is dropped, and the outbox adds the still-PENDING row again
          attempts: 1,
          removeOnComplete: { age: KEEP_FINISHED_S },
          // a failed entry must not block the row's next enqueue under the same id
          removeOnFail: true,
        },
      })),
    );
    for (const { jobId } of fresh) this.enqueued.set(jobId, now);
  }

  /**
   * Claims and runs the oldest due job of a registered kind; false when there is none (or the
   * runner was stopped). The poll calls it; so may a test, with the clock where it wants it.
   */
  async runOne(): Promise<boolean> {
    if (this.stopped) return false;
    const job = await this.options.orm.em.fork().findOne(
      AiJob,
      {
        status: AiJobStatus.PENDING,
        kind: { $in: this.kinds },
        runAfter: { $lte: this.clock() },
      },
      { orderBy: { id: 'asc' } },
    );
    if (job === null) {
      this.emit('idle');
      return false;
    }
    await this.track(this.claimAndRun(job));
    return true;
  }

  /** Runs the job the queue handed over, unless it already ran. */
  private async runById(id: number): Promise<void> {
    // not due again here: the enqueuing node checked `runAfter`, and a clock behind its own must
    // not finish the queue entry without running the job
    const job = await this.options.orm.em
      .fork()
      .findOne(AiJob, { id, status: AiJobStatus.PENDING, kind: { $in: this.kinds } });
    if (job !== null) await this.track(this.claimAndRun(job));
  }

  private async track(attempt: Promise<void>): Promise<void> {
    this.attempts.add(attempt);
    try {
      await attempt;
    } finally {
      this.attempts.delete(attempt);
    }
  }

  /**
   * Claims a PENDING job and runs it; does nothing when another worker claimed it first. Each
   * attempt is the root of its own trace: it may run on any node, long after the request.
   */
  private async claimAndRun(job: AiJob): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (handler === undefined || this.stopped) return;
    await inSpan(
      this.options.tracer,
      `job ${job.kind}`,
      {
        kind: SpanKind.CONSUMER,
        root: true,
        attributes: {
          'carebot.job.id': job.id,
          'carebot.job.kind': job.kind,
          'carebot.job.attempt': job.attempts + 1,
        },
      },
      (span) => this.attempt(job, handler, span),
    );
  }

  private async attempt(job: AiJob, handler: JobHandler, span: Span | undefined): Promise<void> {
    const em = this.options.orm.em.fork();
    const attempt = job.attempts + 1;
    const running = { id: job.id, status: AiJobStatus.RUNNING, attempts: attempt };
    const claimed = await em.nativeUpdate(
      AiJob,
      // the attempts read with the job: a claim from a stale read (the job meanwhile failed and
      // waits for its backoff) does not run it early and does not count the same attempt twice
      { id: job.id, status: AiJobStatus.PENDING, attempts: job.attempts },
      { status: AiJobStatus.RUNNING, attempts: attempt, progress: 0, updatedAt: this.clock() },
    );
    if (claimed === 0) {
      span?.setAttribute('carebot.job.outcome', 'taken');
      return; // another worker took it
    }
    const touch = (progress?: number) =>
      this.options.orm.em
        .fork()
        .nativeUpdate(
          AiJob,
          running,
          progress === undefined
            ? { updatedAt: this.clock() }
            : { progress, updatedAt: this.clock() },
        );
    const heartbeat = setInterval(() => {
      void touch().catch(() => undefined);
    }, this.heartbeatMs);
    heartbeat.unref();
    let completed = false;
    const complete = async (tx: EntityManager, resultId: number | null = null) => {
      const done = await tx.nativeUpdate(AiJob, running, {
        status: AiJobStatus.DONE,
        error: null,
        progress: 100,
        resultId,
        updatedAt: this.clock(),
      });
      if (done === 0) throw new ClaimLostError();
      completed = true;
    };
    try {
      await handler({
        job,
        attempt,
        em,
        now: this.clock,
        complete,
        progress: async (percent) => {
          await touch(percent);
        },
      });
      if (!completed) await complete(this.options.orm.em.fork());
      span?.setAttribute('carebot.job.outcome', 'done');
      this.emit('settled', { id: job.id, kind: job.kind, attempt, outcome: 'done' });
    } catch (error) {
      span?.setAttribute(
        'carebot.job.outcome',
        error instanceof ClaimLostError ? 'lost' : 'failed',
      );
      if (error instanceof ClaimLostError)
        this.emit('settled', { id: job.id, kind: job.kind, attempt, outcome: 'lost' });
      else {
        recordFailure(span, error);
        await this.fail(job, attempt, error);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Puts a failed attempt's job back with its backoff, or fails it for good. */
  private async fail(job: AiJob, attempt: number, error: unknown): Promise<void> {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    const permanent = isPermanentFailure(error);
    const final = permanent || attempt >= this.maxAttempts;
    const now = this.clock();
    const runAfter = new Date(now.getTime() + this.retryDelayMs * 2 ** (attempt - 1));
    this.options.logger.warn(
      { err: error, jobId: job.id, kind: job.kind, attempt, permanent },
      final ? 'job failed' : 'job attempt failed; retrying',
    );
    const updated = await this.options.orm.em
      .fork()
      .nativeUpdate(
        AiJob,
        { id: job.id, status: AiJobStatus.RUNNING, attempts: attempt },
        final
          ? { status: AiJobStatus.FAILED, error: reason, updatedAt: now }
          : { status: AiJobStatus.PENDING, error: reason, runAfter, updatedAt: now },
      );
    this.emit('settled', {
      id: job.id,
      kind: job.kind,
      attempt,
      error: reason,
      ...(updated === 0
        ? { outcome: 'lost' as const }
        : final
          ? { outcome: 'failed' as const }
          : { outcome: 'retry' as const, runAfter }),
    });
  }
}
