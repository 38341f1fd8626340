import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { RateLimitedError } from '../graphql/errors.js';
import { RATE_LIMITS, type RateLimit, type RateLimitName } from './limits.js';

export { RATE_LIMITS, type RateLimit, type RateLimitName } from './limits.js';

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
   * Budgets that replace those of {@link RATE_LIMITS}, by name: the configured ones
   * (`RATE_LIMIT_*` variables), and `bench:ingest`'s raised `mutation` on top of them.
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
      communityPost: build('communityPost'),
      communityComment: build('communityComment'),
      communityReport: build('communityReport'),
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
