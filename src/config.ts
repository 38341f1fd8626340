import { z } from 'zod';
import { LIMITS_ENV, type LimitsConfig, limitsFrom } from './security/limits.js';
import { OAUTH_ENV, type OAuthConfig, oauthFrom } from './modules/oauth/oauth.config.js';

/** Which database driver a configuration selects. */
export type DatabaseDriver = 'sqlite' | 'mariadb';

export type DatabaseConfig =
  { driver: 'sqlite'; path: string } | { driver: 'mariadb'; url: string };

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'must be one of true, false, 1, 0, yes, no',
  })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z
    .string()
    .regex(/^(mariadb|mysql):\/\/.+|^sqlite:.+/, {
      error: 'must start with mariadb://, mysql:// or sqlite:',
    })
    .optional(),
  SQLITE_PATH: z.string().min(1).default('./data/carebot.sqlite'),
  MIGRATE_ON_START: booleanFromEnv.optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_DEBUG: booleanFromEnv.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: z.string().default('http://localhost:3000,http://localhost:5173'),
  INTROSPECTION: booleanFromEnv.default(true),
  GRAPHQL_IDE: booleanFromEnv.optional(),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, {
      error:
        'must be false, true (one proxy), a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs',
    })
    .default('false'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, { error: 'must start with redis:// or rediss://' })
    .optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  COOKIE_SECURE: booleanFromEnv.optional(),
  WS_REAUTH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(30 * 60_000)
    .default(5 * 60_000),
  NOTIFICATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, { error: 'must start with smtp:// or smtps://' })
    .optional(),
  MAIL_FROM: z
    .string()
    .regex(/@/, { error: 'must be an e-mail address, e.g. Carebot <no-reply@example.com>' })
    .default('Carebot <no-reply@carebot.local>'),
  PUBLIC_WEB_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('http://localhost:3000'),
  FILE_STORAGE: z.enum(['local', 's3']).default('local'),
  FILES_DIR: z.string().min(1).default('./data/files'),
  FILE_URL_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  PUBLIC_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  S3_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  S3_PUBLIC_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: booleanFromEnv.default(false),
  AI_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  AI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  AI_API_KEY: z.string().min(1).optional(),
  AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(20_000),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,50}$/, { error: 'must be 1–50 letters, digits, _ or -' })
    .default('carebot'),
  AI_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  UPLOAD_PENDING_MAX_FILES: z.coerce.number().int().min(1).max(10_000).default(20),
  UPLOAD_PENDING_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(100 * 1024 * 1024),
  LOW_MOOD_WINDOW_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
  LOW_MOOD_MIN_ANALYSES: z.coerce.number().int().min(1).max(1000).default(3),
  LOW_MOOD_SHARE: z.coerce.number().min(0).max(0.99).default(0.5),
  WEEKLY_MENTAL_REPORTS: booleanFromEnv.default(true),
  WEATHER_PROVIDER: z.enum(['open-meteo', 'off']).default('open-meteo'),
  WEATHER_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('https://api.open-meteo.com/v1'),
  WEATHER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  NEWS_FEEDS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url !== ''),
    )
    .refine((urls) => urls.every((url) => /^https?:\/\/[^\s]+$/.test(url) && URL.canParse(url)), {
      error: 'must be comma-separated http:// or https:// URLs',
    })
    .optional(),
  NEWS_FETCH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .max(24 * 3600_000)
    .default(30 * 60_000),
  // misuse limits (rate limits of SPEC §7, sockets per account): src/security/limits.ts
  ...LIMITS_ENV,
  // social sign-in (Google, Kakao): OAUTH_<PROVIDER>_…, src/modules/oauth/oauth.config.ts
  ...OAUTH_ENV,
  // tracing (OpenTelemetry): off unless an OTLP endpoint is set
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).default('carebot-api'),
});

/** The development-only secret for signed file URLs; refused in production. */
export const DEV_FILE_URL_SECRET = 'dev-only-file-url-secret-do-not-use-in-production';

/** Where uploaded files are kept. */
export type FileStorageConfig =
  | { driver: 'local'; dir: string }
  | {
      driver: 's3';
      endpoint: string | undefined;
      /** Where clients reach the store, when not at `endpoint` (e.g. through a reverse proxy). */
      publicEndpoint: string | undefined;
      bucket: string;
      region: string;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      forcePathStyle: boolean;
    };

/** The validated, typed configuration of one server process. */
export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  database: DatabaseConfig;
  /** Apply pending migrations when the server starts (default: on for SQLite, off for MariaDB). */
  migrateOnStart: boolean;
  dbPoolMax: number;
  dbDebug: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  corsOrigins: string[];
  introspection: boolean;
  /**
   * Serve GraphiQL (from npm packages, no CDN) to browsers at `GET /graphql`; default on outside
   * production, off in production.
   */
  graphqlIde: boolean;
  /**
   * Which proxies' `X-Forwarded-For` to believe: false (none), a hop count, or proxy addresses.
   * Never "every hop": the left-most entry is whatever the client wrote.
   */
  trustProxy: false | number | string[];
  redisUrl: string | undefined;
  shutdownTimeoutMs: number;
  /**
   * How often an open WebSocket re-checks its credential (keeping its session alive, closing it
   * when revoked); below the 30-minute idle expiry.
   */
  wsReauthIntervalMs: number;
  /** Notifications older than this many days are purged (SPEC §5). */
  notificationRetentionDays: number;
  /** Mark the session cookie Secure even when the request did not arrive over HTTPS. */
  cookieSecure: boolean;
  /** `smtp://user:pass@host:587` or `smtps://…`; unset keeps e-mail in memory (and in the dev log). */
  smtpUrl: string | undefined;
  /** The `From` of every e-mail, e.g. `Carebot <no-reply@example.com>`. */
  mailFrom: string;
  /** The dashboard's base URL, without a trailing slash, for links in e-mails. */
  publicWebUrl: string;
  /** Local disk (served by the API at signed `/files/:key` URLs) or an S3-compatible bucket. */
  fileStorage: FileStorageConfig;
  /** HMAC key of the API's own signed file URLs (local storage). */
  fileUrlSecret: string;
  /**
   * The API's public base URL (no trailing slash) for signed file URLs; unset: derived from the
   * listening address.
   */
  publicApiUrl: string | undefined;
  /** An OpenAI-compatible API base URL (e.g. `https://api.openai.com/v1`); unset: the local provider. */
  aiBaseUrl: string | undefined;
  /** The model asked for at `aiBaseUrl`. */
  aiModel: string;
  /** Bearer key for `aiBaseUrl`, if it needs one. */
  aiApiKey: string | undefined;
  /** How long one AI provider request may take. */
  aiTimeoutMs: number;
  /**
   * Namespace of everything this deployment keeps in Redis (rate-limit counters, pub/sub
   * channels, the BullMQ queue): the same on all its nodes, different between deployments.
   */
  redisKeyPrefix: string;
  /** AI jobs one node runs at the same time on BullMQ. */
  aiJobConcurrency: number;
  /** Unfinished uploads one account (or device) may hold at once: count and declared bytes. */
  uploadQuota: { maxFiles: number; maxBytes: number };
  /**
   * Sustained low mood: a WARN is raised once per episode when, over the last `windowHours`, at
   * least `minAnalyses` conversation analyses exist and more than `share` of them were dominated
   * by sadness or anxiety.
   */
  lowMood: { windowHours: number; minAnalyses: number; share: number };
  /** Whether every family gets a mental report of the previous week (Monday to Monday, KST). */
  weeklyMentalReports: boolean;
  /** Where `Family.weather` comes from; `off` answers null without any network request. */
  weatherProvider: 'open-meteo' | 'off';
  /** Base URL of the Open-Meteo API (without a trailing slash); tests point it at a fake. */
  weatherBaseUrl: string;
  /** How long one weather request may take before the dashboard gets `weather: null`. */
  weatherTimeoutMs: number;
  /** RSS or Atom feeds fetched into the shared news cache; empty: no fetch at all. */
  newsFeeds: string[];
  /** How often the feeds are fetched (also once at start). */
  newsFetchIntervalMs: number;
  /** Rate limits (SPEC §7) and open sockets per account. */
  limits: LimitsConfig;
  /** Social sign-in providers that are configured (the others are not offered). */
  oauth: OAuthConfig;
  /**
   * OpenTelemetry traces over OTLP/HTTP to `endpoint` (the collector's base URL, without
   * `/v1/traces`); undefined: tracing is off.
   */
  tracing: { endpoint: string; serviceName: string } | undefined;
}

/** Thrown when the environment does not describe a valid configuration; names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function parseDatabase(url: string | undefined, sqlitePath: string): DatabaseConfig {
  if (url === undefined || url === '') return { driver: 'sqlite', path: sqlitePath };
  if (url.startsWith('sqlite:')) return { driver: 'sqlite', path: url.slice('sqlite:'.length) };
  return { driver: 'mariadb', url: url.replace(/^mysql:/, 'mariadb:') };
}

function parseFileStorage(e: z.infer<typeof envSchema>): FileStorageConfig {
  if (e.FILE_STORAGE === 'local') return { driver: 'local', dir: e.FILES_DIR };
  if (e.S3_BUCKET === undefined) {
    throw new ConfigError(
      'Invalid configuration in the environment:\n  S3_BUCKET: required when FILE_STORAGE=s3',
    );
  }
  return {
    driver: 's3',
    endpoint: e.S3_ENDPOINT,
    publicEndpoint: e.S3_PUBLIC_ENDPOINT,
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
  };
}

function parseTrustProxy(value: string): Config['trustProxy'] {
  if (value === 'false' || value === '0') return false;
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim());
}

/**
 * Parses and validates the configuration from an environment (defaults to `process.env`).
 * Empty strings count as unset, so `.env.example` can list every variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const database = parseDatabase(e.DATABASE_URL, e.SQLITE_PATH);
  if (e.NODE_ENV === 'production' && e.CORS_ORIGINS.split(',').some((o) => o.trim() === '*')) {
    throw new ConfigError(
      'Invalid configuration in the environment:\n  CORS_ORIGINS: "*" is not allowed in production',
    );
  }
  if (e.NODE_ENV === 'production' && e.DB_DEBUG) {
    throw new ConfigError(
      'Invalid configuration in the environment:\n  DB_DEBUG: must be false in production (SQL logs carry personal data)',
    );
  }
  const fileStorage = parseFileStorage(e);
  const oauth = oauthFrom(present, e.NODE_ENV === 'production');
  if (oauth.problems.length > 0) {
    throw new ConfigError(
      `Invalid configuration in the environment:\n${oauth.problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
  if (
    e.NODE_ENV === 'production' &&
    (e.FILE_URL_SECRET ?? DEV_FILE_URL_SECRET) === DEV_FILE_URL_SECRET
  ) {
    throw new ConfigError(
      'Invalid configuration in the environment:\n  FILE_URL_SECRET: must be set to a random secret in production',
    );
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    database,
    migrateOnStart: e.MIGRATE_ON_START ?? database.driver === 'sqlite',
    dbPoolMax: e.DB_POOL_MAX,
    dbDebug: e.DB_DEBUG,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    introspection: e.NODE_ENV !== 'production' || e.INTROSPECTION,
    graphqlIde: e.GRAPHQL_IDE ?? e.NODE_ENV !== 'production',
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    redisUrl: e.REDIS_URL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    cookieSecure: e.COOKIE_SECURE ?? e.NODE_ENV === 'production',
    notificationRetentionDays: e.NOTIFICATION_RETENTION_DAYS,
    wsReauthIntervalMs: e.WS_REAUTH_INTERVAL_MS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    // links are built as `${publicWebUrl}/path`; a trailing slash would double it
    publicWebUrl: e.PUBLIC_WEB_URL.replace(/\/+$/, ''),
    fileStorage,
    fileUrlSecret: e.FILE_URL_SECRET ?? DEV_FILE_URL_SECRET,
    publicApiUrl: e.PUBLIC_API_URL?.replace(/\/+$/, ''),
    aiBaseUrl: e.AI_BASE_URL?.replace(/\/+$/, ''),
    aiModel: e.AI_MODEL,
    aiApiKey: e.AI_API_KEY,
    aiTimeoutMs: e.AI_TIMEOUT_MS,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    aiJobConcurrency: e.AI_JOB_CONCURRENCY,
    uploadQuota: { maxFiles: e.UPLOAD_PENDING_MAX_FILES, maxBytes: e.UPLOAD_PENDING_MAX_BYTES },
    lowMood: {
      windowHours: e.LOW_MOOD_WINDOW_HOURS,
      minAnalyses: e.LOW_MOOD_MIN_ANALYSES,
      share: e.LOW_MOOD_SHARE,
    },
    weeklyMentalReports: e.WEEKLY_MENTAL_REPORTS,
    weatherProvider: e.WEATHER_PROVIDER,
    weatherBaseUrl: e.WEATHER_BASE_URL.replace(/\/+$/, ''),
    weatherTimeoutMs: e.WEATHER_TIMEOUT_MS,
    newsFeeds: e.NEWS_FEEDS ?? [],
    newsFetchIntervalMs: e.NEWS_FETCH_INTERVAL_MS,
    limits: limitsFrom(e),
    oauth: oauth.config,
    tracing:
      e.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? undefined
        : {
            endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ''),
            serviceName: e.OTEL_SERVICE_NAME,
          },
  };
}
