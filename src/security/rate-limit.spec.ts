import { randomUUID } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateLimitedError } from '../graphql/errors.js';
import { RATE_LIMITS, RateLimiter, type RateLimitName } from './rate-limit.js';

const LOGIN_KEY = 'acct:ada@example.com|ip:192.0.2.1';

/** Consumes `times` points and returns the error of the first refusal, if any. */
async function spend(
  limiter: RateLimiter,
  name: RateLimitName,
  key: string,
  times: number,
): Promise<unknown> {
  for (let i = 0; i < times; i += 1) {
    try {
      await limiter.consume(name, key);
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

/** The behaviour every store must share; `limiter()` hands out a limiter with fresh counters. */
function sharedBehaviour(limiter: () => RateLimiter) {
  it('refuses the 6th logIn in the window with RATE_LIMITED and a retry time within 15 min', async () => {
    const rl = limiter();
    expect(await spend(rl, 'logIn', LOGIN_KEY, 5)).toBeUndefined();

    const error = await spend(rl, 'logIn', LOGIN_KEY, 1);
    expect(error).toBeInstanceOf(RateLimitedError);
    const limited = error as RateLimitedError;
    expect(limited.extensions['code']).toBe('RATE_LIMITED');
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(limited.extensions['retryAfterSeconds']).toBe(limited.retryAfterSeconds);
  });

  it('keeps refusing while the window lasts', async () => {
    const rl = limiter();
    await spend(rl, 'logIn', LOGIN_KEY, 6);
    await expect(rl.consume('logIn', LOGIN_KEY)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('starts over after reset', async () => {
    const rl = limiter();
    await spend(rl, 'logIn', LOGIN_KEY, 6);
    await rl.reset('logIn', LOGIN_KEY);
    expect(await spend(rl, 'logIn', LOGIN_KEY, 5)).toBeUndefined();
    await expect(rl.consume('logIn', LOGIN_KEY)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('counts different keys independently', async () => {
    const rl = limiter();
    await spend(rl, 'logIn', LOGIN_KEY, 6);
    expect(await spend(rl, 'logIn', 'acct:ada@example.com|ip:192.0.2.2', 5)).toBeUndefined();
    expect(await spend(rl, 'logIn', 'acct:bob@example.com|ip:192.0.2.1', 5)).toBeUndefined();
  });

  it('counts different budgets independently for the same key', async () => {
    const rl = limiter();
    const key = 'ip:192.0.2.9';
    expect(await spend(rl, 'signUp', key, 10)).toBeUndefined();
    expect(await spend(rl, 'signUp', key, 1)).toBeInstanceOf(RateLimitedError);
    expect(await spend(rl, 'requestPasswordReset', key, 10)).toBeUndefined();
    expect(await spend(rl, 'findFamilies', key, 10)).toBeUndefined();
  });

  it('allows 300 mutations per account and refuses the 301st', async () => {
    const rl = limiter();
    const key = 'acct:7';
    expect(await spend(rl, 'mutation', key, 300)).toBeUndefined();
    const error = await spend(rl, 'mutation', key, 1);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
  });
}

describe('RATE_LIMITS', () => {
  it('holds the SPEC §7 budgets', () => {
    expect(RATE_LIMITS).toEqual({
      logIn: { points: 5, durationSeconds: 900 },
      signUp: { points: 10, durationSeconds: 3600 },
      requestPasswordReset: { points: 10, durationSeconds: 3600 },
      findFamilies: { points: 10, durationSeconds: 3600 },
      requestToJoinFamily: { points: 10, durationSeconds: 3600 },
      mutation: { points: 300, durationSeconds: 60 },
      // community boards (README "Community")
      communityPost: { points: 10, durationSeconds: 3600 },
      communityComment: { points: 60, durationSeconds: 3600 },
      communityReport: { points: 20, durationSeconds: 3600 },
    });
  });
});

describe('RateLimiter in memory', () => {
  sharedBehaviour(() => new RateLimiter());

  describe('with a fake clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('opens a new window once the old one has passed', async () => {
      vi.useFakeTimers();
      const rl = new RateLimiter();
      await spend(rl, 'logIn', LOGIN_KEY, 6);

      vi.advanceTimersByTime(14 * 60 * 1000);
      const error = await spend(rl, 'logIn', LOGIN_KEY, 1);
      expect((error as RateLimitedError).retryAfterSeconds).toBe(60);

      vi.advanceTimersByTime(60 * 1000 + 1);
      expect(await spend(rl, 'logIn', LOGIN_KEY, 5)).toBeUndefined();
    });
  });

  it('uses an overridden budget for that name only (benchmarks raise `mutation`)', async () => {
    const rl = new RateLimiter({ limits: { mutation: { points: 1000, durationSeconds: 60 } } });
    expect(await spend(rl, 'mutation', 'device:1', 1000)).toBeUndefined();
    expect(await spend(rl, 'mutation', 'device:1', 1)).toBeInstanceOf(RateLimitedError);
    expect(await spend(rl, 'logIn', LOGIN_KEY, 5)).toBeUndefined();
    expect(await spend(rl, 'logIn', LOGIN_KEY, 1)).toBeInstanceOf(RateLimitedError);
  });
});

describe('RateLimiter over a failing store', () => {
  it('lets the store error through instead of reporting it as rate limited', async () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    // the shape RateLimiterRedis calls on an ioredis client, failing like Redis being down
    const failing = {
      defineCommand: () => {},
      rlflxIncr: () => Promise.reject(outage),
      del: () => Promise.reject(outage),
    } as unknown as Redis;
    const rl = new RateLimiter({ redis: failing });
    await expect(rl.consume('logIn', LOGIN_KEY)).rejects.toBe(outage);
    await expect(rl.reset('logIn', LOGIN_KEY)).rejects.toBe(outage);
  });
});

const redisUrl = process.env['TEST_REDIS_URL'];

// needs a Redis server: .ci/run starts one and sets TEST_REDIS_URL
describe.runIf(redisUrl)('RateLimiter in Redis', () => {
  let redis: Redis;
  // a fresh prefix per limiter keeps runs (and tests) from sharing counters
  const prefixes: string[] = [];
  beforeAll(() => {
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.quit();
  });

  sharedBehaviour(() => {
    const keyPrefix = `carebot-test:rl:${randomUUID()}`;
    prefixes.push(keyPrefix);
    return new RateLimiter({ redis, keyPrefix });
  });

  it('shares one budget between processes', async () => {
    const keyPrefix = `carebot-test:rl:${randomUUID()}`;
    prefixes.push(keyPrefix);
    const a = new RateLimiter({ redis, keyPrefix });
    const b = new RateLimiter({ redis, keyPrefix });
    expect(await spend(a, 'logIn', LOGIN_KEY, 3)).toBeUndefined();
    expect(await spend(b, 'logIn', LOGIN_KEY, 2)).toBeUndefined();
    await expect(a.consume('logIn', LOGIN_KEY)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(b.consume('logIn', LOGIN_KEY)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('lets an unreachable Redis through as an error, not as rate limited', async () => {
    // a port that was free a moment ago: nothing listens there
    const port = await new Promise<number>((resolve) => {
      const server = createNetServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const down = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // the failure is asserted below; without a listener ioredis reports it as unhandled
    down.on('error', () => {});
    const rl = new RateLimiter({ redis: down, keyPrefix: `carebot-test:rl:${randomUUID()}` });
    const error = await spend(rl, 'logIn', LOGIN_KEY, 1);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(RateLimitedError);
    down.disconnect();
  });
});
