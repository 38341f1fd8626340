import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Session } from '../src/modules/account/session.entity.js';
import { UserRole } from '../src/modules/account/user.entity.js';
import {
  LogOutDocument,
  RaiseNotificationDocument,
  RemoveMemberDocument,
  SuspendUserDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * Live delivery checks every subscriber of an event from a cache of sessions and standings. A
 * change made through the API must still stop delivery at the very next event: on the node that
 * made the change (dropped synchronously) and on another node (dropped through Redis before the
 * event arrives there). The periodic socket check and the cache's own bound (both the
 * re-authentication interval, 5 minutes by default) are far away, so only the invalidation can
 * pass these tests.
 */

/** Selects only fields built from the event: delivered by the shared fan-out. */
const SHARED = 'subscription { notificationAdded { id message } }';

type Next = { data?: { notificationAdded?: { message: string } } };

const redisUrl = process.env['TEST_REDIS_URL'];

async function raise(node: TestServer, f: TestFamily, message: string): Promise<void> {
  await node.request(
    RaiseNotificationDocument,
    { input: { grade: 'INFO', kind: 'OTHER', message } },
    f.device.headers,
  );
}

/**
 * Subscribes on `node` and raises events on `origin` until the first one arrives (a Redis
 * SUBSCRIBE completes asynchronously): the subscriber's session and standing are then cached.
 */
async function warmSubscriber(
  node: TestServer,
  origin: TestServer,
  f: TestFamily,
  headers: { authorization: string },
) {
  const before = await node.subscriptionsStarted();
  const iterator = node.ws({ authorization: headers.authorization }).iterate({ query: SHARED });
  const pending = iterator.next();
  await node.waitForSubscriptions(before + 1);
  let received: IteratorResult<unknown> | undefined;
  void pending.then((result) => (received = result));
  for (let attempt = 0; attempt < 100 && received === undefined; attempt += 1) {
    await raise(origin, f, `warm-up ${attempt}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const first = (await pending).value as Next;
  expect(first.data?.notificationAdded?.message).toMatch(/^warm-up/);
  return iterator;
}

/** The subscriber's next result that is not a warm-up event (they may still be on their way). */
async function nextReal(iterator: AsyncIterator<unknown>): Promise<IteratorResult<unknown>> {
  for (;;) {
    const result = await iterator.next();
    const message = (result.value as Next | undefined)?.data?.notificationAdded?.message;
    if (result.done === true || !message?.startsWith('warm-up')) return result;
  }
}

function scenarios(nodes: () => { origin: TestServer; listener: TestServer }) {
  it('a revoked session receives nothing more: the socket closes with 4403 at the next event', async () => {
    const { origin, listener } = nodes();
    const f = await createFamily(origin, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const sub = await warmSubscriber(listener, origin, f, caregiver.headers);
    await origin.request(LogOutDocument, {}, caregiver.headers);
    await raise(origin, f, 'after log-out');
    await expect(nextReal(sub)).rejects.toMatchObject({ code: 4403 });
  });

  it('a removed member receives nothing more: the subscription ends at the next event', async () => {
    const { origin, listener } = nodes();
    const f = await createFamily(origin, { caregivers: 2 });
    const [removed, staying] = f.caregivers as [(typeof f.caregivers)[0], (typeof f.caregivers)[0]];
    const gone = await warmSubscriber(listener, origin, f, removed.headers);
    const kept = await warmSubscriber(listener, origin, f, staying.headers);
    await origin.request(
      RemoveMemberDocument,
      { membershipId: String(removed.membership.id) },
      f.main.headers,
    );
    await raise(origin, f, 'after removal');
    expect(await nextReal(gone)).toMatchObject({ done: true });
    expect(((await nextReal(kept)).value as Next).data?.notificationAdded?.message).toBe(
      'after removal',
    );
    await kept.return?.();
  });

  it('a suspended account receives nothing more: the socket closes with 4403', async () => {
    const { origin, listener } = nodes();
    const admin = await createUser(origin, { role: UserRole.ADMIN });
    const f = await createFamily(origin, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const sub = await warmSubscriber(listener, origin, f, caregiver.headers);
    await origin.request(
      SuspendUserDocument,
      {
        input: {
          userId: String(caregiver.user.id),
          until: new Date(Date.now() + 3_600_000).toISOString(),
          reason: 'abuse',
        },
      },
      admin.headers,
    );
    await raise(origin, f, 'after suspension');
    await expect(nextReal(sub)).rejects.toMatchObject({ code: 4403 });
  });
}

describe('cached live authorisation, one node', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });
  scenarios(() => ({ origin: t, listener: t }));
});

// needs a Redis server: .ci/run starts one and sets TEST_REDIS_URL
describe.runIf(redisUrl)('cached live authorisation, change on another node', () => {
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
  scenarios(() => ({ origin: a, listener: b }));

  it('starts its cache over when the Redis subscriber reconnects: a session ended unannounced is read again', async () => {
    const f = await createFamily(a, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const sub = await warmSubscriber(b, a, f, caregiver.headers);
    // ended without an announcement (as if it were lost): only a fresh read can see it
    await a.server.app.orm.em.fork().nativeDelete(Session, { user: caregiver.user.id });
    const forgot = vi.spyOn(b.server.app.liveAuthorizer, 'forgetAll');
    const redis = new Redis(redisUrl!);
    try {
      const clients = (await redis.client('LIST')) as string;
      const name = `${b.config.redisKeyPrefix}:subscribe`;
      const ids = clients
        .split('\n')
        .filter((line) => line.includes(` name=${name} `))
        .map((line) => /(?:^| )id=(\d+)/.exec(line)![1]!);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) await redis.client('KILL', 'ID', id);
    } finally {
      redis.disconnect();
    }
    await expect.poll(() => forgot.mock.calls.length, { timeout: 10_000 }).toBeGreaterThan(0);
    // events published while the subscriber was away are lost: raise until one gets through
    const closed = nextReal(sub).then(
      () => 'delivered',
      (error: { code?: number }) => error.code,
    );
    let outcome: unknown;
    void closed.then((value) => (outcome = value));
    for (let attempt = 0; attempt < 100 && outcome === undefined; attempt += 1) {
      await raise(a, f, `after reconnect ${attempt}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await closed).toBe(4403);
  });
});
