import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMailer } from '../src/mail/mailer.js';
import { AlertTimer } from '../src/modules/notification/alert.entities.js';
import { RaiseNotificationDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { eventually } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const redisUrl = process.env['TEST_REDIS_URL'];
/** One Redis for both nodes when a test Redis is available (BullMQ schedulers), else the lease. */
const env: Record<string, string> = redisUrl === undefined ? {} : { REDIS_URL: redisUrl };

let now = Date.parse('2026-11-30T12:00:00.000Z');
const clock = () => new Date(now);

let survivor: TestServer;
beforeAll(async () => {
  survivor = await startTestServer(env, { clock });
});
afterAll(async () => {
  await survivor?.close();
});

const mailsTo = (nodes: TestServer[], email: string) =>
  nodes
    .flatMap((node) => (node.server.app.mailer as OutboxMailer).outbox)
    .filter((m) => m.to === email).length;

describe('alert timers across nodes', () => {
  it("fires a stopped node's pending escalation on the surviving node, on time and once", async () => {
    const doomed = await startTestServer(env, { clock, shareDatabaseWith: survivor });
    const f = await createFamily(survivor, { caregivers: 1 });
    const caregiver = f.caregivers[0]!.user.email;
    let stopped = false;
    try {
      await doomed.request(
        RaiseNotificationDocument,
        { input: { grade: 'CRIT', kind: 'FIRE', message: 'smoke in the kitchen' } },
        f.device.headers,
      );
      // the node that raised the alert takes step 2 and dies before finishing it
      const em = survivor.server.app.orm.em.fork();
      const step2 = await em.findOneOrFail(AlertTimer, { key: 'escalate:2' });
      await doomed.close();
      stopped = true;

      now += 119_000;
      expect(await survivor.server.app.services.alerts.fireDue()).toBe(0);
      now += 1_000;
      // the cluster's periodic run (BullMQ with Redis, the lease without) on the survivor
      await survivor.server.periodic.runNow('alert-timers');
      // the step, then (in a later pass of the same run) the e-mails it wrote
      await eventually(async () => {
        const timers = survivor.server.app.orm.em.fork();
        const step1 = await timers.findOneOrFail(AlertTimer, { key: 'escalate:1' });
        const due = await timers.count(AlertTimer, { firedAt: null, dueAt: { $lte: clock() } });
        return step1.firedAt !== null && due === 0 ? true : undefined;
      });
      expect(mailsTo([survivor], caregiver)).toBe(1);
      expect(mailsTo([survivor], f.main.user.email)).toBe(1);

      // step 2 is due at 10 minutes, but claimed by the dead node a moment before
      now += 8 * 60_000;
      await em.nativeUpdate(AlertTimer, { id: step2.id }, { claimedAt: clock() });
      await survivor.server.app.services.alerts.fireDue();
      await em.refresh(step2);
      expect(step2.firedAt).toBeNull();
      // its claim goes stale after a minute: the survivor fires it (this call or its periodic run)
      now += 60_001;
      await survivor.server.app.services.alerts.fireDue();
      await eventually(async () => {
        await em.refresh(step2);
        return step2.firedAt ?? undefined;
      });

      // nothing fires again, however often or wherever it is asked
      now += 60 * 60_000;
      await Promise.all([
        survivor.server.app.services.alerts.fireDue(),
        survivor.server.app.services.alerts.fireDue(),
      ]);
      expect(mailsTo([survivor], caregiver)).toBe(1);
    } finally {
      if (!stopped) await doomed.close();
    }
  });

  it('fires a due timer once when two live nodes race for it', async () => {
    const other = await startTestServer(env, { clock, shareDatabaseWith: survivor });
    try {
      const f = await createFamily(survivor, { caregivers: 2 });
      await survivor.request(
        RaiseNotificationDocument,
        { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'help' } },
        f.device.headers,
      );
      now += 2 * 60_000;
      await Promise.all(
        [survivor, other, survivor, other].map((node) => node.server.app.services.alerts.fireDue()),
      );
      for (const member of [f.main, ...f.caregivers])
        expect(mailsTo([survivor, other], member.user.email)).toBe(1);
    } finally {
      await other.close();
    }
  });
});
