import type { DeviceCache } from './auth/devices.js';
import type { Config } from './config.js';
import type { Orm } from './database/orm.js';
import type { PeriodicJob } from './jobs/periodic.js';
import type { JobRunner } from './jobs/runner.js';
import type { Mailer } from './mail/mailer.js';
import type { AiProvider } from './modules/ai/ai.provider.js';
import type { Services } from './modules/index.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { EventBus } from './realtime/events.js';
import type { LiveAuthorizer } from './realtime/live-auth.js';
import type { AppPubSub } from './realtime/pubsub.js';
import type { RateLimiter } from './security/rate-limit.js';

/** The services resolvers call; each owns the writes and transactions of one feature. */
export type { Services } from './modules/index.js';

/**
 * The long-lived parts of one server instance, built once at start and shared by every request.
 * Passed explicitly so tests can start several instances in one process.
 */
export interface App {
  config: Config;
  orm: Orm;
  pubSub: AppPubSub;
  /** Announce changes here (after commit); subscriptions deliver them. */
  events: EventBus;
  /** Device tokens → devices for HTTP operations, invalidated by `events.devicesChanged`. */
  devices: DeviceCache;
  /** Batched re-authorisation of live deliveries. */
  liveAuthorizer: LiveAuthorizer;
  logger: Logger;
  metrics: Metrics;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  services: Services;
  /** The modules' periodic jobs, started once per cluster by `startJobs`. */
  periodicJobs: PeriodicJob[];
  /** The configured AI provider (local unless `AI_BASE_URL` is set). */
  aiProvider: AiProvider;
  /**
   * Runs this instance's share of the durable jobs (the AI handlers are registered on it); wake
   * it after storing a job. Named for its first jobs.
   */
  aiWorker: JobRunner;
  /** `Date.now()` when the instance started. */
  startedAt: number;
}
