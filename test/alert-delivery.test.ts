import { describe, expect, it } from 'vitest';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { useAlertServer } from './helpers/alert-server.js';

const fx = useAlertServer();
const { advance, gql, fire, outbox } = fx;

type Headers = { authorization: string };

async function raise(f: TestFamily, grade: string, kind: string, message = `${kind}!`) {
  const data = await gql<{ raiseNotification: { id: string } }>(
    f.device.headers,
    'mutation($input: RaiseNotificationInput!) { raiseNotification(input: $input) { id } }',
    { input: { grade, kind, message } },
  );
  return data.raiseNotification.id;
}

type Entry = {
  type: string;
  channel: string | null;
  note: string | null;
  recipient: { id: string } | null;
  recipientName: string | null;
};
async function alerts(f: TestFamily) {
  const data = await gql<{
    family: {
      notifications: {
        edges: {
          node: {
            id: string;
            kind: string;
            state: string | null;
            occurrences: number;
            deliverAt: string | null;
            timeline: Entry[];
          };
        }[];
      };
    };
  }>(
    f.main.headers,
    'query($id: ID!) { family(id: $id) { notifications(first: 50) { edges { node { id kind state occurrences deliverAt timeline { type channel note recipient { id } recipientName } } } } } }',
    { id: String(f.family.id) },
  );
  return data.family.notifications.edges.map((e) => e.node);
}

type Live = { data?: Record<string, { id: string; message?: string }> };
async function live(headers: Headers, query: string, variables: Record<string, unknown> = {}) {
  const before = await fx.t.subscriptionsStarted();
  const events = fx.t.ws({ authorization: headers.authorization }).iterate({ query, variables });
  const iterator = events[Symbol.asyncIterator]();
  const next = () => iterator.next().then((r) => r.value as Live);
  const first = next();
  await fx.t.waitForSubscriptions(before + 1);
  return { first, next, stop: () => iterator.return?.() };
}

describe('resuming after a grace-released alert', () => {
  // `read` makes the document per subscriber (not shared), like a resumed one
  const ADDED = 'subscription($after: ID) { notificationAdded(after: $after) { id message read } }';

  it('replays an alert released after the cursor, though its id is older', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!.headers;
    const fall = await raise(f, 'CRIT', 'FALL', 'fell');
    advance(5_000);
    const notice = await raise(f, 'INFO', 'ENVIRONMENT', 'dusty');
    expect(Number(notice)).toBeGreaterThan(Number(fall));
    // a connected subscriber hears of the notice, then of the fall when its window ends
    const connected = await live(caregiver, ADDED);
    const later = await raise(f, 'INFO', 'ENVIRONMENT', 'still dusty');
    expect((await connected.first).data?.['notificationAdded']?.id).toBe(later);
    advance(30_000);
    await fire();
    expect((await connected.next()).data?.['notificationAdded']?.id).toBe(fall);
    await connected.stop();

    // one that last saw the notice, raised before the fall was delivered, gets the fall replayed
    const resumed = await live(caregiver, ADDED, { after: notice });
    expect((await resumed.first).data?.['notificationAdded']?.id).toBe(later);
    expect((await resumed.next()).data?.['notificationAdded']?.id).toBe(fall);
    const next = await raise(f, 'INFO', 'ENVIRONMENT', 'next');
    expect((await resumed.next()).data?.['notificationAdded']?.id).toBe(next);
    await resumed.stop();

    // one that last saw the fall does not get what was delivered before it again
    const fromFall = await live(caregiver, ADDED, { after: fall });
    expect((await fromFall.first).data?.['notificationAdded']?.id).toBe(next);
    await fromFall.stop();
  });
});

async function report(f: TestFamily, kind: 'activity' | 'home', input: Record<string, unknown>) {
  const mutation =
    kind === 'activity'
      ? 'mutation($input: ActivityInput!) { reportActivity(input: $input) { id } }'
      : 'mutation($input: HomeStatusInput!) { reportHomeStatus(input: $input) { id } }';
  await gql(f.device.headers, mutation, { input });
}
const gas = (gasLevel: number) => ({ temperature: 22, humidity: 45, dustDensity: 10, gasLevel });
const visibleTo = async (f: TestFamily, headers: Headers) => {
  const data = await gql<{ family: { notifications: { edges: { node: { id: string } }[] } } }>(
    headers,
    'query($id: ID!) { family(id: $id) { notifications(first: 50) { edges { node { id } } } } }',
    { id: String(f.family.id) },
  );
  return data.family.notifications.edges.map((e) => e.node.id);
};

describe('alerts raised from readings', () => {
  it('gives a FALL reading its grace window, then delivers it', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    await report(f, 'activity', { action: 'FALL' });
    const fall = await fx.t.server.app.orm.em
      .fork()
      .findOneOrFail(Notification, { family: f.family.id });
    expect(fall).toMatchObject({ kind: 'FALL', state: 'OPEN', deviceOnly: true });
    expect(fall.deliverAt).toEqual(new Date(fx.now() + 30_000));
    // the family's members do not see it while the window runs
    expect(await visibleTo(f, f.caregivers[0]!.headers)).toEqual([]);
    advance(29_000);
    await fire();
    expect(await visibleTo(f, f.caregivers[0]!.headers)).toEqual([]);
    advance(1_000);
    await fire();
    expect(await visibleTo(f, f.caregivers[0]!.headers)).toEqual([String(fall.id)]);
    const [delivered] = await alerts(f);
    expect(delivered!.timeline.map((e) => [e.type, e.recipient?.id ?? null])).toEqual([
      ['RAISED', null],
      ['DELIVERED', String(f.main.user.id)],
      ['DELIVERED', String(f.caregivers[0]!.user.id)],
    ]);
  });

  it('folds the Carebot repeating a CRIT reading into one alert, and escalates it', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    const before = outbox().length;
    for (let i = 0; i < 3; i++) {
      await report(f, 'home', gas(5000));
      advance(10_000);
    }
    // a usual reading in between raises nothing
    await report(f, 'home', gas(100));
    const list = await alerts(f);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'FIRE', state: 'OPEN', occurrences: 3 });
    expect(list[0]!.timeline.map((e) => e.type)).toEqual([
      'RAISED',
      'DELIVERED',
      'DELIVERED',
      'REPEATED',
      'REPEATED',
    ]);
    advance(2 * 60_000);
    await fire();
    const [escalated] = await alerts(f);
    expect(escalated!.timeline.filter((e) => e.type === 'ESCALATED')).toHaveLength(1);
    const family = [f.main.user.email, f.caregivers[0]!.user.email];
    expect(
      outbox()
        .slice(before)
        .filter((m) => family.includes(m.to)),
    ).toHaveLength(2);
  });
});

describe('set-based delivery', () => {
  it('delivers an alert in as many statements to 30 members as to 3', async () => {
    const counts: number[] = [];
    for (const caregivers of [2, 29]) {
      const f = await createFamily(fx.t, { caregivers });
      // the device's first request caches its token
      await raise(f, 'INFO', 'ENVIRONMENT');
      const { statements } = await fx.t.countQueries(() => raise(f, 'CRIT', 'EMERGENCY'));
      counts.push(statements.length);
      const [alert] = await alerts(f);
      expect(alert!.timeline.filter((e) => e.type === 'DELIVERED')).toHaveLength(caregivers + 1);
      expect(alert!.timeline[1]!.recipient?.id).toBe(String(f.main.user.id));
    }
    expect(counts[0]).toBe(counts[1]);
  });
});

describe('e-mails outside the step transaction', () => {
  it('sends nothing for a step that rolled back, and each e-mail once after it commits', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    const family = [f.main.user.email, f.caregivers[0]!.user.email];
    const mailed = () => outbox().filter((m) => family.includes(m.to)).length;
    await raise(f, 'CRIT', 'EMERGENCY');
    const alerts = fx.t.server.app.services.alerts as unknown as {
      mailAndHook: (...args: unknown[]) => Promise<void>;
    };
    const original = alerts.mailAndHook;
    // the step writes its e-mails, then fails before committing
    alerts.mailAndHook = async function (this: unknown, ...args: unknown[]) {
      await original.apply(this, args);
      throw new Error('the step failed after writing its e-mails');
    };
    try {
      advance(2 * 60_000);
      await fire();
    } finally {
      alerts.mailAndHook = original;
    }
    expect(mailed()).toBe(0);
    // the step is retried (1 s later) and commits: each member gets one e-mail
    advance(1_000);
    await fire();
    expect(mailed()).toBe(2);
    advance(60 * 60_000);
    await fire();
    expect(mailed()).toBe(2);
  });
});
