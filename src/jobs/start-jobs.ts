import type { App } from '../app.js';
import { PeriodicJobs } from './periodic.js';
import { JOB_STALE_MS } from './runner.js';

/**
 * The periodic jobs of one API instance — the job runner's recovery and every module's own —
 * declared but not started (see {@link startJobs}).
 */
export function periodicJobsOf(app: App, options: { clock?: () => Date } = {}): PeriodicJobs {
  const { config, orm, logger, aiWorker } = app;
  const jobs = new PeriodicJobs({
    orm,
    logger,
    tracer: app.tracing.tracer,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(config.redisUrl === undefined
      ? {}
      : { redis: { url: config.redisUrl, prefix: `${config.redisKeyPrefix}:bull` } }),
  });
  jobs.add({
    // the name predates the generic runner; kept so existing BullMQ schedulers stay one
    name: 'recover-ai-jobs',
    intervalMs: JOB_STALE_MS,
    run: () => aiWorker.recoverAbandoned().then(() => undefined),
  });
  for (const job of app.periodicJobs) jobs.add(job);
  return jobs;
}

/**
 * Starts the background work of one API instance: the periodic jobs (once per cluster) and this
 * node's share of the durable job runner. Returns what `close()` must stop.
 */
export async function startJobs(
  app: App,
): Promise<{ periodic: PeriodicJobs; stop(): Promise<void> }> {
  const periodic = periodicJobsOf(app);
  await app.aiWorker.start();
  await periodic.start();
  return {
    periodic,
    stop: async () => {
      const results = await Promise.allSettled([periodic.stop(), app.aiWorker.stop()]);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}
