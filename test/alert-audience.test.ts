import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OutboxMailer } from '../src/mail/mailer.js';
import { Device } from '../src/modules/device/device.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { AlertTimer } from '../src/modules/notification/alert.entities.js';
import { AlertState } from '../src/modules/notification/alert.enums.js';
import { startDelivery } from '../src/modules/notification/alert.lifecycle.js';
import { quietHoursEndAfter } from '../src/modules/notification/delivery-preference.js';
import { releaseHeld } from '../src/modules/notification/delivery-preference.release.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import { checkDeviceHealth } from '../src/modules/routine/routine.device-health.js';
import { CareSettings } from '../src/modules/routine/routine.entities.js';
import { createFamily, type TestFamily } from './factories/families.js';
import {
  type Caller,
  callersOf,
  type MatrixRow,
  type Outcome,
  roleMatrix,
} from './helpers/role-matrix.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
// 2026-11-30 23:00 in Seoul (UTC+9)
let now = Date.parse('2026-11-30T14:00:00.000Z');
const clock = () => new Date(now);
const MINUTE = 60_000;

beforeAll(async () => {
  t = await startTestServer({}, { clock });
  // the test fires alert timers itself (`fireDue`), with the clock where it wants it
  await t.server.periodic.stop();
});
afterAll(async () => {
  await t?.close();
});

type Headers = Record<string, string>;
const gql = <T>(headers: Headers, query: string, variables: Record<string, unknown> = {}) =>
  t.http(headers).request<T>(query, variables);
/** The error code (and field) a failing operation answers with. */
async function failure(headers: Headers, query: string, variables: Record<string, unknown> = {}) {
  try {
    await gql(headers, query, variables);
  } catch (error) {
    const first = (error as { response?: { errors?: { extensions?: Record<string, unknown> }[] } })
      .response?.errors?.[0]?.extensions;
    if (first !== undefined)
      return {
        code: first['code'],
        fields: Object.keys((first['fields'] as Record<string, string> | undefined) ?? {}),
      };
    throw error;
  }
  throw new Error('expected an error');
}

async function raise(f: TestFamily, grade: string, kind: string, message = `${kind}!`) {
  const data = await gql<{ raiseNotification: { id: string } }>(
    f.device.headers,
    'mutation($input: RaiseNotificationInput!) { raiseNotification(input: $input) { id } }',
    { input: { grade, kind, message } },
  );
  return data.raiseNotification.id;
}

const fire = () => t.server.app.services.alerts.fireDue();
const outbox = () => (t.server.app.mailer as OutboxMailer).outbox;

type Live = { data?: Record<string, { id: string; grade?: string }> };
async function live(headers: Headers, query: string, variables: Record<string, unknown> = {}) {
  const before = await t.subscriptionsStarted();
  const events = t.ws({ authorization: headers['authorization'] }).iterate({ query, variables });
  const iterator = events[Symbol.asyncIterator]();
  let pending = iterator.next();
  await t.waitForSubscriptions(before + 1);
  return {
    /** The id of the next notification pushed. */
    next: async () => {
      const result = (await pending).value as Live;
      pending = iterator.next();
      return result.data?.['notificationAdded']?.id;
    },
    stop: () => iterator.return?.(),
  };
}
// shared execution (leaf fields only) and per subscriber (`read`) both honour the audience
const SHARED = 'subscription { notificationAdded { id grade } }';
const RESUMED = 'subscription($after: ID) { notificationAdded(after: $after) { id read } }';

const LIST =
  'query($id: ID!) { family(id: $id) { unreadNotificationCount notifications(first: 50) { totalCount edges { node { id } } } } }';
async function listOf(f: TestFamily, headers: Headers) {
  const data = await gql<{
    family: {
      unreadNotificationCount: number;
      notifications: { totalCount: number; edges: { node: { id: string } }[] };
    };
  }>(headers, LIST, { id: String(f.family.id) });
  return {
    ids: data.family.notifications.edges.map((e) => e.node.id),
    total: data.family.notifications.totalCount,
    unread: data.family.unreadNotificationCount,
  };
}
const unreadAll = async (headers: Headers) =>
  (await gql<{ unreadNotificationCount: number }>(headers, '{ unreadNotificationCount }'))
    .unreadNotificationCount;

type Entry = { type: string; channel: string | null; recipient: { id: string } | null };
async function liveRecipients(f: TestFamily, id: string): Promise<string[]> {
  const data = await gql<{
    family: { notifications: { edges: { node: { id: string; timeline: Entry[] } }[] } };
  }>(
    f.main.headers,
    'query($id: ID!) { family(id: $id) { notifications(first: 50) { edges { node { id timeline { type channel recipient { id } } } } } } }',
    { id: String(f.family.id) },
  );
  const node = data.family.notifications.edges.find((e) => e.node.id === id)!.node;
  return node.timeline
    .filter((e) => e.type === 'DELIVERED' && e.channel === 'LIVE')
    .map((e) => e.recipient!.id)
    .sort();
}

const UPDATE =
  'mutation($familyId: ID!, $input: DeliveryPreferenceInput!) { updateDeliveryPreference(familyId: $familyId, input: $input) { liveMinGrade emailMinGrade quietHoursStart quietHoursEnd } }';
const READ =
  'query($id: ID!) { family(id: $id) { deliveryPreference { liveMinGrade emailMinGrade quietHoursStart quietHoursEnd } } }';
const prefer = (f: TestFamily, headers: Headers, input: Record<string, unknown>) =>
  gql(headers, UPDATE, { familyId: String(f.family.id), input });

describe('audience: the Carebot offline is for the managers', () => {
  it('reaches the main user and managers, never a caregiver', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1 });
    const caregiver = f.caregivers[0]!.headers;
    const before = await raise(f, 'INFO', 'ENVIRONMENT', 'before');
    const mainLive = await live(f.main.headers, SHARED);
    const managerLive = await live(f.managers[0]!.headers, SHARED);
    const caregiverLive = await live(caregiver, SHARED);
    const caregiverOwn = await live(caregiver, RESUMED);

    const em = t.server.app.orm.em.fork();
    await em.nativeUpdate(Device, { id: f.device.device.id }, { lastSeenAt: new Date(now) });
    now += 16 * MINUTE;
    const { orm, events, logger } = t.server.app;
    await checkDeviceHealth(orm, events, logger, new Date(now));
    const offline = await em.findOneOrFail(Notification, {
      family: f.family.id,
      kind: NotificationKind.SYSTEM,
    });
    const id = String(offline.id);
    expect(offline).toMatchObject({ grade: 'WARN', audience: 'MANAGERS' });
    const after = await raise(f, 'INFO', 'ENVIRONMENT', 'after');

    // live: the managers hear of it, the caregiver only of the next notice
    expect(await mainLive.next()).toBe(id);
    expect(await managerLive.next()).toBe(id);
    expect(await caregiverLive.next()).toBe(after);
    expect(await caregiverOwn.next()).toBe(after);
    expect(await mainLive.next()).toBe(after);

    // lists, counts (the dashboard's statement) and the unread count across families
    for (const headers of [f.main.headers, f.managers[0]!.headers]) {
      expect(await listOf(f, headers)).toEqual({ ids: [after, id, before], total: 3, unread: 3 });
      expect(await unreadAll(headers)).toBe(3);
    }
    expect(await listOf(f, caregiver)).toEqual({ ids: [after, before], total: 2, unread: 2 });
    expect(await unreadAll(caregiver)).toBe(2);
    // the generic (backwards) page too
    const last = await gql<{ family: { notifications: { edges: { node: { id: string } }[] } } }>(
      caregiver,
      'query($id: ID!) { family(id: $id) { notifications(last: 10) { edges { node { id } } } } }',
      { id: String(f.family.id) },
    );
    expect(last.family.notifications.edges.map((e) => e.node.id)).not.toContain(id);

    // lookups and actions: as if it did not exist
    expect(
      await failure(caregiver, 'mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }', {
        id,
      }),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await failure(
        caregiver,
        'mutation($id: ID!) { resolveNotification(id: $id, outcome: HANDLED) { id } }',
        { id },
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const marked = await gql<{ markNotificationsRead: number }>(
      caregiver,
      'mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }',
      { ids: [id] },
    );
    expect(marked.markNotificationsRead).toBe(0);
    const all = await gql<{ markAllNotificationsRead: number }>(
      caregiver,
      'mutation($id: ID!) { markAllNotificationsRead(familyId: $id) }',
      { id: String(f.family.id) },
    );
    expect(all.markAllNotificationsRead).toBe(2);

    // resuming: replayed to the main user, not to the caregiver
    const mainResumed = await live(f.main.headers, RESUMED, { after: before });
    expect(await mainResumed.next()).toBe(id);
    expect(await mainResumed.next()).toBe(after);
    const caregiverResumed = await live(caregiver, RESUMED, { after: before });
    expect(await caregiverResumed.next()).toBe(after);

    // the timeline's LIVE deliveries: main user and manager only
    expect(await liveRecipients(f, id)).toEqual(
      [String(f.main.user.id), String(f.managers[0]!.user.id)].sort(),
    );
    // alert statistics: the managers count it, the caregiver does not
    const stats = async (headers: Headers) =>
      (
        await gql<{ family: { alertStats: { total: number } } }>(
          headers,
          'query($id: ID!, $from: DateTime!, $to: DateTime!) { family(id: $id) { alertStats(from: $from, to: $to) { total } } }',
          {
            id: String(f.family.id),
            from: new Date(now - 60 * MINUTE).toISOString(),
            to: new Date(now + 60 * MINUTE).toISOString(),
          },
        )
      ).family.alertStats.total;
    expect(await stats(f.main.headers)).toBe(1);
    expect(await stats(caregiver)).toBe(0);

    // updates: the caregiver hears of a family alert's change, not of the managers' one
    const updates = async (headers: Headers) => {
      const before = await t.subscriptionsStarted();
      const stream = t
        .ws({ authorization: headers['authorization'] })
        .iterate({ query: 'subscription { notificationUpdated { id } }' });
      const iterator = stream[Symbol.asyncIterator]();
      const first = iterator.next();
      await t.waitForSubscriptions(before + 1);
      return {
        first: async () =>
          ((await first).value as { data: { notificationUpdated: { id: string } } }).data
            .notificationUpdated.id,
        stop: () => iterator.return?.(),
      };
    };
    const caregiverUpdates = await updates(caregiver);
    const managerUpdates = await updates(f.managers[0]!.headers);
    // a manager acts on it
    await gql(
      f.managers[0]!.headers,
      'mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }',
      {
        id,
      },
    );
    expect(await managerUpdates.first()).toBe(id);
    const family = await raise(f, 'WARN', 'HEALTH', 'pulse');
    await gql(f.main.headers, 'mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }', {
      id: family,
    });
    expect(await caregiverUpdates.first()).toBe(family);
    await caregiverUpdates.stop();
    await managerUpdates.stop();
    for (const stream of [
      mainLive,
      managerLive,
      caregiverLive,
      caregiverOwn,
      mainResumed,
      caregiverResumed,
    ])
      await stream.stop();
  });
});

describe('delivery preferences', () => {
  it('quiet hours hold back WARN but not CRIT', async () => {
    now = Date.parse('2026-12-01T14:00:00.000Z'); // 23:00 in Seoul
    const f = await createFamily(t, { caregivers: 2 });
    const [quiet, awake] = [f.caregivers[0]!, f.caregivers[1]!];
    expect(
      await prefer(f, quiet.headers, { quietHoursStart: '22:00', quietHoursEnd: '07:00' }),
    ).toEqual({
      updateDeliveryPreference: {
        liveMinGrade: 'NONE',
        emailMinGrade: 'CRIT',
        quietHoursStart: '22:00',
        quietHoursEnd: '07:00',
      },
    });
    const quietLive = await live(quiet.headers, SHARED);
    const quietOwn = await live(quiet.headers, RESUMED);
    const awakeLive = await live(awake.headers, SHARED);

    const warn = await raise(f, 'WARN', 'HEALTH', 'pulse high');
    const crit = await raise(f, 'CRIT', 'FIRE', 'smoke');
    expect(await awakeLive.next()).toBe(warn);
    expect(await awakeLive.next()).toBe(crit);
    // the CRIT goes through at once; the WARN does not
    expect(await quietLive.next()).toBe(crit);
    expect(await quietOwn.next()).toBe(crit);
    const members = (ids: number[]) => ids.map(String).sort();
    expect(await liveRecipients(f, warn)).toEqual(members([f.main.user.id, awake.user.id]));
    expect(await liveRecipients(f, crit)).toEqual(
      members([f.main.user.id, quiet.user.id, awake.user.id]),
    );
    // the list is the family's whatever the preference
    expect((await listOf(f, quiet.headers)).ids).toEqual([crit, warn]);
    // a replay during quiet hours leaves the held WARN for its release
    const resumedQuiet = await live(quiet.headers, RESUMED, { after: String(Number(warn) - 1) });
    expect(await resumedQuiet.next()).toBe(crit);
    await resumedQuiet.stop();

    // 07:00 in Seoul: the release reaches the quiet member (and only them)
    now = Date.parse('2026-12-01T22:00:00.000Z');
    await fire();
    expect(await quietLive.next()).toBe(warn);
    expect(await quietOwn.next()).toBe(warn);
    expect(await liveRecipients(f, warn)).toEqual(
      members([f.main.user.id, awake.user.id, quiet.user.id]),
    );
    const notice = await raise(f, 'INFO', 'ENVIRONMENT', 'morning');
    expect(await awakeLive.next()).toBe(notice);
    expect(await quietLive.next()).toBe(notice);
    // firing again releases nothing twice
    await fire();
    expect(await liveRecipients(f, warn)).toHaveLength(3);
    for (const stream of [quietLive, quietOwn, awakeLive]) await stream.stop();
  });

  it('liveMinGrade WARN drops INFO pushes, not the list', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!.headers;
    await prefer(f, caregiver, { liveMinGrade: 'WARN' });
    const stream = await live(caregiver, SHARED);
    const info = await raise(f, 'INFO', 'ENVIRONMENT', 'dusty');
    const warn = await raise(f, 'WARN', 'HEALTH', 'pulse');
    expect(await stream.next()).toBe(warn);
    expect((await listOf(f, caregiver)).ids).toEqual([warn, info]);
    await stream.stop();
  });

  it('emailMinGrade WARN sends one e-mail per WARN', async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const [opted, other] = [f.caregivers[0]!, f.caregivers[1]!];
    await prefer(f, opted.headers, { emailMinGrade: 'WARN' });
    const sent = () =>
      outbox().filter((mail) => mail.to === opted.user.email || mail.to === other.user.email);
    await raise(f, 'WARN', 'HEALTH', 'pulse high');
    await raise(f, 'WARN', 'ENVIRONMENT', 'gas');
    await raise(f, 'INFO', 'ENVIRONMENT', 'dusty');
    await fire();
    expect(sent().map((mail) => [mail.to, mail.subject])).toEqual([
      [opted.user.email, '[Carebot] WARN HEALTH'],
      [opted.user.email, '[Carebot] WARN ENVIRONMENT'],
    ]);
    await fire();
    expect(sent()).toHaveLength(2);
  });

  it('holds a batch of WARN alerts from many families in as many statements as from one', async () => {
    now = Date.parse('2026-12-02T14:00:00.000Z'); // 23:00 in Seoul
    const at = new Date(now);
    /** Families whose caregivers are in quiet hours (one wanting WARN e-mails) or want e-mails. */
    const families = async (count: number) => {
      const made: TestFamily[] = [];
      for (let i = 0; i < count; i += 1) {
        const f = await createFamily(t, { caregivers: 3 });
        const [sleeper, mailed, awake] = f.caregivers;
        const quiet = { quietHoursStart: '22:00', quietHoursEnd: '07:00' };
        await prefer(f, sleeper!.headers, quiet);
        await prefer(f, mailed!.headers, { ...quiet, emailMinGrade: 'WARN' });
        await prefer(f, awake!.headers, { emailMinGrade: 'WARN' });
        made.push(f);
      }
      return made;
    };
    /** Starts delivery of one WARN per family (a batch, as a broadcast does); its statements. */
    const deliver = async (batch: TestFamily[]) => {
      // statements are counted by request: this em's carry an id like an operation's
      const em = t.server.app.orm.em.fork({ loggerContext: { requestId: 'batch' } });
      const alerts = batch.map((f) =>
        em.create(Notification, {
          family: f.family.id,
          grade: NotificationGrade.WARN,
          kind: NotificationKind.HEALTH,
          message: 'pulse high',
          createdAt: at,
          state: AlertState.OPEN,
        }),
      );
      await em.flush();
      const { statements } = await t.countQueries(() => startDelivery(em, alerts, at));
      return { alerts, statements };
    };
    const one = await deliver(await families(1));
    const batch = await families(4);
    const many = await deliver(batch);
    expect(many.statements.length, many.statements.join('\n')).toBe(one.statements.length);
    // preferences, rosters, timers, deliveries and the e-mail entries: one statement each at most
    expect(many.statements.filter((sql) => /alert_timer/.test(sql))).toHaveLength(1);
    expect(one.statements.length, one.statements.join('\n')).toBeLessThanOrEqual(7);
    const timers = await t.server.app.orm.em
      .fork()
      .find(AlertTimer, { notification: many.alerts.map((alert) => alert.id) });
    expect(timers.map((timer) => timer.kind).sort()).toEqual(
      [...batch.flatMap(() => ['EMAIL', 'RELEASE', 'RELEASE'])].sort(),
    );
    for (const [index, f] of batch.entries()) {
      const [sleeper, mailed, awake] = f.caregivers;
      const id = String(many.alerts[index]!.id);
      expect(await liveRecipients(f, id)).toEqual(
        [f.main.user.id, awake!.user.id].map(String).sort(),
      );
      const mine = timers.filter((timer) => timer.notification.id === Number(id));
      expect(mine.map((timer) => [timer.key, timer.dueAt.toISOString()]).sort()).toEqual(
        [
          [`email:preferred:${awake!.user.id}`, at.toISOString()],
          // 07:00 in Seoul
          [`release:${mailed!.user.id}`, '2026-12-02T22:00:00.000Z'],
          [`release:${sleeper!.user.id}`, '2026-12-02T22:00:00.000Z'],
        ].sort(),
      );
    }
  });

  it('quiet hours end at the wall-clock time across a daylight-saving change', async () => {
    const berlin = 'Europe/Berlin';
    const pref = {
      userId: 1,
      liveMinGrade: NotificationGrade.NONE,
      emailMinGrade: NotificationGrade.CRIT,
      quietStart: 22 * 60,
      quietEnd: 7 * 60,
    };
    const endAfter = (iso: string) => quietHoursEndAfter(pref, berlin, new Date(iso)).toISOString();
    // Saturday 23:00 CET; the clocks go forward that night: 07:00 CEST is 05:00Z, not 06:00Z
    expect(endAfter('2027-03-27T22:00:00.000Z')).toBe('2027-03-28T05:00:00.000Z');
    // Saturday 23:00 CEST; the clocks go back that night: 07:00 CET is 06:00Z, not 05:00Z
    expect(endAfter('2026-10-24T21:00:00.000Z')).toBe('2026-10-25T06:00:00.000Z');
    // after the change, within the same night: the same end
    expect(endAfter('2027-03-28T02:00:00.000Z')).toBe('2027-03-28T05:00:00.000Z');
    // an end the clocks skip (02:30 that Sunday) is when they reach it, 03:30 CEST
    expect(
      quietHoursEndAfter(
        { ...pref, quietEnd: 2 * 60 + 30 },
        berlin,
        new Date('2027-03-27T22:00:00.000Z'),
      ).toISOString(),
    ).toBe('2027-03-28T01:30:00.000Z');

    // end to end: a family in Berlin, its caregiver's held WARN released at 07:00 CEST
    const before = now;
    now = Date.parse('2027-03-27T22:00:00.000Z');
    const f = await createFamily(t, { caregivers: 1 });
    const e = t.server.app.orm.em.fork();
    e.create(CareSettings, { family: f.family.id, timeZone: berlin });
    await e.flush();
    const sleeper = f.caregivers[0]!;
    await prefer(f, sleeper.headers, { quietHoursStart: '22:00', quietHoursEnd: '07:00' });
    const warn = await raise(f, 'WARN', 'HEALTH', 'pulse high');
    expect(await liveRecipients(f, warn)).toEqual([String(f.main.user.id)]);
    now = Date.parse('2027-03-28T04:59:00.000Z'); // 06:59 CEST
    await fire();
    expect(await liveRecipients(f, warn)).toEqual([String(f.main.user.id)]);
    now = Date.parse('2027-03-28T05:00:00.000Z'); // 07:00 CEST
    await fire();
    expect(await liveRecipients(f, warn)).toEqual(
      [f.main.user.id, sleeper.user.id].map(String).sort(),
    );
    now = before;
  });

  it('pushes a held alert once when quiet hours end between its delivery and its push', async () => {
    const before = now;
    now = Date.parse('2026-12-03T21:59:59.000Z'); // 06:59:59 in Seoul
    const f = await createFamily(t, { caregivers: 1 });
    const sleeper = f.caregivers[0]!;
    await prefer(f, sleeper.headers, { quietHoursStart: '22:00', quietHoursEnd: '07:00' });
    const stream = await live(sleeper.headers, SHARED);
    // the clock passes 07:00 once delivery has held the alert back and before it is pushed
    const events = t.server.app.events;
    const publish = events.notificationAdded.bind(events);
    const late = vi.spyOn(events, 'notificationAdded').mockImplementation((event) => {
      now = Date.parse('2026-12-03T22:00:01.000Z');
      publish(event);
    });
    let warn: string;
    try {
      warn = await raise(f, 'WARN', 'HEALTH', 'pulse high');
    } finally {
      late.mockRestore();
    }
    const mainOnly = [String(f.main.user.id)];
    const both = [f.main.user.id, sleeper.user.id].map(String).sort();
    expect(await liveRecipients(f, warn)).toEqual(mainOnly);
    // the push judged quiet hours as delivery did: only the release reaches the member
    await fire();
    expect(await stream.next()).toBe(warn);
    expect(await liveRecipients(f, warn)).toEqual(both);
    // the same release fired again (a stale claim, another node) records and pushes nothing
    const em = t.server.app.orm.em.fork();
    const timer = await em.findOneOrFail(AlertTimer, {
      notification: Number(warn),
      key: `release:${sleeper.user.id}`,
    });
    await releaseHeld(t.server.app, timer, new Date(now));
    const notice = await raise(f, 'INFO', 'ENVIRONMENT', 'morning');
    expect(await stream.next()).toBe(notice);
    expect(await liveRecipients(f, warn)).toEqual(both);
    await stream.stop();
    now = before;
  });

  it('reads defaults, keeps data on bad input, and is nobody else’s business', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!.headers;
    const defaults = {
      liveMinGrade: 'NONE',
      emailMinGrade: 'CRIT',
      quietHoursStart: null,
      quietHoursEnd: null,
    };
    expect(await gql(caregiver, READ, { id: String(f.family.id) })).toEqual({
      family: { deliveryPreference: defaults },
    });
    const set = { liveMinGrade: 'INFO', quietHoursStart: '21:30', quietHoursEnd: '06:15' };
    await prefer(f, caregiver, set);
    const stored = { ...defaults, ...set };
    const bad: [Record<string, unknown>, string][] = [
      [{ quietHoursStart: '7:00', quietHoursEnd: '08:00' }, 'input.quietHoursStart'],
      [{ quietHoursStart: '07:00', quietHoursEnd: '24:00' }, 'input.quietHoursEnd'],
      [{ quietHoursStart: '07:00', quietHoursEnd: '07:00' }, 'input.quietHoursEnd'],
      [{ quietHoursStart: '07:00' }, 'input.quietHoursEnd'],
      [{ quietHoursStart: null, quietHoursEnd: '07:00' }, 'input.quietHoursStart'],
      [{ emailMinGrade: 'INFO' }, 'input.emailMinGrade'],
      [{ emailMinGrade: 'NONE', liveMinGrade: 'CRIT' }, 'input.emailMinGrade'],
    ];
    for (const [input, field] of bad)
      expect(await failure(caregiver, UPDATE, { familyId: String(f.family.id), input })).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [field],
      });
    expect(await gql(caregiver, READ, { id: String(f.family.id) })).toEqual({
      family: { deliveryPreference: stored },
    });
    // both null clears the quiet hours
    await prefer(f, caregiver, { quietHoursStart: null, quietHoursEnd: null });
    expect(await gql(caregiver, READ, { id: String(f.family.id) })).toEqual({
      family: { deliveryPreference: { ...stored, quietHoursStart: null, quietHoursEnd: null } },
    });
    // another family's caregiver can neither read nor change it; the main user sees their own
    const outsider = other.caregivers[0]!.headers;
    expect(await failure(outsider, READ, { id: String(f.family.id) })).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await failure(outsider, UPDATE, {
        familyId: String(f.family.id),
        input: { liveMinGrade: 'CRIT' },
      }),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await gql(f.main.headers, READ, { id: String(f.family.id) })).toEqual({
      family: { deliveryPreference: defaults },
    });
  });

  it('role matrix: who may set their own delivery preference', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const expected: Record<Caller, Outcome> = {
      main: 'ok',
      manager: 'ok',
      caregiver: 'ok',
      pending: 'NOT_FOUND',
      otherMember: 'NOT_FOUND',
      device: 'FORBIDDEN',
      anonymous: 'UNAUTHENTICATED',
    };
    const rows: MatrixRow[] = [
      {
        name: 'updateDeliveryPreference',
        expected,
        run: (h) =>
          gql(h, UPDATE, { familyId: String(f.family.id), input: { liveMinGrade: 'INFO' } }),
      },
      {
        name: 'Family.deliveryPreference',
        expected,
        run: (h) => gql(h, READ, { id: String(f.family.id) }),
      },
    ];
    const { got, want } = await roleMatrix(callersOf(f, other), rows);
    expect(got).toEqual(want);
  });
});
