import type { Config } from './config.js';
import type { Orm } from './database/orm.js';
import type { JobRunner } from './jobs/runner.js';
import type { Mailer } from './mail/mailer.js';
import type { AiProvider } from './modules/ai/ai.provider.js';
import type { AiService } from './modules/ai/ai.service.js';
import type { AccountService } from './modules/account/account.service.js';
import type { DeviceService } from './modules/device/device.service.js';
import type { FamilyService } from './modules/family/family.service.js';
import type { FileService } from './modules/file/file.service.js';
import type { MessageService } from './modules/message/message.service.js';
import type { NewsService } from './modules/news/news.service.js';
import type { NotificationService } from './modules/notification/notification.service.js';
import type { ReportService } from './modules/report/report.service.js';
import type { SettingsService } from './modules/settings/settings.service.js';
import type { WeatherService } from './modules/weather/weather.service.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { EventBus } from './realtime/events.js';
import type { LiveAuthorizer } from './realtime/live-auth.js';
import type { AppPubSub } from './realtime/pubsub.js';
import type { RateLimiter } from './security/rate-limit.js';

/** The services resolvers call; each owns the writes and transactions of one feature. */
export interface Services {
  account: AccountService;
  family: FamilyService;
  device: DeviceService;
  settings: SettingsService;
  report: ReportService;
  notification: NotificationService;
  message: MessageService;
  file: FileService;
  ai: AiService;
  /** Current weather per region (in-memory cache in front of the provider). */
  weather: WeatherService;
  /** The shared news cache and the job that fills it. */
  news: NewsService;
}

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
  /** Batched re-authorisation of live deliveries. */
  liveAuthorizer: LiveAuthorizer;
  logger: Logger;
  metrics: Metrics;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  services: Services;
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
