import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { RateLimitedError } from '../graphql/errors.js';

/** The rate-limited actions of SPEC §7; `mutation` is the budget every other mutation shares. */
export type RateLimitName =
  'logIn' | 'signUp' | 'requestPasswordReset' | 'findFamilies' | 'requestToJoinFamily' | 'mutation';

/** One budget: at most `points` consumptions per key within a fixed `durationSeconds` window. */
export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

/**
 * SPEC §7 budgets. The key each one is counted under is the caller's choice: `logIn` per
 * account+IP, `signUp` / `requestPasswordReset` / `findFamilies` / `requestToJoinFamily` per IP,
 * `mutation` per account.
 */
export const RATE_LIMITS: Readonly<Record<RateLimitName, RateLimit>> = Object.freeze({
  logIn: { points: 5, durationSeconds: 15 * 60 },
  signUp: { points: 10, durationSeconds: 60 * 60 },
  requestPasswordReset: { points: 10, durationSeconds: 60 * 60 },
  findFamilies: { points: 10, durationSeconds: 60 * 60 },
  // guessing an elder's name against family ids costs as much as searching for the family
  requestToJoinFamily: { points: 10, durationSeconds: 60 * 60 },
  mutation: { points: 300, durationSeconds: 60 },
});

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * Counts in Redis so every API process shares one budget; without it counts stay in this
   * process. The client is borrowed: the caller connects and quits it.
   */
  redis?: Redis | undefined;
  /** Namespace of the counters (Redis keys are `<keyPrefix>:<name>:<key>`); default `carebot:rl`. */
  keyPrefix?: string;
  /**
   * Budgets that replace those of {@link RATE_LIMITS}, by name. Only benchmarks set this (never
   * the environment): `bench:ingest` raises `mutation` to measure storage, not the limiter.
   */
  limits?: Partial<Record<RateLimitName, RateLimit>> | undefined;
}

const DEFAULT_KEY_PREFIX = 'carebot:rl';

/**
 * Fixed-window rate limits for the actions of {@link RATE_LIMITS}, in memory or in Redis.
 *
 * Keys are opaque strings such as `ip:1.2.3.4` or `acct:<lowercased email>|ip:1.2.3.4`. They
 * identify people, so they are stored as given but never logged.
 */
export class RateLimiter {
  private readonly limiters: Readonly<Record<RateLimitName, RateLimiterAbstract>>;

  constructor(options: RateLimiterOptions = {}) {
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    const build = (name: RateLimitName): RateLimiterAbstract => {
      const { points, durationSeconds } = options.limits?.[name] ?? RATE_LIMITS[name];
      const common = { keyPrefix: `${prefix}:${name}`, points, duration: durationSeconds };
      if (options.redis === undefined) return new RateLimiterMemory(common);
      return new RateLimiterRedis({
        ...common,
        storeClient: options.redis,
        // ioredis speaks its own API, not node-redis's (the library would guess the same)
        useRedisPackage: false,
        // once a key is over budget this process refuses it locally until the window ends, so a
        // brute-force flood costs no Redis round trips; reset() lifts the local block too
        inMemoryBlockOnConsumed: points + 1,
        // no insuranceLimiter: a Redis outage must surface as an error, not as silently
        // per-process (and so multiplied) budgets
      });
    };
    this.limiters = {
      logIn: build('logIn'),
      signUp: build('signUp'),
      requestPasswordReset: build('requestPasswordReset'),
      findFamilies: build('findFamilies'),
      requestToJoinFamily: build('requestToJoinFamily'),
      mutation: build('mutation'),
    };
  }

  /**
   * Spends one point of `name`'s budget for `key`.
   *
   * @throws {RateLimitedError} when the budget is exhausted; `retryAfterSeconds` says when the
   *   window ends (at least 1).
   * @throws whatever the store throws (e.g. Redis unreachable), unchanged: it is not a verdict
   *   about the caller.
   */
  async consume(name: RateLimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key);
    } catch (error) {
      // the library rejects with a RateLimiterRes for "over budget" and an Error for failures
      if (error instanceof RateLimiterRes) {
        throw new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      }
      throw error;
    }
  }

  /** Forgets what `key` has spent of `name`'s budget, e.g. after a successful `logIn`. */
  async reset(name: RateLimitName, key: string): Promise<void> {
    await this.limiters[name].delete(key);
  }

  /** Releases resources. Nothing to do today: the Redis client belongs to the caller. */
  async close(): Promise<void> {}
}
