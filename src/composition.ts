import { Redis } from 'ioredis';
import type { App, Services } from './app.js';
import type { Config } from './config.js';
import { type OrmOptions, createOrm, migrateUp } from './database/orm.js';
import { createMailer } from './mail/mailer.js';
import { createAiProvider } from './modules/ai/ai.provider.js';
import { JobRunner } from './jobs/runner.js';
import { registerAiHandlers } from './modules/ai/ai.handlers.js';
import { createFileStorage, type FileStorage } from './modules/file/file.storage.js';
import { MODULES } from './modules/index.js';
import { buildServices } from './modules/module.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { createTracing, traceRedis } from './observability/tracing.js';
import { DeviceCache } from './auth/devices.js';
import { EventBus, listenForFamilyState } from './realtime/events.js';
import { LiveAuthorizer } from './realtime/live-auth.js';
import { createAppPubSub } from './realtime/pubsub.js';
import { type RateLimit, type RateLimitName, RateLimiter } from './security/rate-limit.js';

/** Options of {@link createApp} that tests and benchmarks set. */
export interface AppOptions {
  logger?: Logger;
  onQuery?: OrmOptions['onQuery'];
  /** Replaces configured budgets by name; for benchmarks only (`bench:ingest` raises `mutation`). */
  rateLimits?: Partial<Record<RateLimitName, RateLimit>>;
  /** The server's clock as services read it (tests move it); the system clock by default. */
  clock?: () => Date;
}

/**
 * The composition root: builds one instance's infrastructure, then every module's services
 * from it (see `src/modules/index.ts`). Knows nothing of HTTP; `close()` releases what it opened.
 */
export async function createApp(
  config: Config,
  options: AppOptions = {},
): Promise<{ app: App; fileStorage: FileStorage; close(): Promise<void> }> {
  const logger = options.logger ?? createLogger(config);
  const tracing = createTracing(config.tracing, logger);
  const orm = await createOrm({
    database: config.database,
    dbPoolMax: config.dbPoolMax,
    dbDebug: config.dbDebug,
    logger,
    tracer: tracing.tracer,
    onQuery: options.onQuery,
  });
  if (config.migrateOnStart) {
    const applied = await migrateUp(orm);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  }
  const pubSubHandle = createAppPubSub(config.redisUrl, config.redisKeyPrefix);
  // rate limits are shared by every replica when Redis is configured
  const redis =
    config.redisUrl === undefined
      ? undefined
      : new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  if (redis !== undefined) traceRedis(redis, tracing.tracer);
  const rateLimiter = new RateLimiter({
    redis,
    keyPrefix: `${config.redisKeyPrefix}:rl`,
    limits: { ...config.limits.rateLimits, ...options.rateLimits },
  });
  const mailer = createMailer(config, logger);
  const fileStorage = createFileStorage(config.fileStorage, config.fileUrlSecret);
  const events = new EventBus(pubSubHandle.pubSub);
  // changes announced by other API processes reach this one's caches
  const familyState = listenForFamilyState(pubSubHandle.pubSub, events);
  const clock = options.clock ?? (() => new Date());
  // a device's lastSeenAt (device health, routines) follows the app clock, which tests move
  const devices = new DeviceCache({ clock });
  events.onFamilyStateChanged((event) => {
    if (event.what === 'devices') devices.invalidate(event.familyId);
  });
  const aiProvider = createAiProvider(config);
  const aiWorker = registerAiHandlers(
    new JobRunner({
      orm,
      logger,
      tracer: tracing.tracer,
      // timeouts (care sessions) are due by the server's clock, which a test may move
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(config.redisUrl === undefined
        ? {}
        : {
            queue: {
              redisUrl: config.redisUrl,
              prefix: `${config.redisKeyPrefix}:bull`,
              concurrency: config.aiJobConcurrency,
            },
          }),
    }),
    { events, provider: aiProvider, lowMood: config.lowMood },
  );
  const { services, periodic, jobHandlers } = buildServices(MODULES, {
    config,
    orm,
    logger,
    events,
    rateLimiter,
    mailer,
    fileStorage,
    jobs: aiWorker,
    clock,
  });
  for (const [kind, handler] of jobHandlers) aiWorker.register(kind, handler);
  const liveAuthorizer = new LiveAuthorizer(orm, {
    events,
    maxAgeMs: config.wsReauthIntervalMs,
    clock,
  });
  // invalidations published while the Redis subscriber was away are lost: start the caches over
  pubSubHandle.onReconnect(() => {
    liveAuthorizer.forgetAll();
    devices.invalidate(null);
  });
  const app: App = {
    config,
    orm,
    pubSub: pubSubHandle.pubSub,
    events,
    devices,
    liveAuthorizer,
    logger,
    metrics: new Metrics({ defaultMetrics: config.env !== 'test' }),
    rateLimiter,
    mailer,
    services: services as Services,
    periodicJobs: periodic,
    aiProvider,
    aiWorker,
    tracing,
    startedAt: Date.now(),
  };
  return {
    app,
    fileStorage,
    close: async () => {
      // each step runs even when an earlier one failed; the first failure is reported at the end
      const failures: unknown[] = [];
      for (const step of [
        () => familyState.stop(),
        () => pubSubHandle.close(),
        async () => redis?.quit(),
        () => orm.close(),
        // last: the spans of everything above are exported
        () => tracing.shutdown(),
      ]) {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw failures[0];
    },
  };
}
