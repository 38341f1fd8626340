import type { Logger } from '../observability/logger.js';

/**
 * Runs periodic maintenance jobs in-process. A run never overlaps the previous one of the same
 * job, failures are logged and retried at the next tick, and timers do not keep the process
 * alive. Every job must be idempotent: each API replica runs its own scheduler.
 */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  /**
   * Runs `job` every `intervalMs`; the first run comes after one interval, or at once (in the
   * background) with `runAtStart`.
   */
  every(
    name: string,
    intervalMs: number,
    job: () => Promise<void>,
    options: { runAtStart?: boolean } = {},
  ): void {
    let busy = false;
    const tick = () => {
      if (busy || this.stopped) return;
      busy = true;
      const run = job()
        .catch((error: unknown) =>
          this.logger.error({ err: error, job: name }, 'scheduled job failed'),
        )
        .finally(() => {
          busy = false;
          this.running.delete(run);
        });
      this.running.add(run);
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    if (options.runAtStart === true) tick();
    this.timers.add(timer);
  }

  /** Stops scheduling and waits for the runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
