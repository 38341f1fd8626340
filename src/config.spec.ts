import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { RATE_LIMITS } from './security/limits.js';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite database on port 4000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database).toEqual({ driver: 'sqlite', path: './data/carebot.sqlite' });
    expect(config.migrateOnStart).toBe(true);
    expect(config.introspection).toBe(true);
  });

  it('picks MariaDB from DATABASE_URL and does not migrate on start by default', () => {
    const config = loadConfig({ DATABASE_URL: 'mariadb://u:p@db:3306/carebot' });
    expect(config.database).toEqual({ driver: 'mariadb', url: 'mariadb://u:p@db:3306/carebot' });
    expect(config.migrateOnStart).toBe(false);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).database.driver).toBe('sqlite');
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/DATABASE_URL: must start with mariadb:\/\//);
    expect(message).toMatch(/LOG_LEVEL:/);
  });

  it('turns introspection off only in production with INTROSPECTION=false', () => {
    expect(loadConfig({ INTROSPECTION: 'false' }).introspection).toBe(true);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        INTROSPECTION: 'false',
        CORS_ORIGINS: 'https://a.example',
        FILE_URL_SECRET: 'x'.repeat(32),
      }).introspection,
    ).toBe(false);
  });

  it('refuses the development file URL secret in production, and S3 without a bucket', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/FILE_URL_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', FILE_URL_SECRET: 'short' })).toThrow(
      /FILE_URL_SECRET/,
    );
    expect(() => loadConfig({ FILE_STORAGE: 's3' })).toThrow(/S3_BUCKET/);
    expect(loadConfig({ FILE_STORAGE: 's3', S3_BUCKET: 'b' }).fileStorage).toMatchObject({
      driver: 's3',
      bucket: 'b',
      region: 'us-east-1',
    });
    expect(
      loadConfig({
        FILE_STORAGE: 's3',
        S3_BUCKET: 'b',
        S3_PUBLIC_ENDPOINT: 'http://localhost:8080',
      }).fileStorage,
    ).toMatchObject({ publicEndpoint: 'http://localhost:8080' });
    expect(() => loadConfig({ S3_PUBLIC_ENDPOINT: 'localhost:8080' })).toThrow(
      /S3_PUBLIC_ENDPOINT/,
    );
  });

  it('refuses a wildcard CORS origin in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  it('uses the local AI provider by default and validates the AI variables', () => {
    expect(loadConfig({})).toMatchObject({
      aiBaseUrl: undefined,
      aiModel: 'gpt-4o-mini',
      aiApiKey: undefined,
      aiTimeoutMs: 20_000,
    });
    expect(
      loadConfig({ AI_BASE_URL: 'http://llm:8000/v1/', AI_MODEL: 'qwen', AI_TIMEOUT_MS: '5000' }),
    ).toMatchObject({ aiBaseUrl: 'http://llm:8000/v1', aiModel: 'qwen', aiTimeoutMs: 5000 });
    expect(() => loadConfig({ AI_BASE_URL: 'llm:8000' })).toThrow(/AI_BASE_URL/);
    expect(() => loadConfig({ AI_TIMEOUT_MS: '10' })).toThrow(/AI_TIMEOUT_MS/);
  });

  it('asks Open-Meteo for weather and fetches no news by default; validates both', () => {
    expect(loadConfig({})).toMatchObject({
      weatherProvider: 'open-meteo',
      weatherBaseUrl: 'https://api.open-meteo.com/v1',
      weatherTimeoutMs: 3000,
      newsFeeds: [],
      newsFetchIntervalMs: 30 * 60_000,
    });
    expect(
      loadConfig({
        WEATHER_PROVIDER: 'off',
        WEATHER_BASE_URL: 'http://meteo.local/v1/',
        NEWS_FEEDS: ' https://a.example/rss.xml ,, http://b.example/atom ',
      }),
    ).toMatchObject({
      weatherProvider: 'off',
      weatherBaseUrl: 'http://meteo.local/v1',
      newsFeeds: ['https://a.example/rss.xml', 'http://b.example/atom'],
    });
    expect(() => loadConfig({ WEATHER_PROVIDER: 'kma' })).toThrow(/WEATHER_PROVIDER/);
    expect(() => loadConfig({ NEWS_FEEDS: 'https://a.example/rss, ftp://b.example/x' })).toThrow(
      /NEWS_FEEDS: must be comma-separated http/,
    );
    expect(() => loadConfig({ NEWS_FETCH_INTERVAL_MS: '1000' })).toThrow(/NEWS_FETCH_INTERVAL_MS/);
  });

  it('takes every rate limit and the sockets per account from the environment, SPEC §7 by default', () => {
    expect(loadConfig({}).limits).toEqual({
      rateLimits: RATE_LIMITS,
      socketsPerAccount: { user: 10, device: 3 },
    });
    const limits = loadConfig({
      RATE_LIMIT_LOGIN_POINTS: '8',
      RATE_LIMIT_LOGIN_WINDOW_SECONDS: '600',
      RATE_LIMIT_SIGN_UP_POINTS: '60',
      RATE_LIMIT_PASSWORD_RESET_POINTS: '3',
      RATE_LIMIT_FIND_FAMILIES_WINDOW_SECONDS: '7200',
      RATE_LIMIT_JOIN_FAMILY_POINTS: '50',
      RATE_LIMIT_MUTATION_POINTS: '1000',
      RATE_LIMIT_MUTATION_WINDOW_SECONDS: '10',
      RATE_LIMIT_COMMUNITY_POST_POINTS: '3',
      RATE_LIMIT_COMMUNITY_COMMENT_WINDOW_SECONDS: '60',
      WS_MAX_SOCKETS_PER_USER: '4',
      WS_MAX_SOCKETS_PER_DEVICE: '1',
    }).limits;
    expect(limits).toEqual({
      rateLimits: {
        logIn: { points: 8, durationSeconds: 600 },
        signUp: { points: 60, durationSeconds: 3600 },
        requestPasswordReset: { points: 3, durationSeconds: 3600 },
        findFamilies: { points: 10, durationSeconds: 7200 },
        requestToJoinFamily: { points: 50, durationSeconds: 3600 },
        mutation: { points: 1000, durationSeconds: 10 },
        communityPost: { points: 3, durationSeconds: 3600 },
        communityComment: { points: 60, durationSeconds: 60 },
        communityReport: { points: 20, durationSeconds: 3600 },
      },
      socketsPerAccount: { user: 4, device: 1 },
    });
  });

  it('refuses a limit that is not a positive whole number, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({
        RATE_LIMIT_SIGN_UP_POINTS: 'fifty',
        RATE_LIMIT_LOGIN_WINDOW_SECONDS: '0',
        RATE_LIMIT_MUTATION_POINTS: '2.5',
        RATE_LIMIT_JOIN_FAMILY_WINDOW_SECONDS: '31536000',
        WS_MAX_SOCKETS_PER_USER: '-1',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const variable of [
      'RATE_LIMIT_SIGN_UP_POINTS',
      'RATE_LIMIT_LOGIN_WINDOW_SECONDS',
      'RATE_LIMIT_MUTATION_POINTS',
      'RATE_LIMIT_JOIN_FAMILY_WINDOW_SECONDS',
      'WS_MAX_SOCKETS_PER_USER',
    ])
      expect(message).toContain(`${variable}:`);
    expect(() => loadConfig({ WS_MAX_SOCKETS_PER_DEVICE: '0' })).toThrow(
      /WS_MAX_SOCKETS_PER_DEVICE/,
    );
  });
});
