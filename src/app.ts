import type { Config } from './config.js';
import type { Orm } from './database/orm.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { AppPubSub } from './realtime/pubsub.js';

/**
 * The long-lived parts of one server instance, built once at start and shared by every request.
 * Passed explicitly so tests can start several instances in one process.
 */
export interface App {
  config: Config;
  orm: Orm;
  pubSub: AppPubSub;
  logger: Logger;
  metrics: Metrics;
  /** `Date.now()` when the instance started. */
  startedAt: number;
}
