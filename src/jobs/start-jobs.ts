import type { App } from '../app.js';
import { PURGE_INTERVAL_MS, purgeAccounts } from '../modules/account/account.jobs.js';
import {
  WEEKLY_REPORT_CHECK_INTERVAL_MS,
  queueWeeklyMentalReports,
} from '../modules/ai/ai.jobs.js';
import {
  ORPHAN_PURGE_INTERVAL_MS,
  purgeOrphanFiles,
  releaseFilesOfDeletedRecords,
} from '../modules/file/file.jobs.js';
import {
  checkInactivity,
  INACTIVITY_CHECK_INTERVAL_MS,
  purgeOldNotifications,
  RETENTION_PURGE_INTERVAL_MS,
} from '../modules/notification/notification.jobs.js';
import { PeriodicJobs } from './periodic.js';
import { JOB_STALE_MS } from './runner.js';

/** The periodic jobs of one API instance, declared but not started (see {@link startJobs}). */
export function periodicJobsOf(app: App, options: { clock?: () => Date } = {}): PeriodicJobs {
  const { config, orm, logger, events, aiWorker } = app;
  const { file: files, news } = app.services;
  const jobs = new PeriodicJobs({
    orm,
    logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(config.redisUrl === undefined
      ? {}
      : { redis: { url: config.redisUrl, prefix: `${config.redisKeyPrefix}:bull` } }),
  });
  jobs.add({
    name: 'purge-accounts',
    intervalMs: PURGE_INTERVAL_MS,
    run: (now) => purgeAccounts(orm, logger, now).then(() => undefined),
  });
  jobs.add({
    name: 'inactivity',
    intervalMs: INACTIVITY_CHECK_INTERVAL_MS,
    run: (now) => checkInactivity(orm, events, logger, now).then(() => undefined),
  });
  jobs.add({
    name: 'purge-notifications',
    intervalMs: RETENTION_PURGE_INTERVAL_MS,
    run: (now) =>
      purgeOldNotifications(orm, config.notificationRetentionDays, logger, now).then(
        () => undefined,
      ),
  });
  jobs.add({
    // the name predates the generic runner; kept so existing BullMQ schedulers stay one
    name: 'recover-ai-jobs',
    intervalMs: JOB_STALE_MS,
    run: () => aiWorker.recoverAbandoned().then(() => undefined),
  });
  jobs.add({
    name: 'purge-orphan-files',
    intervalMs: ORPHAN_PURGE_INTERVAL_MS,
    run: async (now) => {
      await releaseFilesOfDeletedRecords(orm, logger, now);
      await purgeOrphanFiles(orm, files, logger, now);
    },
  });
  if (config.weeklyMentalReports) {
    jobs.add({
      name: 'weekly-mental-reports',
      intervalMs: WEEKLY_REPORT_CHECK_INTERVAL_MS,
      // also at start: a cluster restarted every hour would otherwise never get to it
      runAtStart: true,
      run: async (now) => {
        if ((await queueWeeklyMentalReports(orm, logger, now)) > 0) aiWorker.wake();
      },
    });
  }
  if (config.newsFeeds.length > 0) {
    jobs.add({
      name: 'fetch-news',
      intervalMs: config.newsFetchIntervalMs,
      // also at start, in the background: a fresh server fills today's news without waiting
      runAtStart: true,
      run: () => news.refresh().then(() => undefined),
    });
  }
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
