import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Session } from '../src/modules/account/session.entity.js';
import { Membership } from '../src/modules/family/membership.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { LiveFanout } from '../src/realtime/fanout.js';
import {
  LogOutDocument,
  MarkAllNotificationsReadDocument,
  MarkNotificationsReadDocument,
  MarkMessagesReadDocument,
  RaiseNotificationDocument,
  RemoveMemberDocument,
  ReportHealthStatusDocument,
  SendMessageDocument,
  UpdateSettingsDocument,
} from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import {
  SERVER_START_TIMEOUT_MS,
  startTestServer,
  type TestServer,
} from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const NOTIFICATIONS =
  'subscription($familyId: ID, $minGrade: NotificationGrade, $after: ID) { notificationAdded(familyId: $familyId, minGrade: $minGrade, after: $after) { id grade kind message read family { id } } }';
/** Selects only fields built from the event: shared by every subscriber with the same variables. */
const SHARED =
  'subscription($familyId: ID, $minGrade: NotificationGrade) { notificationAdded(familyId: $familyId, minGrade: $minGrade) { id grade kind message createdAt } }';

type Received = {
  data?: { notificationAdded?: { id: string; kind: string; message: string; grade: string } };
};

function subscribe(
  headers: { authorization: string },
  query: string,
  variables: Record<string, unknown> = {},
) {
  const events = t.ws({ authorization: headers.authorization }).iterate({ query, variables });
  return events[Symbol.asyncIterator]();
}

/** Subscribes, and resolves once the server counts one more live subscription. */
async function live$(
  headers: { authorization: string },
  query: string,
  variables: Record<string, unknown> = {},
) {
  const before = await t.subscriptionsStarted();
  const iterator = subscribe(headers, query, variables);
  const first = iterator.next();
  await t.waitForSubscriptions(before + 1);
  return { iterator, first };
}

/** The `extensions.code` of the first error of a subscription's first result. */
async function firstErrorCode(iterator: AsyncIterator<unknown>): Promise<unknown> {
  const result = (await iterator.next()).value as { errors?: { extensions?: { code?: string } }[] };
  return result.errors?.[0]?.extensions?.code;
}

const measured = () => new Date(Date.now() - 1000).toISOString();

describe('authentication of sockets', () => {
  it('closes a socket without a valid credential with 4401', async () => {
    const events = t.ws().iterate({ query: 'subscription { notificationAdded { id } }' });
    await expect(events.next()).rejects.toMatchObject({ code: 4401 });
    const bad = t
      .ws({ authorization: `Bearer ${'x'.repeat(43)}` })
      .iterate({ query: 'subscription { notificationAdded { id } }' });
    await expect(bad.next()).rejects.toMatchObject({ code: 4401 });
  });

  it('answers NOT_FOUND for a family the viewer is not in', async () => {
    const f = await createFamily(t);
    const stranger = await createUser(t);
    const events = subscribe(stranger.headers, NOTIFICATIONS, { familyId: String(f.family.id) });
    expect(await firstErrorCode(events)).toBe('NOT_FOUND');
  });
});

describe('notificationAdded', () => {
  it('pushes a threshold breach to every active member of the family and no one else', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const watchers = [f.main, f.managers[0]!, f.caregivers[0]!];
    const subs = [];
    for (const w of watchers) subs.push(await live$(w.headers, NOTIFICATIONS));
    const outsider = await live$(other.caregivers[0]!.headers, NOTIFICATIONS);
    const pendingSub = await live$(f.pending[0]!.headers, NOTIFICATIONS);

    await t.request(
      ReportHealthStatusDocument,
      { input: { heartRate: 140, measuredAt: measured() } },
      f.device.headers,
    );
    for (const sub of subs) {
      const received = (await sub.first).value as Received;
      expect(received.data?.notificationAdded).toMatchObject({
        kind: 'HEALTH',
        grade: 'WARN',
        read: false,
      });
    }
    // the next event each outsider gets is their own family's, proving they never got the first
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'other family' } },
      other.device.headers,
    );
    expect(((await outsider.first).value as Received).data?.notificationAdded?.message).toBe(
      'other family',
    );
    // a pending member stands in no family: the subscription covers nothing
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'second' } },
      f.device.headers,
    );
    for (const sub of subs)
      expect(((await sub.iterator.next()).value as Received).data?.notificationAdded?.message).toBe(
        'second',
      );
    const race = await Promise.race([
      pendingSub.first.then(() => 'received'),
      new Promise((resolve) => setTimeout(() => resolve('nothing'), 200)),
    ]);
    expect(race).toBe('nothing');
    for (const sub of [...subs, outsider, pendingSub]) await sub.iterator.return?.();
  });

  it('filters by minGrade', async () => {
    const f = await createFamily(t);
    const sub = await live$(f.main.headers, NOTIFICATIONS, {
      familyId: String(f.family.id),
      minGrade: 'CRIT',
    });
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'minor' } },
      f.device.headers,
    );
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'help' } },
      f.device.headers,
    );
    expect(((await sub.first).value as Received).data?.notificationAdded?.message).toBe('help');
    await sub.iterator.return?.();
  });

  it('stops delivering to a member removed mid-stream', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const sub = await live$(f.caregivers[0]!.headers, NOTIFICATIONS, {
      familyId: String(f.family.id),
    });
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'before' } },
      f.device.headers,
    );
    expect(((await sub.first).value as Received).data?.notificationAdded?.message).toBe('before');
    await t.request(
      RemoveMemberDocument,
      { membershipId: String(f.caregivers[0]!.membership.id) },
      f.main.headers,
    );
    expect(
      await t.server.app.orm.em.fork().count(Membership, { id: f.caregivers[0]!.membership.id }),
    ).toBe(0);
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'after' } },
      f.device.headers,
    );
    expect((await sub.iterator.next()).done).toBe(true);
  });

  it.each([
    ['running per subscriber', NOTIFICATIONS],
    ['shared among subscribers', SHARED],
  ])('closes the socket of a revoked session with 4403 (%s)', async (_how, document) => {
    const f = await createFamily(t);
    const sub = await live$(f.main.headers, document);
    // through the API: a shared delivery checks from a cache that the log-out drops (a row
    // deleted behind the API's back is caught by the periodic socket check instead)
    await t.request(LogOutDocument, {}, f.main.headers);
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'after revoke' } },
      f.device.headers,
    );
    await expect(sub.first).rejects.toMatchObject({ code: 4403 });
  });

  const quietSocket =
    "keeps a quiet socket's session alive, and closes it soon after the session is revoked";
  it(quietSocket, { timeout: SERVER_START_TIMEOUT_MS }, async () => {
    const quick = await startTestServer({ WS_REAUTH_INTERVAL_MS: '100' });
    try {
      const f = await createFamily(quick);
      const em = quick.server.app.orm.em.fork();
      await em.nativeUpdate(
        Session,
        { user: f.main.user.id },
        { lastSeenAt: new Date(Date.now() - 20 * 60_000) },
      );
      const events = quick
        .ws({ authorization: f.main.headers.authorization })
        .iterate({ query: 'subscription { notificationAdded { id } }' });
      const next = events.next();
      await quick.waitForSubscriptions(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const touched = await quick.server.app.orm.em
        .fork()
        .findOneOrFail(Session, { user: f.main.user.id });
      expect(touched.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
      await quick.server.app.orm.em.fork().nativeDelete(Session, { user: f.main.user.id });
      await expect(next).rejects.toMatchObject({ code: 4403 });
    } finally {
      await quick.close();
    }
  });

  it('replays what a reconnecting client missed, in order, then goes live without gap or duplicate', async () => {
    const f = await createFamily(t);
    const first = await live$(f.main.headers, NOTIFICATIONS);
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'm1' } },
      f.device.headers,
    );
    const seen = ((await first.first).value as Received).data!.notificationAdded!;
    await first.iterator.return?.();
    // while the client is away
    for (const message of ['m2', 'm3', 'm4']) {
      await t.request(
        RaiseNotificationDocument,
        { input: { grade: 'INFO', kind: 'OTHER', message } },
        f.device.headers,
      );
    }
    const resumed = subscribe(f.main.headers, NOTIFICATIONS, { after: seen.id });
    const got: string[] = [];
    for (let i = 0; i < 3; i += 1)
      got.push(((await resumed.next()).value as Received).data!.notificationAdded!.message);
    expect(got).toEqual(['m2', 'm3', 'm4']);
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'm5' } },
      f.device.headers,
    );
    expect(((await resumed.next()).value as Received).data!.notificationAdded!.message).toBe('m5');
    await resumed.return?.();
  });

  it('loses and repeats nothing when events arrive while the replay runs', async () => {
    const f = await createFamily(t);
    const { raiseNotification: start } = await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'start' } },
      f.device.headers,
    );
    for (let i = 0; i < 20; i += 1) {
      await t.request(
        RaiseNotificationDocument,
        { input: { grade: 'INFO', kind: 'OTHER', message: `missed ${i}` } },
        f.device.headers,
      );
    }
    const resumed = subscribe(f.main.headers, NOTIFICATIONS, { after: start.id });
    const sending = (async () => {
      for (let i = 0; i < 20; i += 1) {
        await t.request(
          RaiseNotificationDocument,
          { input: { grade: 'INFO', kind: 'OTHER', message: `live ${i}` } },
          f.device.headers,
        );
      }
    })();
    const ids: number[] = [];
    const messages: string[] = [];
    while (messages.length < 40) {
      const event = ((await resumed.next()).value as Received).data!.notificationAdded!;
      ids.push(Number(event.id));
      messages.push(event.message);
    }
    await sending;
    expect(new Set(ids).size).toBe(40);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(messages.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `missed ${i}`));
    expect(messages.filter((m) => m.startsWith('live'))).toHaveLength(20);
    await resumed.return?.();
  });

  it('asks for a resync when the cursor is older than what is retained', async () => {
    const f = await createFamily(t);
    const raise = async (message: string) =>
      (
        await t.request(
          RaiseNotificationDocument,
          { input: { grade: 'INFO', kind: 'OTHER', message } },
          f.device.headers,
        )
      ).raiseNotification.id;
    const purged = await raise('purged soon');
    await raise('kept');
    // what the retention job does to old rows
    await t.server.app.orm.em.fork().nativeDelete(Notification, { id: { $lte: Number(purged) } });
    const events = subscribe(f.main.headers, NOTIFICATIONS, { after: purged });
    expect(await firstErrorCode(events)).toBe('RESYNC_REQUIRED');
  });
});

describe('notificationAdded shared among subscribers', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('goes to the main user, a manager and a caregiver (each under its own operation id) and to no one else', async () => {
    const hub = vi.spyOn(LiveFanout.prototype, 'subscribe');
    const f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const watchers = [f.main, f.managers[0]!, f.caregivers[0]!];
    const subs = [];
    for (const w of watchers) subs.push(await live$(w.headers, SHARED));
    const outsider = await live$(other.caregivers[0]!.headers, SHARED);
    const pendingSub = await live$(f.pending[0]!.headers, SHARED);
    // every one of them went through the hub (the pending member's covers no family)
    expect(hub).toHaveBeenCalledTimes(5);

    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'shared' } },
      f.device.headers,
    );
    for (const sub of subs) {
      const received = (await sub.first).value as Received;
      expect(received.data?.notificationAdded).toMatchObject({
        kind: 'EMERGENCY',
        grade: 'CRIT',
        message: 'shared',
      });
    }
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'other family' } },
      other.device.headers,
    );
    expect(((await outsider.first).value as Received).data?.notificationAdded?.message).toBe(
      'other family',
    );
    const race = await Promise.race([
      pendingSub.first.then(() => 'received'),
      new Promise((resolve) => setTimeout(() => resolve('nothing'), 200)),
    ]);
    expect(race).toBe('nothing');
    for (const sub of [...subs, outsider, pendingSub]) await sub.iterator.return?.();
  });

  it('keeps each subscriber to its own variables', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const all = await live$(f.main.headers, SHARED);
    const critical = await live$(f.caregivers[0]!.headers, SHARED, { minGrade: 'CRIT' });
    for (const [grade, message] of [
      ['INFO', 'minor'],
      ['CRIT', 'help'],
    ] as const) {
      await t.request(
        RaiseNotificationDocument,
        { input: { grade, kind: 'OTHER', message } },
        f.device.headers,
      );
    }
    expect(((await all.first).value as Received).data?.notificationAdded?.message).toBe('minor');
    expect(((await all.iterator.next()).value as Received).data?.notificationAdded?.message).toBe(
      'help',
    );
    expect(((await critical.first).value as Received).data?.notificationAdded?.message).toBe(
      'help',
    );
    await all.iterator.return?.();
    await critical.iterator.return?.();
  });

  it('ends for a member removed mid-stream while the others still receive', async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const [removed, staying] = f.caregivers as [(typeof f.caregivers)[0], (typeof f.caregivers)[0]];
    const gone = await live$(removed.headers, SHARED);
    const kept = await live$(staying.headers, SHARED);
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'before' } },
      f.device.headers,
    );
    expect(((await gone.first).value as Received).data?.notificationAdded?.message).toBe('before');
    expect(((await kept.first).value as Received).data?.notificationAdded?.message).toBe('before');
    await t.request(
      RemoveMemberDocument,
      { membershipId: String(removed.membership.id) },
      f.main.headers,
    );
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'EMERGENCY', message: 'after' } },
      f.device.headers,
    );
    expect((await gone.iterator.next()).done).toBe(true);
    expect(((await kept.iterator.next()).value as Received).data?.notificationAdded?.message).toBe(
      'after',
    );
    await kept.iterator.return?.();
  });

  it('gives each viewer its own read flag: a document selecting it runs per subscriber', async () => {
    const hub = vi.spyOn(LiveFanout.prototype, 'subscribe');
    const f = await createFamily(t, { caregivers: 1 });
    const { raiseNotification: start } = await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'start' } },
      f.device.headers,
    );
    const { raiseNotification: missed } = await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'WARN', kind: 'OTHER', message: 'missed' } },
      f.device.headers,
    );
    // the main user has read it, the caregiver has not
    await t.request(MarkNotificationsReadDocument, { ids: [missed.id] }, f.main.headers);
    const main = subscribe(f.main.headers, NOTIFICATIONS, { after: start.id });
    const caregiver = subscribe(f.caregivers[0]!.headers, NOTIFICATIONS, { after: start.id });
    expect(((await main.next()).value as Received).data?.notificationAdded).toMatchObject({
      message: 'missed',
      read: true,
    });
    expect(((await caregiver.next()).value as Received).data?.notificationAdded).toMatchObject({
      message: 'missed',
      read: false,
    });
    expect(hub).not.toHaveBeenCalled();
    await main.return?.();
    await caregiver.return?.();
  });
});

describe('messages, unread counts and settings', () => {
  it('delivers messageReceived to the recipient only', async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const [a, b] = [f.caregivers[0]!, f.caregivers[1]!];
    const query = 'subscription { messageReceived { content from { id } } }';
    const toMain = await live$(f.main.headers, query);
    const toB = await live$(b.headers, query);
    await t.request(
      SendMessageDocument,
      { input: { toUserId: String(f.main.user.id), content: 'hello grandma' } },
      a.headers,
    );
    await t.request(
      SendMessageDocument,
      { input: { toUserId: String(b.user.id), content: 'for b' } },
      a.headers,
    );
    expect((await toMain.first).value).toEqual({
      data: { messageReceived: { content: 'hello grandma', from: { id: String(a.user.id) } } },
    });
    expect((await toB.first).value).toEqual({
      data: { messageReceived: { content: 'for b', from: { id: String(a.user.id) } } },
    });
    await toMain.iterator.return?.();
    await toB.iterator.return?.();
  });

  it('pushes unread counts now and after every change', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const c = f.caregivers[0]!;
    const iterator = subscribe(
      c.headers,
      'subscription { unreadCountsChanged { messages notifications } }',
    );
    expect((await iterator.next()).value).toEqual({
      data: { unreadCountsChanged: { messages: 0, notifications: 0 } },
    });
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'WARN', kind: 'OTHER', message: 'n' } },
      f.device.headers,
    );
    expect((await iterator.next()).value).toEqual({
      data: { unreadCountsChanged: { messages: 0, notifications: 1 } },
    });
    await t.request(
      SendMessageDocument,
      { input: { toUserId: String(c.user.id), content: 'hi' } },
      f.main.headers,
    );
    const afterMessage = (await iterator.next()).value as {
      data: { unreadCountsChanged: { messages: number } };
    };
    expect(afterMessage.data.unreadCountsChanged.messages).toBe(1);
    await t.request(MarkAllNotificationsReadDocument, { familyId: String(f.family.id) }, c.headers);
    let latest = (await iterator.next()).value as {
      data: { unreadCountsChanged: { messages: number; notifications: number } };
    };
    while (latest.data.unreadCountsChanged.notifications !== 0)
      latest = (await iterator.next()).value as typeof latest;
    expect(latest.data.unreadCountsChanged).toEqual({ messages: 1, notifications: 0 });
    await iterator.return?.();
  });

  it('stops pushing counts for a family’s alerts once the viewer is removed from it', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const c = f.caregivers[0]!;
    type Counts = { data: { unreadCountsChanged: { messages: number; notifications: number } } };
    const { iterator, first } = await live$(
      c.headers,
      'subscription { unreadCountsChanged { messages notifications } }',
    );
    expect(((await first).value as Counts).data.unreadCountsChanged.messages).toBe(0);
    const { sendMessage } = await t.request(
      SendMessageDocument,
      { input: { toUserId: String(c.user.id), content: 'before you go' } },
      f.main.headers,
    );
    // a message pushes twice (received, and the count changed)
    for (let i = 0; i < 2; i += 1)
      expect(((await iterator.next()).value as Counts).data.unreadCountsChanged.messages).toBe(1);
    await t.request(
      RemoveMemberDocument,
      { membershipId: String(c.membership.id) },
      f.main.headers,
    );
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'FALL', message: 'after removal' } },
      f.device.headers,
    );
    // the next push is the viewer's own change, not the alert they no longer may know of
    await t.request(MarkMessagesReadDocument, { ids: [sendMessage.id] }, c.headers);
    expect((await iterator.next()).value).toEqual({
      data: { unreadCountsChanged: { messages: 0, notifications: 0 } },
    });
    await iterator.return?.();
  });

  it('tells the device when its settings change, and no one else may listen', async () => {
    const f = await createFamily(t);
    const sub = await live$(f.device.headers, 'subscription { settingsChanged { volume } }');
    await t.request(
      UpdateSettingsDocument,
      { familyId: String(f.family.id), input: { volume: 80 } },
      f.main.headers,
    );
    expect((await sub.first).value).toEqual({ data: { settingsChanged: { volume: 80 } } });
    await sub.iterator.return?.();
    const userTry = subscribe(f.main.headers, 'subscription { settingsChanged { volume } }');
    expect(await firstErrorCode(userTry)).toBe('FORBIDDEN');
  });
});
