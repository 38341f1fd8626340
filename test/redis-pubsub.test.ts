import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRole } from '../src/modules/account/user.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { Topic } from '../src/realtime/pubsub.js';
import {
  RaiseNotificationDocument,
  ReportHealthStatusDocument,
  RevokeDeviceDocument,
  SendPingDocument,
  UpdateSettingsDocument,
} from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
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
    // raised once, when b listens: a repeat of the same alert would fold into the first one
    await listening(`${Topic.NotificationAdded}:${f.family.id}`, 1);
    await a.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'fell in the kitchen' } },
      f.device.headers,
    );
    const result = await first;
    expect(result.value).toEqual({
      data: {
        notificationAdded: {
          kind: 'EMERGENCY',
          message: 'fell in the kitchen',
          family: { id: String(f.family.id) },
        },
      },
    });
    await events.return?.();
  });

  /** Resolves once both nodes' relays listen on the family-state channel (SUBSCRIBE is asynchronous). */
  function bothRelaysListening(): Promise<void> {
    return listening(`${Topic.FamilyStateChanged}`, 2);
  }

  /** Resolves once `count` subscribers listen on the topic's Redis channel. */
  async function listening(topic: string, count: number): Promise<void> {
    const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
    const channel = `${a.config.redisKeyPrefix}:${topic}`;
    try {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const [, listeners] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
        if (Number(listeners) >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`the relays never subscribed to ${channel}`);
    } finally {
      redis.disconnect();
    }
  }

  /** Resolves when node `b` hears of a change to the family's devices or settings. */
  function heardOnB(familyId: number, what: 'devices' | 'settings'): Promise<void> {
    return new Promise((resolve) => {
      const off = b.server.app.events.onFamilyStateChanged((event) => {
        if (event.familyId === familyId && event.what === what) {
          off();
          resolve();
        }
      });
    });
  }

  it("applies a revocation and a settings change made on one node to the other's caches", async () => {
    await bothRelaysListening();
    const f = await createFamily(a);
    const report = (heartRate: number) =>
      b.request(ReportHealthStatusDocument, { input: { heartRate } }, f.device.headers);
    const alerts = () => a.server.app.orm.em.fork().count(Notification, { family: f.family.id });
    // b caches the device and the thresholds (heart rate above 120 warns)
    await report(130);
    expect(await alerts()).toBe(1);
    const settingsHeard = heardOnB(f.family.id, 'settings');
    await a.request(
      UpdateSettingsDocument,
      { familyId: String(f.family.id), input: { thresholds: { heartRateMax: 140 } } },
      f.main.headers,
    );
    await settingsHeard;
    await report(130);
    expect(await alerts()).toBe(1);
    const revocationHeard = heardOnB(f.family.id, 'devices');
    await a.request(RevokeDeviceDocument, { id: String(f.device.device.id) }, f.main.headers);
    await revocationHeard;
    expect(
      codeOf(
        await b.requestErrors(
          ReportHealthStatusDocument,
          { input: { heartRate: 70 } },
          f.device.headers,
        ),
      ),
    ).toBe('UNAUTHENTICATED');
  });
});
