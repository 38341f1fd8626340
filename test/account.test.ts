import { createHash } from 'node:crypto';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordReset } from '../src/modules/account/password-reset.entity.js';
import { Session } from '../src/modules/account/session.entity.js';
import { User } from '../src/modules/account/user.entity.js';
import type { OutboxMailer } from '../src/mail/mailer.js';
import { purgeAccounts } from '../src/modules/account/account.jobs.js';
import {
  ChangePasswordDocument,
  DeleteMeDocument,
  LogInDocument,
  LogOutDocument,
  LogOutEverywhereDocument,
  MeDocument,
  MySessionsDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  RevokeSessionDocument,
  SignUpDocument,
  UpdateMeDocument,
} from './__generated__/graphql.js';
import { createUser, signUpInput } from './factories/users.js';
import { sourceOf, startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  // TRUST_PROXY lets each test present its own client IP, so per-IP limits do not leak between tests
  t = await startTestServer({ TRUST_PROXY: 'true' });
});
afterAll(async () => {
  await t?.close();
});

let ipCounter = 0;
/** Headers of a request from a fresh client IP. */
function fromNewIp(extra: Record<string, string> = {}): Record<string, string> {
  ipCounter += 1;
  return { 'x-forwarded-for': `10.0.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`, ...extra };
}

const em = () => t.server.app.orm.em.fork();
const outbox = () => t.server.app.mailer as OutboxMailer;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function post(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    response,
    json: (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { extensions: Record<string, unknown> }[];
    },
  };
}

describe('signUp', () => {
  it('creates the account, signs it in and sets an HttpOnly SameSite=Lax cookie', async () => {
    const input = signUpInput();
    const { response, json } = await post(sourceOf(SignUpDocument), { input }, fromNewIp());
    const payload = (
      json.data as {
        signUp: {
          token: string;
          expiresAt: string;
          user: { email: string; role: string; address: { subRegionName: string } };
        };
      }
    ).signUp;
    expect(payload.user.email).toBe(input.email.toLowerCase());
    expect(payload.user.role).toBe('MAIN');
    expect(payload.user.address.subRegionName).toBe('종로구');
    expect(payload.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`carebot_session=${payload.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // a non-remembered session: the cookie dies with the browser session
    expect(cookie).not.toMatch(/Expires=/i);
    const expiresIn = new Date(payload.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(29 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(30 * 60_000);
  });

  it('stores an argon2id hash with at least OWASP parameters and never the token', async () => {
    const input = signUpInput();
    const { signUp } = await t.request(SignUpDocument, { input }, fromNewIp());
    const user = await em().findOneOrFail(
      User,
      { email: input.email.toLowerCase() },
      { populate: ['passwordHash'] },
    );
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$/);
    const param = (name: string) =>
      Number(new RegExp(`[$,]${name}=(\\d+)`).exec(user.passwordHash)?.[1]);
    const [m, tc, p] = [param('m'), param('t'), param('p')];
    expect(m).toBeGreaterThanOrEqual(19 * 1024);
    expect(tc).toBeGreaterThanOrEqual(2);
    expect(p).toBeGreaterThanOrEqual(1);
    expect(user.passwordHash).not.toContain(input.password);
    const sessions = await em().find(Session, { user: user.id });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.tokenHash).toBe(sha256(signUp.token));
    expect(sessions[0]!.tokenHash).not.toContain(signUp.token);
  });

  it('refuses a duplicate e-mail (any case) with CONFLICT and stores nothing', async () => {
    const input = signUpInput();
    await t.request(SignUpDocument, { input }, fromNewIp());
    const errors = await t.requestErrors(
      SignUpDocument,
      { input: { ...input, email: input.email.toUpperCase() } },
      fromNewIp(),
    );
    expect(errors[0]?.extensions?.['code']).toBe('CONFLICT');
    expect(await em().count(User, { email: input.email.toLowerCase() })).toBe(1);
  });

  it.each([
    ['input.email', { email: 'not-an-email' }, 'must be an e-mail address'],
    ['input.password', { password: 'short' }, 'must be at least 10 characters long'],
    ['input.password', { password: 'x'.repeat(129) }, 'must be at most 128 characters long'],
    ['input.name', { name: '   ' }, 'must not be blank'],
    [
      'input.birthDate',
      { birthDate: '2999-01-01' },
      'must be a date between 1900-01-01 and yesterday',
    ],
    [
      'input.birthDate',
      { birthDate: '1850-01-01' },
      'must be a date between 1900-01-01 and yesterday',
    ],
    [
      'input.phone',
      { phone: '12345' },
      'must be a phone number like 010-1234-5678 or +82 10 1234 5678',
    ],
    [
      'input.address.subRegionCode',
      { address: { masterRegionCode: '11', subRegionCode: '1111' } },
      'must be a five-digit municipality code',
    ],
    [
      'input.address.masterRegionCode',
      { address: { masterRegionCode: '99', subRegionCode: '11110' } },
      'is not a known province code',
    ],
    [
      'input.address.subRegionCode',
      { address: { masterRegionCode: '26', subRegionCode: '11110' } },
      'does not belong to province 26',
    ],
    [
      'input.address.subRegionCode',
      { address: { masterRegionCode: '11', subRegionCode: '11999' } },
      'is not a known municipality code',
    ],
  ] as const)(
    'rejects a bad %s with BAD_USER_INPUT and stores nothing',
    async (path, overrides, message) => {
      const input = signUpInput(overrides);
      const errors = await t.requestErrors(SignUpDocument, { input }, fromNewIp());
      expect(errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { [path]: message },
      });
      expect(await em().count(User, { email: input.email.toLowerCase() })).toBe(0);
    },
  );

  it('rejects an impossible calendar date and an ADMIN role at the schema level', async () => {
    const badDate = await t.requestErrors(
      SignUpDocument,
      { input: signUpInput({ birthDate: '1950-02-30' }) },
      fromNewIp(),
    );
    expect(badDate[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const admin = await t.requestErrors(
      SignUpDocument,
      { input: signUpInput({ role: 'ADMIN' as never }) },
      fromNewIp(),
    );
    expect(admin[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('allows 10 sign-ups per hour from one IP, then answers RATE_LIMITED', async () => {
    const ip = fromNewIp();
    for (let i = 0; i < 10; i += 1) {
      await t.request(SignUpDocument, { input: signUpInput() }, ip);
    }
    const errors = await t.requestErrors(SignUpDocument, { input: signUpInput() }, ip);
    expect(errors[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(errors[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(3000);
  });
});

describe('logIn and sessions', () => {
  it('signs in with the e-mail in any case; the token works as Bearer and as cookie', async () => {
    const alice = await createUser(t);
    const { logIn } = await t.request(
      LogInDocument,
      { email: alice.email.toUpperCase(), password: alice.password },
      fromNewIp(),
    );
    expect(logIn.user.email).toBe(alice.email);
    const bearer = await t.request(MeDocument, {}, { authorization: `Bearer ${logIn.token}` });
    expect(bearer.me?.id).toBe(String(alice.user.id));
    const cookie = await t.request(MeDocument, {}, { cookie: `carebot_session=${logIn.token}` });
    expect(cookie.me?.id).toBe(String(alice.user.id));
  });

  it('answers a wrong password and an unknown e-mail with the same UNAUTHENTICATED error', async () => {
    const alice = await createUser(t);
    const wrong = await t.requestErrors(
      LogInDocument,
      { email: alice.email, password: 'wrong password!' },
      fromNewIp(),
    );
    const unknown = await t.requestErrors(
      LogInDocument,
      { email: 'nobody@example.com', password: 'wrong password!' },
      fromNewIp(),
    );
    expect(wrong[0]).toMatchObject({
      message: 'Wrong e-mail address or password.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(unknown[0]).toEqual(wrong[0]);
  });

  it('keeps a remembered session 30 days idle and sets a persistent cookie', async () => {
    const alice = await createUser(t);
    const { response, json } = await post(
      sourceOf(LogInDocument),
      { email: alice.email, password: alice.password, remember: true },
      fromNewIp(),
    );
    const { expiresAt } = (json.data as { logIn: { expiresAt: string } }).logIn;
    const days = (new Date(expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(response.headers.get('set-cookie')).toMatch(/Expires=/i);
  });

  it('refuses a suspended user at log-in and on an existing session', async () => {
    const bob = await createUser(t);
    await em().nativeUpdate(
      User,
      { id: bob.user.id },
      { suspendedUntil: new Date(Date.now() + 3600_000) },
    );
    const errors = await t.requestErrors(
      LogInDocument,
      { email: bob.email, password: bob.password },
      fromNewIp(),
    );
    expect(errors[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await t.request(MeDocument, {}, bob.headers)).me).toBeNull();
    const sessions = await t.requestErrors(MySessionsDocument, {}, bob.headers);
    expect(sessions[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    // once the suspension is over the same session works again
    await em().nativeUpdate(
      User,
      { id: bob.user.id },
      { suspendedUntil: new Date(Date.now() - 1000) },
    );
    expect((await t.request(MeDocument, {}, bob.headers)).me?.id).toBe(String(bob.user.id));
  });

  it('expires a session after 30 idle minutes and after 12 hours in all', async () => {
    const idle = await createUser(t);
    await em().nativeUpdate(
      Session,
      { user: idle.user.id },
      { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    );
    expect((await t.request(MeDocument, {}, idle.headers)).me).toBeNull();
    const old = await createUser(t);
    await em().nativeUpdate(
      Session,
      { user: old.user.id },
      { absoluteExpiresAt: new Date(Date.now() - 1000) },
    );
    expect((await t.request(MeDocument, {}, old.headers)).me).toBeNull();
  });

  it('slides the idle expiry on use, writing lastSeenAt at most once a minute', async () => {
    const carol = await createUser(t);
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    await em().nativeUpdate(Session, { user: carol.user.id }, { lastSeenAt: twentyMinutesAgo });
    await t.request(MeDocument, {}, carol.headers);
    const touched = await em().findOneOrFail(Session, { user: carol.user.id });
    expect(touched.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 5000);
    await t.request(MeDocument, {}, carol.headers);
    const again = await em().findOneOrFail(Session, { user: carol.user.id });
    expect(again.lastSeenAt.getTime()).toBe(touched.lastSeenAt.getTime());
  });

  it("lists the viewer's sessions, marks the current one, and revokes one", async () => {
    const dave = await createUser(t);
    const other = await t.request(
      LogInDocument,
      { email: dave.email, password: dave.password },
      fromNewIp({ 'user-agent': 'CarebotTest/1.0' }),
    );
    const { mySessions } = await t.request(MySessionsDocument, {}, dave.headers);
    expect(mySessions).toHaveLength(2);
    expect(mySessions.filter((s) => s.current)).toHaveLength(1);
    const otherSession = mySessions.find((s) => !s.current)!;
    expect(otherSession.userAgent).toBe('CarebotTest/1.0');
    expect(await t.request(RevokeSessionDocument, { id: otherSession.id }, dave.headers)).toEqual({
      revokeSession: true,
    });
    expect(
      (await t.request(MeDocument, {}, { authorization: `Bearer ${other.logIn.token}` })).me,
    ).toBeNull();
    expect((await t.request(MySessionsDocument, {}, dave.headers)).mySessions).toHaveLength(1);
  });

  it("answers NOT_FOUND for another user's session and leaves it alive", async () => {
    const eve = await createUser(t);
    const victim = await createUser(t);
    const [victimSession] = await em().find(Session, { user: victim.user.id });
    const errors = await t.requestErrors(
      RevokeSessionDocument,
      { id: String(victimSession!.id) },
      eve.headers,
    );
    expect(errors[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await t.request(MeDocument, {}, victim.headers)).me?.id).toBe(String(victim.user.id));
    const garbage = await t.requestErrors(RevokeSessionDocument, { id: 'abc' }, eve.headers);
    expect(garbage[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('logs out (clearing the cookie) and out everywhere', async () => {
    const frank = await createUser(t);
    const second = await t.request(
      LogInDocument,
      { email: frank.email, password: frank.password },
      fromNewIp(),
    );
    const { response, json } = await post(sourceOf(LogOutDocument), {}, frank.headers);
    expect(json.data).toEqual({ logOut: true });
    expect(response.headers.get('set-cookie')).toMatch(/carebot_session=;/);
    expect((await t.request(MeDocument, {}, frank.headers)).me).toBeNull();
    expect(await t.request(LogOutDocument, {}, frank.headers)).toEqual({ logOut: false });
    const third = await t.request(
      LogInDocument,
      { email: frank.email, password: frank.password },
      fromNewIp(),
    );
    const everywhere = await t.request(
      LogOutEverywhereDocument,
      {},
      { authorization: `Bearer ${third.logIn.token}` },
    );
    expect(everywhere.logOutEverywhere).toBe(2);
    expect(
      (await t.request(MeDocument, {}, { authorization: `Bearer ${second.logIn.token}` })).me,
    ).toBeNull();
  });

  it('treats a malformed or unknown credential as anonymous', async () => {
    expect((await t.request(MeDocument, {}, { authorization: 'Bearer nonsense' })).me).toBeNull();
    expect(
      (await t.request(MeDocument, {}, { authorization: 'Basic dXNlcjpwYXNz' })).me,
    ).toBeNull();
    const errors = await t.requestErrors(
      MySessionsDocument,
      {},
      { authorization: `Bearer ${'a'.repeat(43)}` },
    );
    expect(errors[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('limits log-in to 5 failures per 15 minutes per account and IP, and a success resets it', async () => {
    const gina = await createUser(t);
    const ip = fromNewIp();
    for (let i = 0; i < 4; i += 1) {
      await t.requestErrors(LogInDocument, { email: gina.email, password: 'wrong password!' }, ip);
    }
    await t.request(LogInDocument, { email: gina.email, password: gina.password }, ip);
    for (let i = 0; i < 5; i += 1) {
      const errors = await t.requestErrors(
        LogInDocument,
        { email: gina.email, password: 'wrong password!' },
        ip,
      );
      expect(errors[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
    const limited = await t.requestErrors(
      LogInDocument,
      { email: gina.email, password: gina.password },
      ip,
    );
    expect(limited[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const retry = limited[0]?.extensions?.['retryAfterSeconds'] as number;
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(900);
    // another IP is not blocked, and once the window has passed the account works again
    await t.request(LogInDocument, { email: gina.email, password: gina.password }, fromNewIp());
    await t.server.app.rateLimiter.reset('logIn', `acct:${gina.email}|ip:${ip['x-forwarded-for']}`);
    await t.request(LogInDocument, { email: gina.email, password: gina.password }, ip);
  });

  it('counts every spelling the database takes for one account against its log-in budget', async () => {
    // issue 13, finding 12: MariaDB compares e-mails ignoring case and accents, SQLite exactly
    const maria = await createUser(t, { email: `maria.${Date.now()}@example.com` });
    const ip = fromNewIp();
    const [local = '', domain = ''] = maria.email.split('@');
    const spellings = ['á', 'à', 'â', 'ä', 'Á'].map(
      (accent) => `${local.replace('a', accent)}@${domain.toUpperCase()}`,
    );
    for (const email of spellings) {
      const errors = await t.requestErrors(
        LogInDocument,
        { email, password: 'wrong password!' },
        ip,
      );
      expect(errors[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
    const mariadb = t.config.database.driver === 'mariadb';
    if (mariadb) {
      const limited = await t.requestErrors(
        LogInDocument,
        { email: maria.email, password: maria.password },
        ip,
      );
      expect(limited[0]?.extensions?.['code']).toBe('RATE_LIMITED');
      // the accented spelling reaches the account too, so it is limited as well
      const accented = await t.requestErrors(
        LogInDocument,
        { email: spellings[0]!, password: maria.password },
        ip,
      );
      expect(accented[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    } else {
      // SQLite: the accented spellings are other (unknown) addresses and left the account's budget alone
      const { logIn } = await t.request(
        LogInDocument,
        { email: maria.email, password: maria.password },
        ip,
      );
      expect(logIn.user.email).toBe(maria.email);
    }
  });

  it('purges expired sessions in the periodic job', async () => {
    const henry = await createUser(t);
    await em().nativeUpdate(
      Session,
      { user: henry.user.id },
      { lastSeenAt: new Date(Date.now() - 2 * 3600_000) },
    );
    const { sessions } = await purgeAccounts(t.server.app.orm, t.server.app.logger);
    expect(sessions).toBeGreaterThanOrEqual(1);
    expect(await em().count(Session, { user: henry.user.id })).toBe(0);
  });
});

describe('profile', () => {
  it("updates the viewer's profile, validating the address", async () => {
    const ivy = await createUser(t);
    const { updateMe } = await t.request(
      UpdateMeDocument,
      {
        input: {
          name: 'Ivy Kim',
          phone: '+82 10 9876 5432',
          address: { masterRegionCode: '27', subRegionCode: '27720' },
        },
      },
      ivy.headers,
    );
    expect(updateMe).toMatchObject({
      name: 'Ivy Kim',
      phone: '+821098765432',
      address: { masterRegionName: '대구광역시', subRegionName: '군위군', detail: null },
    });
    const errors = await t.requestErrors(
      UpdateMeDocument,
      { input: { name: 'X', address: { masterRegionCode: '47', subRegionCode: '27720' } } },
      ivy.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.address.subRegionCode': 'does not belong to province 47' },
    });
    expect((await t.request(MeDocument, {}, ivy.headers)).me?.name).toBe('Ivy Kim');
  });

  it('requires a signed-in viewer', async () => {
    const errors = await t.requestErrors(UpdateMeDocument, { input: { name: 'X' } });
    expect(errors[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('deletes the account only with the right password, and its sessions with it', async () => {
    const jack = await createUser(t);
    const wrong = await t.requestErrors(
      DeleteMeDocument,
      { password: 'not my password' },
      jack.headers,
    );
    expect(wrong[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { password: 'is incorrect' },
    });
    expect(await em().count(User, { id: jack.user.id })).toBe(1);
    expect(await t.request(DeleteMeDocument, { password: jack.password }, jack.headers)).toEqual({
      deleteMe: true,
    });
    expect(await em().count(User, { id: jack.user.id })).toBe(0);
    expect(await em().count(Session, { user: jack.user.id })).toBe(0);
  });
});

describe('passwords', () => {
  it('changes the password, keeps this session and ends the others', async () => {
    const kim = await createUser(t);
    const other = await t.request(
      LogInDocument,
      { email: kim.email, password: kim.password },
      fromNewIp(),
    );
    const newPassword = 'a brand new password';
    expect(
      await t.request(
        ChangePasswordDocument,
        { currentPassword: kim.password, newPassword },
        kim.headers,
      ),
    ).toEqual({ changePassword: true });
    expect((await t.request(MeDocument, {}, kim.headers)).me?.id).toBe(String(kim.user.id));
    expect(
      (await t.request(MeDocument, {}, { authorization: `Bearer ${other.logIn.token}` })).me,
    ).toBeNull();
    await t.request(LogInDocument, { email: kim.email, password: newPassword }, fromNewIp());
    const old = await t.requestErrors(
      LogInDocument,
      { email: kim.email, password: kim.password },
      fromNewIp(),
    );
    expect(old[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong current password, a weak new one and an unchanged one', async () => {
    const lee = await createUser(t);
    const wrong = await t.requestErrors(
      ChangePasswordDocument,
      { currentPassword: 'wrong password!', newPassword: 'another password' },
      lee.headers,
    );
    expect(wrong[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { currentPassword: 'is incorrect' },
    });
    const weak = await t.requestErrors(
      ChangePasswordDocument,
      { currentPassword: lee.password, newPassword: 'short' },
      lee.headers,
    );
    expect(weak[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { newPassword: 'must be at least 10 characters long' },
    });
    const same = await t.requestErrors(
      ChangePasswordDocument,
      { currentPassword: lee.password, newPassword: lee.password },
      lee.headers,
    );
    expect(same[0]?.extensions).toMatchObject({
      fields: { newPassword: 'must differ from the current password' },
    });
    await t.request(LogInDocument, { email: lee.email, password: lee.password }, fromNewIp());
  });

  it('resets a password with the e-mailed single-use token and ends every session', async () => {
    const mia = await createUser(t);
    expect(
      await t.request(
        RequestPasswordResetDocument,
        { email: mia.email.toUpperCase() },
        fromNewIp(),
      ),
    ).toEqual({ requestPasswordReset: true });
    await expect.poll(() => outbox().lastTo(mia.email)).toBeDefined();
    const token = /token=([A-Za-z0-9_-]{43})/.exec(outbox().lastTo(mia.email)!.text)?.[1];
    expect(token).toBeDefined();
    const stored = await em().findOneOrFail(PasswordReset, { user: mia.user.id });
    expect(stored.tokenHash).toBe(sha256(token!));
    const newPassword = 'reset to something new';
    expect(await t.request(ResetPasswordDocument, { token: token!, newPassword })).toEqual({
      resetPassword: true,
    });
    expect((await t.request(MeDocument, {}, mia.headers)).me).toBeNull();
    await t.request(LogInDocument, { email: mia.email, password: newPassword }, fromNewIp());
    const reuse = await t.requestErrors(ResetPasswordDocument, {
      token: token!,
      newPassword: 'and once more again',
    });
    expect(reuse[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { token: 'is invalid or has expired' },
    });
    await t.request(LogInDocument, { email: mia.email, password: newPassword }, fromNewIp());
  });

  it('answers true for an unknown e-mail and sends nothing', async () => {
    const before = outbox().outbox.length;
    expect(
      await t.request(
        RequestPasswordResetDocument,
        { email: 'nobody-here@example.com' },
        fromNewIp(),
      ),
    ).toEqual({ requestPasswordReset: true });
    expect(outbox().outbox.length).toBe(before);
  });

  it('refuses an expired reset token', async () => {
    const noah = await createUser(t);
    await t.request(RequestPasswordResetDocument, { email: noah.email }, fromNewIp());
    await expect.poll(() => outbox().lastTo(noah.email)).toBeDefined();
    const token = /token=([A-Za-z0-9_-]{43})/.exec(outbox().lastTo(noah.email)!.text)![1]!;
    await em().nativeUpdate(
      PasswordReset,
      { user: noah.user.id },
      { expiresAt: new Date(Date.now() - 1000) },
    );
    const errors = await t.requestErrors(ResetPasswordDocument, {
      token,
      newPassword: 'a fine new password',
    });
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { token: 'is invalid or has expired' },
    });
    await t.request(LogInDocument, { email: noah.email, password: noah.password }, fromNewIp());
  });

  it('limits reset requests to 10 per hour per IP', async () => {
    const ip = fromNewIp();
    for (let i = 0; i < 10; i += 1)
      await t.request(RequestPasswordResetDocument, { email: `x${i}@example.com` }, ip);
    const errors = await t.requestErrors(
      RequestPasswordResetDocument,
      { email: 'x@example.com' },
      ip,
    );
    expect(errors[0]?.extensions?.['code']).toBe('RATE_LIMITED');
  });
});

describe('personal details', () => {
  it('shows e-mail and phone to the user themself', async () => {
    const olga = await createUser(t);
    const { me } = await t.request(MeDocument, {}, olga.headers);
    expect(me?.email).toBe(olga.email);
    expect(me?.phone).toBe('01012345678');
  });
});

describe('abuse limits and hash upgrades', () => {
  it('limits other mutations to 300 a minute per account', async () => {
    const pat = await createUser(t);
    for (let i = 0; i < 300; i += 1) {
      await t.server.app.rateLimiter.consume('mutation', `user:${pat.user.id}`);
    }
    const { response, json } = await post(
      sourceOf(UpdateMeDocument),
      { input: { name: 'Too Busy' } },
      pat.headers,
    );
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(json.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number) as number,
    });
    expect((await t.request(MeDocument, {}, pat.headers)).me?.name).not.toBe('Too Busy');
    // another account is unaffected
    const quinn = await createUser(t);
    await t.request(UpdateMeDocument, { input: { name: 'Quinn' } }, quinn.headers);
  });

  it('counts mutations hidden in fragments against the same limit', async () => {
    const uma = await createUser(t);
    for (let i = 0; i < 299; i += 1) {
      await t.server.app.rateLimiter.consume('mutation', `user:${uma.user.id}`);
    }
    const query =
      'mutation { ...M ... on Mutation { b: updateMe(input: { name: "B" }) { name } } } fragment M on Mutation { a: updateMe(input: { name: "A" }) { name } }';
    const { json } = await post(query, {}, uma.headers);
    expect(json.errors?.[0]?.extensions['code']).toBe('RATE_LIMITED');
    expect((await t.request(MeDocument, {}, uma.headers)).me?.name).not.toMatch(/^[AB]$/);
  });

  it('names the nested input field of a wrongly typed variable', async () => {
    const { json } = await post(
      sourceOf(SignUpDocument),
      { input: { ...signUpInput(), gender: 'OTHER' } },
      fromNewIp(),
    );
    expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(Object.keys(json.errors?.[0]?.extensions['fields'] as object)).toEqual(['input.gender']);
  });

  it('rehashes a password stored with weaker parameters at the next log-in', async () => {
    const rae = await createUser(t);
    const weak = await argon2.hash(rae.password, {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 1,
      parallelism: 1,
    });
    await em().nativeUpdate(User, { id: rae.user.id }, { passwordHash: weak });
    await t.request(LogInDocument, { email: rae.email, password: rae.password }, fromNewIp());
    const user = await em().findOneOrFail(
      User,
      { id: rae.user.id },
      { populate: ['passwordHash'] },
    );
    expect(user.passwordHash).not.toBe(weak);
    expect(user.passwordHash).toMatch(/m=19456/);
    expect(await argon2.verify(user.passwordHash, rae.password)).toBe(true);
  });
});
