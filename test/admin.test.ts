import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Session } from '../src/modules/account/session.entity.js';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { DEMO_ADMIN_EMAIL, seedAdminDemo } from '../src/modules/admin/admin.seed.js';
import { Device } from '../src/modules/device/device.entity.js';
import { Post } from '../src/modules/community/community.entities.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { NotificationKind } from '../src/modules/notification/notification.enums.js';
import {
  AdminUsersDocument,
  AuditLogDocument,
  BroadcastDisasterDocument,
  LogInDocument,
  MeDocument,
  SuspendUserDocument,
  SystemStatsDocument,
  UnsuspendUserDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser, type TestUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const HOUR = 3_600_000;
/** The server's clock: tests move it past a suspension's end. */
let now = new Date();
let t: TestServer;
let admin: TestUser;
beforeAll(async () => {
  t = await startTestServer({}, { clock: () => now });
  admin = await createUser(t, { role: UserRole.ADMIN, name: 'Operator' });
});
afterAll(async () => {
  await t?.close();
});

type Headers = { authorization: string };
const em = () => t.server.app.orm.em.fork();
const id = (entity: { id: number }) => String(entity.id);
const later = (hours: number) => new Date(now.getTime() + hours * HOUR).toISOString();

/** Moves a family's main user (so the family) to a region. */
async function moveTo(f: TestFamily, master: string, sub: string): Promise<void> {
  await em().nativeUpdate(
    User,
    { id: f.main.user.id },
    { masterRegionCode: master, subRegionCode: sub },
  );
}

/** Subscribes over graphql-ws and resolves once the server has the subscription live. */
async function live$(headers: Headers, query: string, variables: Record<string, unknown> = {}) {
  const before = await t.subscriptionsStarted();
  const events = t.ws({ authorization: headers.authorization }).iterate({ query, variables });
  const iterator = events[Symbol.asyncIterator]();
  const first = iterator.next();
  await t.waitForSubscriptions(before + 1);
  return { iterator, first };
}

const NOTIFICATIONS = 'subscription { notificationAdded { id kind grade message family { id } } }';
type NotificationResult = {
  value: {
    data?: { notificationAdded?: { kind: string; message: string; family: { id: string } } };
  };
};

describe('role matrix of the admin operations', () => {
  const operations = (target: TestUser) => ({
    adminUsers: (h?: Headers) => t.requestErrors(AdminUsersDocument, {}, h),
    suspendUser: (h?: Headers) =>
      t.requestErrors(
        SuspendUserDocument,
        { input: { userId: id(target.user), until: later(1), reason: 'spam' } },
        h,
      ),
    unsuspendUser: (h?: Headers) =>
      t.requestErrors(
        UnsuspendUserDocument,
        { input: { userId: id(target.user), reason: 'appeal' } },
        h,
      ),
    systemStats: (h?: Headers) => t.requestErrors(SystemStatsDocument, {}, h),
    broadcastDisaster: (h?: Headers) =>
      t.requestErrors(
        BroadcastDisasterDocument,
        { input: { subRegionCodes: ['11110'], message: 'flood' } },
        h,
      ),
    auditLog: (h?: Headers) => t.requestErrors(AuditLogDocument, {}, h),
  });

  it('refuses every caller but an admin, and changes nothing', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const suspended = await createUser(t, { suspendedUntil: new Date(Date.now() + HOUR) });
    const target = await createUser(t);
    const callers: [string, Headers | undefined, string][] = [
      ['member', f.caregivers[0]!.headers, 'FORBIDDEN'],
      ['main user', f.main.headers, 'FORBIDDEN'],
      ['device', f.device.headers, 'FORBIDDEN'],
      ['anonymous', undefined, 'UNAUTHENTICATED'],
      ['suspended user', suspended.headers, 'UNAUTHENTICATED'],
    ];
    const before = await em().count(Notification, {});
    for (const [name, run] of Object.entries(operations(target))) {
      for (const [who, headers, code] of callers) {
        const errors = await run(headers);
        expect(`${name} as ${who}: ${String(codeOf(errors))}`).toBe(`${name} as ${who}: ${code}`);
      }
    }
    expect(await em().count(Notification, {})).toBe(before);
    const stored = await em().findOneOrFail(User, { id: target.user.id });
    expect(stored.suspendedUntil).toBeNull();
  });

  it('lets an admin run each of them', async () => {
    const target = await createUser(t);
    const h = admin.headers;
    await t.request(AdminUsersDocument, { first: 1 }, h);
    await t.request(
      SuspendUserDocument,
      { input: { userId: id(target.user), until: later(1), reason: 'spam' } },
      h,
    );
    await t.request(UnsuspendUserDocument, { input: { userId: id(target.user), reason: 'ok' } }, h);
    await t.request(SystemStatsDocument, {}, h);
    await t.request(
      BroadcastDisasterDocument,
      { input: { subRegionCodes: ['48170'], message: 'drill' } },
      h,
    );
    await t.request(AuditLogDocument, { first: 1 }, h);
  });
});

describe('adminUsers', () => {
  it('filters by role, suspension, creation time and name or e-mail text, with e-mails shown', async () => {
    const marker = `kim${Date.now()}`;
    const a = await createUser(t, { name: `${marker} A`, role: UserRole.MAIN });
    const b = await createUser(t, { email: `${marker}@example.com`, name: 'Lee' });
    const c = await createUser(t, {
      name: `${marker} C`,
      suspendedUntil: new Date(now.getTime() + HOUR),
    });
    const h = admin.headers;
    const found = await t.request(AdminUsersDocument, { search: marker.toUpperCase() }, h);
    expect(found.adminUsers.totalCount).toBe(3);
    // newest first
    expect(found.adminUsers.edges.map((e) => e.node.id)).toEqual([c, b, a].map((u) => id(u.user)));
    expect(found.adminUsers.edges[1]!.node.email).toBe(b.email);
    const mains = await t.request(AdminUsersDocument, { search: marker, role: 'MAIN' }, h);
    expect(mains.adminUsers.edges.map((e) => e.node.id)).toEqual([id(a.user)]);
    const suspended = await t.request(AdminUsersDocument, { search: marker, suspended: true }, h);
    expect(suspended.adminUsers.edges.map((e) => e.node.id)).toEqual([id(c.user)]);
    expect(suspended.adminUsers.edges[0]!.node.suspendedUntil).not.toBeNull();
    const active = await t.request(AdminUsersDocument, { search: marker, suspended: false }, h);
    expect(active.adminUsers.totalCount).toBe(2);
    const none = await t.request(
      AdminUsersDocument,
      { search: marker, from: new Date(Date.now() + HOUR).toISOString() },
      h,
    );
    expect(none.adminUsers.totalCount).toBe(0);
    const page = await t.request(AdminUsersDocument, { search: marker, first: 2 }, h);
    expect(page.adminUsers.pageInfo.hasNextPage).toBe(true);
    const rest = await t.request(
      AdminUsersDocument,
      { search: marker, first: 2, after: page.adminUsers.pageInfo.endCursor },
      h,
    );
    expect(rest.adminUsers.edges.map((e) => e.node.id)).toEqual([id(a.user)]);
  });

  it('names the argument of a bad search or page size', async () => {
    const blank = await t.requestErrors(AdminUsersDocument, { search: '   ' }, admin.headers);
    expect(codeOf(blank)).toBe('BAD_USER_INPUT');
    expect(blank[0]!.extensions?.['fields']).toHaveProperty('search');
    const big = await t.requestErrors(AdminUsersDocument, { first: 101 }, admin.headers);
    expect(codeOf(big)).toBe('BAD_USER_INPUT');
    expect(big[0]!.extensions?.['fields']).toHaveProperty('first');
  });
});

describe('suspendUser', () => {
  it("ends the user's sessions and closes their open socket at once; others stay connected", async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const victim = await live$(caregiver.headers, NOTIFICATIONS);
    const bystander = await live$(f.main.headers, NOTIFICATIONS);
    const { suspendUser } = await t.request(
      SuspendUserDocument,
      { input: { userId: id(caregiver.user), until: later(24), reason: 'abuse' } },
      admin.headers,
    );
    expect(suspendUser.suspendedUntil).toBe(later(24));
    await expect(victim.first).rejects.toMatchObject({ code: 4403 });
    expect(await em().count(Session, { user: caregiver.user.id })).toBe(0);
    // the old token is refused
    expect((await t.request(MeDocument, {}, caregiver.headers)).me).toBeNull();
    // the main user's socket still delivers
    await t.request(
      BroadcastDisasterDocument,
      { input: { subRegionCodes: ['11110'], message: 'still here' } },
      admin.headers,
    );
    const got = (await bystander.first) as NotificationResult;
    expect(got.value.data?.notificationAdded?.message).toBe('still here');
  });

  it('refuses log-in with FORBIDDEN (reason ACCOUNT_SUSPENDED) until the time passes, by the server clock', async () => {
    const user = await createUser(t);
    const until = later(2);
    await t.request(
      SuspendUserDocument,
      { input: { userId: id(user.user), until, reason: 'cool down' } },
      admin.headers,
    );
    const refused = await t.requestErrors(LogInDocument, {
      email: user.email,
      password: user.password,
    });
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(refused[0]!.extensions).toMatchObject({
      reason: 'ACCOUNT_SUSPENDED',
      suspendedUntil: until,
    });
    const saved = now;
    now = new Date(Date.parse(until) + 60_000);
    try {
      const { logIn } = await t.request(LogInDocument, {
        email: user.email,
        password: user.password,
      });
      const me = await t.request(MeDocument, {}, { authorization: `Bearer ${logIn.token}` });
      expect(me.me?.id).toBe(id(user.user));
    } finally {
      now = saved;
    }
  });

  it('lets an admin lift a suspension early', async () => {
    const user = await createUser(t);
    await t.request(
      SuspendUserDocument,
      { input: { userId: id(user.user), until: later(5), reason: 'mistake?' } },
      admin.headers,
    );
    const { unsuspendUser } = await t.request(
      UnsuspendUserDocument,
      { input: { userId: id(user.user), reason: 'it was' } },
      admin.headers,
    );
    expect(unsuspendUser.suspendedUntil).toBeNull();
    const { logIn } = await t.request(LogInDocument, {
      email: user.email,
      password: user.password,
    });
    expect(logIn.token).toBeTruthy();
    const again = await t.requestErrors(
      UnsuspendUserDocument,
      { input: { userId: id(user.user), reason: 'twice' } },
      admin.headers,
    );
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(again[0]!.extensions?.['fields']).toEqual({ 'input.userId': 'is not suspended' });
  });

  it('names the field of bad input and changes nothing', async () => {
    const user = await createUser(t);
    const other = await createUser(t, { role: UserRole.ADMIN });
    const cases: [Record<string, string>, string, string][] = [
      [{ until: new Date(now.getTime() - 1000).toISOString() }, 'input.until', 'BAD_USER_INPUT'],
      [{ until: later(24 * 366 * 11) }, 'input.until', 'BAD_USER_INPUT'],
      [{ reason: '  ' }, 'input.reason', 'BAD_USER_INPUT'],
      [{ reason: 'x'.repeat(501) }, 'input.reason', 'BAD_USER_INPUT'],
      [{ userId: id(other.user) }, 'input.userId', 'BAD_USER_INPUT'],
      [{ until: 'tomorrow' }, 'input', 'BAD_USER_INPUT'],
    ];
    for (const [change, field, code] of cases) {
      const errors = await t.requestErrors(
        SuspendUserDocument,
        { input: { userId: id(user.user), until: later(1), reason: 'r', ...change } },
        admin.headers,
      );
      expect(codeOf(errors)).toBe(code);
      const fields = Object.keys(errors[0]!.extensions?.['fields'] ?? {});
      expect(fields.some((name) => name.startsWith(field))).toBe(true);
    }
    const missing = await t.requestErrors(
      SuspendUserDocument,
      { input: { userId: '999999', until: later(1), reason: 'r' } },
      admin.headers,
    );
    expect(codeOf(missing)).toBe('NOT_FOUND');
    const stored = await em().findOneOrFail(User, { id: user.user.id });
    expect(stored.suspendedUntil).toBeNull();
    expect(await em().count(Session, { user: user.user.id })).toBe(1);
  });
});

describe('broadcastDisaster', () => {
  it("reaches the region's families live and stored, and no other family", async () => {
    const jongno = await createFamily(t);
    const busan = await createFamily(t);
    const junggu = await createFamily(t);
    await moveTo(jongno, '11', '11110');
    await moveTo(busan, '26', '26110');
    await moveTo(junggu, '11', '11140');
    const inJongno = await live$(jongno.main.headers, NOTIFICATIONS);
    const inBusan = await live$(busan.main.headers, NOTIFICATIONS);
    const { broadcastDisaster } = await t.request(
      BroadcastDisasterDocument,
      { input: { subRegionCodes: ['26110'], message: '부산 중구 호우 경보', reason: 'KMA' } },
      admin.headers,
    );
    expect(broadcastDisaster.families).toBeGreaterThanOrEqual(1);
    const got = (await inBusan.first) as NotificationResult;
    expect(got.value.data?.notificationAdded).toMatchObject({
      kind: 'DISASTER',
      message: '부산 중구 호우 경보',
      family: { id: id(busan.family) },
    });
    const stored = (family: TestFamily) =>
      em().count(Notification, { family: family.family.id, kind: NotificationKind.DISASTER });
    expect(await stored(busan)).toBe(1);
    expect(await stored(jongno)).toBe(0);
    expect(await stored(junggu)).toBe(0);
    // Seoul (master region 11) reaches both Seoul families; the Busan family hears nothing more
    await t.request(
      BroadcastDisasterDocument,
      { input: { masterRegionCodes: ['11'], message: '서울 한파' } },
      admin.headers,
    );
    const seoul = (await inJongno.first) as NotificationResult;
    expect(seoul.value.data?.notificationAdded).toMatchObject({
      kind: 'DISASTER',
      message: '서울 한파',
      family: { id: id(jongno.family) },
    });
    expect(await stored(junggu)).toBe(1);
    expect(await stored(busan)).toBe(1);
    const nextInBusan = inBusan.iterator.next();
    await t.request(
      BroadcastDisasterDocument,
      { input: { subRegionCodes: ['26110'], message: 'marker' } },
      admin.headers,
    );
    const after = (await nextInBusan) as NotificationResult;
    expect(after.value.data?.notificationAdded?.message).toBe('marker');
  });

  it('stores a broadcast to many families in a fixed number of statements', async () => {
    const count = async (families: number) => {
      const code = families === 3 ? '47110' : '47130';
      for (let i = 0; i < families; i += 1) await moveTo(await createFamily(t), '47', code);
      const { count: statements } = await t.countQueries(() =>
        t.request(
          BroadcastDisasterDocument,
          { input: { subRegionCodes: [code], message: 'earthquake' } },
          admin.headers,
        ),
      );
      return statements;
    };
    const few = await count(3);
    const many = await count(15);
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(8);
  });

  it('names the field of an unknown or missing region and stores nothing', async () => {
    const before = await em().count(Notification, {});
    const cases: [Record<string, unknown>, string][] = [
      [{ subRegionCodes: ['99999'] }, 'input.subRegionCodes.0'],
      [{ masterRegionCodes: ['11', '00'] }, 'input.masterRegionCodes.1'],
      [{}, 'input.masterRegionCodes'],
      [{ subRegionCodes: ['11110'], message: ' ' }, 'input.message'],
      [{ subRegionCodes: ['11110'], message: 'x'.repeat(501) }, 'input.message'],
    ];
    for (const [input, field] of cases) {
      const errors = await t.requestErrors(
        BroadcastDisasterDocument,
        { input: { message: 'flood', ...input } },
        admin.headers,
      );
      expect(codeOf(errors)).toBe('BAD_USER_INPUT');
      expect(errors[0]!.extensions?.['fields']).toHaveProperty([field]);
    }
    expect(await em().count(Notification, {})).toBe(before);
  });
});

describe('systemStats', () => {
  it('counts users by role, families, devices online and alerts per day', async () => {
    const f = await createFamily(t);
    await em().nativeUpdate(Device, { id: f.device.device.id }, { lastSeenAt: now });
    const { systemStats } = await t.request(SystemStatsDocument, {}, admin.headers);
    const fork = em();
    const byRole = Object.fromEntries(systemStats.usersByRole.map((r) => [r.role, r.count]));
    expect(byRole).toEqual({
      MAIN: await fork.count(User, { role: UserRole.MAIN }),
      MEMBER: await fork.count(User, { role: UserRole.MEMBER }),
      ADMIN: await fork.count(User, { role: UserRole.ADMIN }),
    });
    expect(systemStats.families).toBeGreaterThanOrEqual(1);
    expect(systemStats.devicesOnline).toBeGreaterThanOrEqual(1);
    expect(systemStats.onlineWithinMinutes).toBe(5);
    expect(systemStats.alertsPerDay).toHaveLength(30);
    expect(systemStats.alertsPerDay.at(-1)!.day).toBe(now.toISOString().slice(0, 10));
    const total = systemStats.alertsPerDay.reduce((sum, d) => sum + d.count, 0);
    expect(total).toBe(
      await fork.count(Notification, {
        createdAt: { $gte: new Date(Date.parse(systemStats.alertsPerDay[0]!.day)) },
      }),
    );
    // the community module provides the posts of each day, as many days as the alerts
    expect(systemStats.postsPerDay).toHaveLength(30);
    const posts = systemStats.postsPerDay!.reduce((sum, d) => sum + d.count, 0);
    expect(posts).toBe(
      await fork.count(Post, {
        createdAt: { $gte: new Date(Date.parse(systemStats.postsPerDay![0]!.day)) },
      }),
    );
    const bad = await t.requestErrors(
      SystemStatsDocument,
      { onlineWithinMinutes: 0 },
      admin.headers,
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad[0]!.extensions?.['fields']).toHaveProperty('onlineWithinMinutes');
  });
});

describe('auditLog', () => {
  it('records each admin action with actor, target, reason and detail, filterable', async () => {
    const second = await createUser(t, { role: UserRole.ADMIN, name: 'Second' });
    const user = await createUser(t);
    const start = new Date(now.getTime() - 1000).toISOString();
    await t.request(
      SuspendUserDocument,
      { input: { userId: id(user.user), until: later(3), reason: 'flooding the board' } },
      second.headers,
    );
    await t.request(
      UnsuspendUserDocument,
      { input: { userId: id(user.user), reason: 'apologised' } },
      second.headers,
    );
    await t.request(
      BroadcastDisasterDocument,
      { input: { masterRegionCodes: ['50'], message: 'typhoon', reason: 'KMA bulletin' } },
      second.headers,
    );
    const { auditLog } = await t.request(
      AuditLogDocument,
      { actorId: id(second.user), from: start },
      admin.headers,
    );
    expect(auditLog.edges.map((e) => e.node.action)).toEqual([
      'BROADCAST_DISASTER',
      'UNSUSPEND_USER',
      'SUSPEND_USER',
    ]);
    const [broadcast, unsuspend, suspend] = auditLog.edges.map((e) => e.node);
    expect(suspend).toMatchObject({
      actorId: id(second.user),
      actor: { id: id(second.user), name: 'Second' },
      targetType: 'User',
      targetId: id(user.user),
      reason: 'flooding the board',
    });
    expect(JSON.parse(suspend!.detail!)).toMatchObject({ until: later(3), sessionsEnded: 1 });
    expect(unsuspend).toMatchObject({ reason: 'apologised', targetId: id(user.user) });
    expect(broadcast).toMatchObject({
      targetType: 'Region',
      targetId: '50',
      reason: 'KMA bulletin',
    });
    const suspensions = await t.request(
      AuditLogDocument,
      { action: 'SUSPEND_USER', actorId: id(second.user) },
      admin.headers,
    );
    expect(suspensions.auditLog.totalCount).toBe(1);
    const future = await t.request(
      AuditLogDocument,
      { from: new Date(now.getTime() + HOUR).toISOString() },
      admin.headers,
    );
    expect(future.auditLog.totalCount).toBe(0);
  });

  it('has no operation that edits or deletes an entry', async () => {
    const data = await t
      .http(admin.headers)
      .request<{ __schema: { mutationType: { fields: { name: string }[] } } }>(
        '{ __schema { mutationType { fields { name } } } }',
      );
    const names = data.__schema.mutationType.fields.map((field) => field.name);
    expect(names.filter((name) => /audit/i.test(name))).toEqual([]);
  });
});

describe('seed:demo', () => {
  it('creates an admin account and prints a password that logs in', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await seedAdminDemo(em());
      await seedAdminDemo(em());
      const printed = String(log.mock.calls.at(-1)?.[0]);
      const password = /password (\S+)/.exec(printed)?.[1];
      expect(password).toBeDefined();
      const { logIn } = await t.request(LogInDocument, {
        email: DEMO_ADMIN_EMAIL,
        password: password!,
      });
      const users = await t.request(
        AdminUsersDocument,
        { role: 'ADMIN' },
        { authorization: `Bearer ${logIn.token}` },
      );
      expect(users.adminUsers.edges.map((e) => e.node.email)).toContain(DEMO_ADMIN_EMAIL);
    } finally {
      log.mockRestore();
    }
  });
});

const redisUrl = process.env['TEST_REDIS_URL'];

// needs a Redis server: .ci/run starts one and sets TEST_REDIS_URL
describe.runIf(redisUrl)(
  'suspension across two API nodes sharing one database and one Redis',
  () => {
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

    it("closes the user's socket on the other node", async () => {
      const staff = await createUser(a, { role: UserRole.ADMIN });
      const user = await createUser(a);
      const events = b
        .ws({ authorization: user.headers.authorization })
        .iterate({ query: 'subscription { unreadCountsChanged { messages } }' });
      const first = events.next();
      await b.waitForSubscriptions(1);
      const initial = (await first) as { value?: { data?: unknown } };
      expect(initial.value?.data).toEqual({ unreadCountsChanged: { messages: 0 } });
      const closed = events.next().then(
        () => 'open',
        (error: unknown) => (error as { code?: number }).code,
      );
      let outcome: unknown;
      void closed.then((value) => (outcome = value));
      // Redis SUBSCRIBE completes asynchronously: suspend again (it is idempotent) until heard
      for (let attempt = 0; attempt < 50 && outcome === undefined; attempt += 1) {
        await a.request(
          SuspendUserDocument,
          {
            input: {
              userId: String(user.user.id),
              until: new Date(Date.now() + HOUR).toISOString(),
              reason: 'spam',
            },
          },
          staff.headers,
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await closed).toBe(4403);
    });
  },
);
