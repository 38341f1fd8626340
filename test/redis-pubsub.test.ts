import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendPingDocument } from './__generated__/graphql.js';
import { UserRole } from '../src/modules/account/user.entity.js';
import { createUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const redisUrl = process.env['TEST_REDIS_URL'];

// needs a Redis server: .ci/run starts one and sets TEST_REDIS_URL
describe.runIf(redisUrl)('pub/sub through Redis (multi-node)', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer({ REDIS_URL: redisUrl! });
    b = await startTestServer({ REDIS_URL: redisUrl! });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('delivers an event published on one instance to a subscriber on another', async () => {
    const admin = await createUser(a, { role: UserRole.ADMIN });
    const message = `across-nodes-${Date.now()}`;
    const watcher = await createUser(b);
    const events = b
      .ws({ authorization: watcher.headers.authorization })
      .iterate({ query: 'subscription { ping { message } }' });
    const next = (async () => {
      for (;;) {
        const result = await events.next();
        const data = (result.value as { data?: { ping: { message: string } } } | undefined)?.data;
        if (result.done || data?.ping.message === message) return data;
      }
    })();
    await b.waitForSubscriptions(1);
    // Redis SUBSCRIBE completes asynchronously and its timing depends on load: publish until the
    // first event arrives (bounded), rather than guessing when the subscription is live
    let received = false;
    void next.then(() => (received = true));
    for (let attempt = 0; attempt < 100 && !received; attempt += 1) {
      await a.request(SendPingDocument, { message }, admin.headers);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await next).toEqual({ ping: { message } });
    await events.return?.();
  });
});
