import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendPingDocument } from './__generated__/graphql.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const redisUrl = process.env['TEST_REDIS_URL'];

// needs a Redis server: .ci/run starts one and sets TEST_REDIS_URL
describe.runIf(redisUrl)('pub/sub through Redis (multi-node)', () => {
  let a: TestServer;
  let b: TestServer;
  let redis: Redis;
  beforeAll(async () => {
    a = await startTestServer({ REDIS_URL: redisUrl! });
    b = await startTestServer({ REDIS_URL: redisUrl! });
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), redis?.quit()]);
  });

  it('delivers an event published on one instance to a subscriber on another', async () => {
    const message = `across-nodes-${Date.now()}`;
    const events = b.ws().iterate({ query: 'subscription { ping { message } }' });
    const next = (async () => {
      for (;;) {
        const result = await events.next();
        const data = (result.value as { data?: { ping: { message: string } } } | undefined)?.data;
        if (result.done || data?.ping.message === message) return data;
      }
    })();
    await b.waitForSubscriptions(1);
    // the Redis SUBSCRIBE is asynchronous: wait until Redis counts a subscriber on the channel
    for (let i = 0; i < 200; i += 1) {
      const [, count] = (await redis.pubsub('NUMSUB', 'PING')) as [string, number];
      if (count >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await a.request(SendPingDocument, { message });
    expect(await next).toEqual({ ping: { message } });
    await events.return?.();
  });
});
