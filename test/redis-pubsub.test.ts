import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRole } from '../src/modules/account/user.entity.js';
import { RaiseNotificationDocument, SendPingDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const redisUrl = process.env['TEST_REDIS_URL'];

// needs a Redis server: .ci/run starts one and sets TEST_REDIS_URL
describe.runIf(redisUrl)('two API nodes sharing one database and one Redis', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer({ REDIS_URL: redisUrl! });
    b = await startTestServer({ REDIS_URL: redisUrl! }, { shareDatabaseWith: a });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Publishes on `a` until the subscriber on `b` has its first event: Redis SUBSCRIBE completes asynchronously. */
  async function untilDelivered<T>(first: Promise<T>, publish: () => Promise<unknown>): Promise<T> {
    let received = false;
    void first.then(() => (received = true));
    for (let attempt = 0; attempt < 100 && !received; attempt += 1) {
      await publish();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return first;
  }

  it('delivers a ping published on one node to a subscriber on the other', async () => {
    const admin = await createUser(a, { role: UserRole.ADMIN });
    const message = `across-nodes-${Date.now()}`;
    const events = b
      .ws({ authorization: admin.headers.authorization })
      .iterate({ query: 'subscription { ping { message } }' });
    const next = (async () => {
      for (;;) {
        const result = await events.next();
        const data = (result.value as { data?: { ping: { message: string } } } | undefined)?.data;
        if (result.done || data?.ping.message === message) return data;
      }
    })();
    await b.waitForSubscriptions(1);
    expect(
      await untilDelivered(next, () => a.request(SendPingDocument, { message }, admin.headers)),
    ).toEqual({ ping: { message } });
    await events.return?.();
  });

  it("delivers a device's alert raised on one node to a caregiver connected to the other", async () => {
    const f = await createFamily(a, { caregivers: 1 });
    const events = b
      .ws({ authorization: f.caregivers[0]!.headers.authorization })
      .iterate({ query: 'subscription { notificationAdded { kind message family { id } } }' });
    const first = events.next();
    await b.waitForSubscriptions(1);
    const result = await untilDelivered(first, () =>
      a.request(
        RaiseNotificationDocument,
        { input: { grade: 'CRIT', kind: 'FALL', message: 'fell in the kitchen' } },
        f.device.headers,
      ),
    );
    expect(result.value).toEqual({
      data: {
        notificationAdded: {
          kind: 'FALL',
          message: 'fell in the kitchen',
          family: { id: String(f.family.id) },
        },
      },
    });
    await events.return?.();
  });
});
