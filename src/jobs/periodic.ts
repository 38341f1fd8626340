import { randomUUID } from 'node:crypto';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Orm } from '../database/orm.js';
import type { Logger } from '../observability/logger.js';
import { inSpan } from '../observability/tracing.js';
import { acquireLease, releaseLease } from './lease.js';

/** One periodic maintenance job. `run` must be idempotent: a crash may repeat a run. */
export interface PeriodicJob {
  name: string;
  intervalMs: number;
  run(now: Date): Promise<void>;
  /** Also run at once (in the background) when the cluster starts it. */
  runAtStart?: boolean;
}

/** Where the cluster decides who runs a job: BullMQ over Redis, or a lease row in the database. */
export type PeriodicJobsOptions = {
  orm: Orm;
  logger: Logger;
  /** Gives each run a span (tracing on). */
  tracer?: Tracer | undefined;
  /** This process, in lease rows (random by default). */
  holder?: string;
  /** The current time, for leases and runs (tests move it). */
  clock?: () => Date;
  /** BullMQ job schedulers when set; the database lease otherwise. */
  redis?: { url: string; prefix: string };
};

const QUEUE_NAME = 'periodic';
/** How long shutting down waits for each BullMQ close before dropping the connection. */
const CLOSE_TIMEOUT_MS = 5000;

/** Settles when `promise` does or after `ms`, whichever comes first; never rejects. */
export async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

/**
 * Runs periodic maintenance jobs once per cluster, not once per API replica.
 *
 * - With Redis: one BullMQ job scheduler per job (`upsertJobScheduler`, idempotent, so every node
 *   declaring it at start keeps one schedule); BullMQ hands each iteration to one node's worker.
 * - Without Redis: every node ticks on its own timer, and a tick runs the job only when it takes
 *   or renews the job's lease (`job_lease`, valid two intervals). The holder keeps renewing at each
 *   tick; another node takes over once a crashed holder's lease has expired; `stop()` releases the
 *   leases so a restarted node need not wait.
 *
 * Either way a run never overlaps the previous run of the same job on this node, failures are
 * logged (the next iteration is the retry), timers do not keep the process alive, and `stop()`
 * waits for runs in progress.
 */
export class PeriodicJobs {
  readonly holder: string;
  private readonly clock: () => Date;
  private readonly jobs = new Map<string, PeriodicJob>();
  private readonly busy = new Set<string>();
  /** How many runs of each job this node finished (successful or not). */
  private readonly finished = new Map<string, number>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private bull: { queue: Queue; worker: Worker; connection: Redis } | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: PeriodicJobsOptions) {
    this.holder = options.holder ?? `${process.pid}-${randomUUID()}`;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Declares a job; call before `start()`. */
  add(job: PeriodicJob): void {
    if (this.started) throw new Error(`periodic job ${job.name} added after start`);
    this.jobs.set(job.name, job);
  }

  /** Starts the timers, or declares the schedulers and starts this node's BullMQ worker. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.redis !== undefined) {
      await this.startBull(this.options.redis);
      return;
    }
    for (const job of this.jobs.values()) {
      const timer = setInterval(() => void this.tick(job.name), job.intervalMs);
      timer.unref();
      this.timers.add(timer);
      if (job.runAtStart === true) void this.tick(job.name);
    }
  }

  private async startBull(redis: { url: string; prefix: string }): Promise<void> {
    // BullMQ's blocking worker connection needs unlimited retries per request
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection, prefix: redis.prefix });
    const worker = new Worker(
      QUEUE_NAME,
      async (entry) => {
        // the job's own failure is logged here, not retried by BullMQ: the next iteration is the retry
        await this.runJob(entry.name);
      },
      // one periodic job at a time per node, like the timers
      { connection, prefix: redis.prefix, concurrency: 1 },
    );
    worker.on('error', (error) =>
      this.options.logger.error({ err: error }, 'periodic job worker error'),
    );
    this.bull = { queue, worker, connection };
    for (const job of this.jobs.values()) {
      // upsert is idempotent: every node declaring the same schedule leaves one; an `every`
      // scheduler produces its first iteration when it is created
      await queue.upsertJobScheduler(
        job.name,
        { every: job.intervalMs },
        { name: job.name, opts: { attempts: 1, removeOnComplete: true, removeOnFail: true } },
      );
    }
  }

  /**
   * Lease mode: one tick of `name` on this node; runs the job when this node holds its lease.
   * Resolves to whether it ran. Timers call it; tests call it with a moved clock.
   */
  async tick(name: string): Promise<boolean> {
    const job = this.jobs.get(name);
    if (job === undefined || this.stopped || this.busy.has(name)) return false;
    this.busy.add(name);
    const run = (async () => {
      const now = this.clock();
      const held = await acquireLease(
        this.options.orm.em.fork(),
        `periodic:${name}`,
        this.holder,
        2 * job.intervalMs,
        now,
      );
      if (!held) return false;
      try {
        await this.traced(job, now);
      } finally {
        this.countRun(name);
      }
      return true;
    })()
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, job: name }, 'scheduled job failed');
        return true;
      })
      .finally(() => {
        this.busy.delete(name);
        this.running.delete(run);
      });
    this.running.add(run);
    return run;
  }

  /** Runs a job the queue handed over (BullMQ mode); errors are logged, never rethrown. */
  private async runJob(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (job === undefined || this.stopped || this.busy.has(name)) return;
    this.busy.add(name);
    const run = this.traced(job, this.clock())
      .catch((error: unknown) =>
        this.options.logger.error({ err: error, job: name }, 'scheduled job failed'),
      )
      .finally(() => {
        this.countRun(name);
        this.busy.delete(name);
        this.running.delete(run);
      });
    this.running.add(run);
    await run;
  }

  /** Runs `job` as the root span of its own trace. */
  private traced(job: PeriodicJob, now: Date): Promise<void> {
    return inSpan(
      this.options.tracer,
      `periodic ${job.name}`,
      { kind: SpanKind.INTERNAL, root: true, attributes: { 'carebot.job.kind': job.name } },
      () => job.run(now),
    );
  }

  private countRun(name: string): void {
    this.finished.set(name, (this.finished.get(name) ?? 0) + 1);
  }

  /** How many runs of `name` this node has finished. */
  runsOf(name: string): number {
    return this.finished.get(name) ?? 0;
  }

  /**
   * Runs `name` now, once in the cluster: in lease mode a {@link tick} (resolves to whether this
   * node ran it); with BullMQ one queue entry that some node's worker runs (resolves to false:
   * the run happens on whichever node takes it).
   */
  async runNow(name: string): Promise<boolean> {
    if (this.bull === undefined) return this.tick(name);
    await this.bull.queue.add(
      name,
      {},
      { attempts: 1, removeOnComplete: true, removeOnFail: true },
    );
    return false;
  }

  /**
   * Stops scheduling on this node, waits for the runs in progress and gives up its leases. The
   * BullMQ schedules stay in Redis: they belong to the cluster, not to this node.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    const bull = this.bull;
    this.bull = undefined;
    try {
      // with Redis unreachable these would wait forever (the connection retries without limit)
      if (bull !== undefined) await withTimeout(bull.worker.close(), CLOSE_TIMEOUT_MS);
      await Promise.allSettled([...this.running]);
      if (bull !== undefined) await withTimeout(bull.queue.close(), CLOSE_TIMEOUT_MS);
    } finally {
      bull?.connection.disconnect();
      if (this.options.redis === undefined && this.jobs.size > 0) {
        const em = this.options.orm.em.fork();
        await Promise.allSettled(
          [...this.jobs.keys()].map((name) =>
            releaseLease(em, `periodic:${name}`, this.holder, this.clock()),
          ),
        );
      }
    }
  }
}
