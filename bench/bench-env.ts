import { randomBytes } from 'node:crypto';

/**
 * True for a smoke run (`BENCH_SMOKE=1` or `--smoke`): every benchmark runs in a tiny size, only
 * to prove it still works end to end. CI runs them so; the figures then mean nothing.
 */
export const SMOKE =
  process.argv.includes('--smoke') || /^(1|true|yes)$/.test(process.env['BENCH_SMOKE'] ?? '');

/** A size from the environment (`BENCH_…`), else `smoke` in a smoke run, else `full`. */
export function size(name: string, full: number, smoke: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return SMOKE ? smoke : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

// a production server refuses the development file-URL secret; the bench makes its own
const fileUrlSecret = randomBytes(32).toString('hex');

/**
 * The environment a benchmark's server starts with: the user's own (so `DATABASE_URL`,
 * `REDIS_URL` and the like still apply), in production mode (what the figures are for), quiet,
 * on a free loopback port, with `overrides` last. `FILE_URL_SECRET` is a random one of this run
 * unless the user set one.
 */
export function benchEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    CORS_ORIGINS: 'http://localhost',
    DB_DEBUG: 'false',
    FILE_URL_SECRET: process.env['FILE_URL_SECRET'] || fileUrlSecret,
    // a benchmark never asks the internet for weather
    WEATHER_PROVIDER: 'off',
    NEWS_FEEDS: '',
    ...overrides,
  };
}

/** The value at percentile `p` (0–100) of ascending `sorted`, with `digits` decimals. */
export function percentile(sorted: number[], p: number, digits = 2): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(
    digits,
  );
}
