import { describe, expect, it } from 'vitest';
import { acquireLease, releaseLease } from '../src/jobs/lease.js';
import { PeriodicJobs } from '../src/jobs/periodic.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import { checkInactivity } from '../src/modules/notification/notification.jobs.js';
import { notify } from '../src/modules/notification/notify.js';
import type { NotificationEvent } from '../src/realtime/pubsub.js';
import { ReportActivityDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { eventually } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const redisUrl = process.env['TEST_REDIS_URL'];
/** Two nodes share one Redis when a test Redis is available (BullMQ schedulers), else the lease. */
const env: Record<string, string> = redisUrl === undefined ? {} : { REDIS_URL: redisUrl };

/** Two API nodes on one database (and one Redis namespace when configured). */
async function twoNodes<T>(work: (a: TestServer, b: TestServer) => Promise<T>): Promise<T> {
  const a = await startTestServer(env);
  try {
    const b = await startTestServer(env, { shareDatabaseWith: a });
    try {
      return await work(a, b);
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
}

/** Records what `node` announces as notificationAdded. */
function announced(node: TestServer): NotificationEvent[] {
  const seen: NotificationEvent[] = [];
  const { events } = node.server.app;
  const publish = events.notificationAdded.bind(events);
  events.notificationAdded = (event) => {
    seen.push(event);
    publish(event);
  };
  return seen;
}

describe('the INACTIVITY alert on two nodes', () => {
  it('is raised and announced once per quiet period, however many nodes check at once', async () => {
    await twoNodes(async (a, b) => {
      const f = await createFamily(a);
      const quietSince = new Date(Date.now() - 13 * 3600_000);
      await a.request(
        ReportActivityDocument,
        { input: { action: 'SITTING', measuredAt: quietSince.toISOString() } },
        f.device.headers,
      );
      const seen = [...[a, b].map(announced)];
      const now = new Date();
      const check = (node: TestServer, at: Date) =>
        checkInactivity(node.server.app.orm, node.server.app.events, node.server.app.logger, at);
      const runs = await Promise.all([check(a, now), check(b, now), check(a, now), check(b, now)]);
      expect(runs.flat()).toEqual([f.family.id]);
      // a later check in the same quiet period: nothing new
      await Promise.all([check(a, new Date(now.getTime() + 3600_000)), check(b, now)]);
      const alerts = await a.server.app.orm.em
        .fork()
        .find(Notification, { family: f.family.id, kind: NotificationKind.INACTIVITY });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.dedupeKey).toBe(`inactivity:${quietSince.toISOString()}`);
      expect(seen.flat().map((event) => event.id)).toEqual([alerts[0]!.id]);
    });
  });

  it('is raised once when both nodes run the scheduled job', async () => {
    await twoNodes(async (a, b) => {
      const f = await createFamily(a);
      await a.request(
        ReportActivityDocument,
        {
          input: {
            action: 'SITTING',
            measuredAt: new Date(Date.now() - 13 * 3600_000).toISOString(),
          },
        },
        f.device.headers,
      );
      if (redisUrl === undefined) {
        // without Redis each node ticks; only the lease holder runs the job
        const ran = await Promise.all([
          a.server.periodic.tick('inactivity'),
          b.server.periodic.tick('inactivity'),
        ]);
        expect(ran.filter(Boolean)).toHaveLength(1);
        // the holder keeps it at its next tick, the other node still does not run
        const holder = ran[0] === true ? a : b;
        const other = holder === a ? b : a;
        expect(await other.server.periodic.tick('inactivity')).toBe(false);
        expect(await holder.server.periodic.tick('inactivity')).toBe(true);
      } else {
        // with Redis each node asks for a run; whichever workers take them, one alert results
        const runs = () =>
          a.server.periodic.runsOf('inactivity') + b.server.periodic.runsOf('inactivity');
        const before = runs();
        await Promise.all([
          a.server.periodic.runNow('inactivity'),
          b.server.periodic.runNow('inactivity'),
        ]);
        await eventually(async () => (runs() >= before + 2 ? true : undefined));
      }
      expect(
        await a.server.app.orm.em
          .fork()
          .count(Notification, { family: f.family.id, kind: NotificationKind.INACTIVITY }),
      ).toBe(1);
    });
  });
});

describe('a job lease', () => {
  it('is held by one node and taken over by another once it expired', async () => {
    const t = await startTestServer();
    try {
      const em = () => t.server.app.orm.em.fork();
      const t0 = Date.parse('2026-11-30T00:00:00.000Z');
      const at = (seconds: number) => new Date(t0 + seconds * 1000);
      const ttl = 60_000;
      expect(await acquireLease(em(), 'test', 'A', ttl, at(0))).toBe(true);
      expect(await acquireLease(em(), 'test', 'B', ttl, at(1))).toBe(false);
      // the holder renews (also within the same millisecond)
      expect(await acquireLease(em(), 'test', 'A', ttl, at(30))).toBe(true);
      expect(await acquireLease(em(), 'test', 'A', ttl, at(30))).toBe(true);
      expect(await acquireLease(em(), 'test', 'B', ttl, at(61))).toBe(false);
      // A stopped renewing (crashed): B takes over after expiry, and A lost it
      expect(await acquireLease(em(), 'test', 'B', ttl, at(91))).toBe(true);
      expect(await acquireLease(em(), 'test', 'A', ttl, at(92))).toBe(false);
      // a clean stop releases it at once
      await releaseLease(em(), 'test', 'B', at(93));
      expect(await acquireLease(em(), 'test', 'A', ttl, at(94))).toBe(true);
      // nodes racing for an expired lease: exactly one wins
      const racers = ['C', 'D', 'E', 'F'];
      const won = await Promise.all(
        racers.map((holder) => acquireLease(em(), 'test', holder, ttl, at(200))),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('lets a periodic job run on one of two schedulers, and on the other after the first stops', async () => {
    const t = await startTestServer();
    try {
      const { orm, logger } = t.server.app;
      let now = Date.parse('2026-11-30T00:00:00.000Z');
      const clock = () => new Date(now);
      const runs: string[] = [];
      const node = (holder: string) => {
        const jobs = new PeriodicJobs({ orm, logger, holder, clock });
        jobs.add({
          name: 'probe',
          intervalMs: 60_000,
          run: async () => {
            runs.push(holder);
          },
        });
        return jobs;
      };
      const [a, b] = [node('A'), node('B')];
      await Promise.all([a.start(), b.start()]);
      expect(await a.tick('probe')).toBe(true);
      expect(await b.tick('probe')).toBe(false);
      now += 60_000;
      expect(await Promise.all([b.tick('probe'), a.tick('probe')])).toEqual([false, true]);
      await a.stop();
      expect(await b.tick('probe')).toBe(true);
      await b.stop();
      expect(runs).toEqual(['A', 'A', 'B']);
    } finally {
      await t.close();
    }
  });
});

describe('notify', () => {
  it('announces a notification only once its transaction has committed, never after a rollback', async () => {
    const t = await startTestServer();
    try {
      const f = await createFamily(t);
      const { orm, events } = t.server.app;
      const seen = announced(t);
      const draft = {
        familyId: f.family.id,
        grade: NotificationGrade.INFO,
        kind: NotificationKind.OTHER,
        message: 'hello',
      };
      await expect(
        orm.em.fork().transactional(async (tx) => {
          await notify(tx, events, draft);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(seen).toEqual([]);
      const stored = await orm.em.fork().transactional(async (tx) => {
        const notification = await notify(tx, events, draft);
        // stored, not yet announced: the transaction is still open
        expect(seen).toEqual([]);
        return notification!;
      });
      expect(seen.map((event) => event.id)).toEqual([stored.id]);
    } finally {
      await t.close();
    }
  });
});
