import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { OAuthFlow, UserIdentity } from '../src/modules/oauth/oauth.entities.js';
import {
  AuthProvidersDocument,
  CompleteSocialSignUpDocument,
  ConfirmSocialLinkDocument,
  MeDocument,
  MyLoginMethodsDocument,
  UnlinkSocialIdentityDocument,
} from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

type ProviderName = 'google' | 'kakao';

/** What the mock provider says about the person who signs in next. */
interface MockProfile {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  nickname?: string;
}

/**
 * The registered callback host: the mock sends the browser there, and the test carries the
 * callback to the API's real (random) port, as a browser behind a proxy would.
 */
const CALLBACK_HOST = 'http://carebot.test';

const mocks = {} as Record<ProviderName, OAuth2Server>;
const profiles = {} as Record<ProviderName, MockProfile>;
let t: TestServer;
let base: string;

async function startMock(name: ProviderName): Promise<OAuth2Server> {
  const mock = new OAuth2Server();
  await mock.issuer.keys.generate('RS256');
  await mock.start(0, '127.0.0.1');
  // the ID token and the userinfo answer describe whoever the test says signs in
  mock.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    Object.assign(token.payload, profiles[name]);
  });
  mock.service.on('beforeUserinfo', (response: { body: Record<string, unknown> }) => {
    response.body = { ...profiles[name] };
  });
  return mock;
}

function oauthEnv(name: ProviderName): Record<string, string> {
  const p = `OAUTH_${name.toUpperCase()}_`;
  return {
    [`${p}CLIENT_ID`]: `carebot-${name}`,
    [`${p}CLIENT_SECRET`]: `${name}-secret`,
    [`${p}ISSUER`]: mocks[name].issuer.url!,
    [`${p}REDIRECT_URL`]: `${CALLBACK_HOST}/auth/${name}/callback`,
  };
}

beforeAll(async () => {
  mocks.google = await startMock('google');
  mocks.kakao = await startMock('kakao');
  t = await startTestServer({
    TRUST_PROXY: 'true',
    PUBLIC_WEB_URL: 'http://web.test',
    ...oauthEnv('google'),
    ...oauthEnv('kakao'),
  });
  base = t.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await t?.close();
  await mocks.google?.stop();
  await mocks.kakao?.stop();
});

let counter = 0;
let ip = '';
beforeEach(() => {
  counter += 1;
  // a fresh client address per test: per-IP budgets do not leak between tests
  ip = `10.9.${Math.floor(counter / 250)}.${counter % 250}`;
});

/** The value of cookie `name` among a response's Set-Cookie headers (empty string when cleared). */
function cookieOf(response: Response, name: string): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const [key, ...rest] = pair!.split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

interface Started {
  flowCookie: string;
  /** The provider's redirect back to us, as the browser would follow it. */
  callback: URL;
}

/** `/auth/<p>` then the provider's authorize endpoint, redirects followed by hand. */
async function startFlow(name: ProviderName): Promise<Started> {
  const start = await fetch(`${base}/auth/${name}`, {
    redirect: 'manual',
    headers: { 'x-forwarded-for': ip },
  });
  expect(start.status).toBe(303);
  const flowCookie = cookieOf(start, 'carebot_oauth');
  expect(flowCookie).toMatch(/.{20,}/);
  const authorizeUrl = new URL(start.headers.get('location')!);
  expect(authorizeUrl.origin).toBe(mocks[name].issuer.url);
  expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorizeUrl.searchParams.get('nonce')).toMatch(/.{20,}/);
  expect(authorizeUrl.searchParams.get('state')).toBe(flowCookie);
  const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
  const callback = new URL(authorize.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(`${CALLBACK_HOST}/auth/${name}/callback`);
  return { flowCookie: flowCookie!, callback };
}

interface Landed {
  status: number;
  /** Where the browser is sent on the web app. */
  location: URL;
  /** The session cookie set, if any. */
  session: string | undefined;
  /** `#token=…` of a completion or link step. */
  token: string | null;
}

async function deliver(callback: URL, flowCookie: string | undefined): Promise<Landed> {
  const response = await fetch(`${base}${callback.pathname}${callback.search}`, {
    redirect: 'manual',
    headers: {
      'x-forwarded-for': ip,
      ...(flowCookie === undefined ? {} : { cookie: `carebot_oauth=${flowCookie}` }),
    },
  });
  const location = new URL(response.headers.get('location') ?? 'http://none.invalid/');
  return {
    status: response.status,
    location,
    session: cookieOf(response, 'carebot_session') || undefined,
    token: new URLSearchParams(location.hash.slice(1)).get('token'),
  };
}

async function signIn(name: ProviderName): Promise<Landed> {
  const { flowCookie, callback } = await startFlow(name);
  return deliver(callback, flowCookie);
}

function expectError(landed: Landed, error: string): void {
  expect(landed.status).toBe(303);
  expect(landed.location.origin).toBe('http://web.test');
  expect(Object.fromEntries(landed.location.searchParams)).toMatchObject({ auth: 'error', error });
  expect(landed.session).toBeUndefined();
}

const em = () => t.server.app.orm.em.fork();
const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'x-forwarded-for': ip });
const unique = (prefix: string) => `${prefix}-${counter}-${Date.now()}`;

/** The next Google sign-in is a new person with a verified e-mail address. */
function freshGoogleProfile(): void {
  profiles.google = {
    sub: unique('google'),
    email: `${unique('g')}@gmail.test`,
    email_verified: true,
    name: 'Google User',
  };
}

/** An account made by Google sign-in (no password), signed in. */
async function googleAccount(): Promise<{ token: string; userId: string }> {
  freshGoogleProfile();
  const first = await signIn('google');
  const done = await t.request(
    CompleteSocialSignUpDocument,
    { input: { token: first.token!, role: 'MEMBER' } },
    { 'x-forwarded-for': ip },
  );
  return { token: done.completeSocialSignUp.token, userId: done.completeSocialSignUp.user.id };
}

describe('social sign-in', () => {
  it('offers the configured providers with their start paths', async () => {
    const data = await t.request(AuthProvidersDocument);
    expect(data.authProviders).toEqual([
      { provider: 'GOOGLE', startPath: '/auth/google' },
      { provider: 'KAKAO', startPath: '/auth/kakao' },
    ]);
  });

  it('creates the account on a first Google sign-in after the role is chosen, then signs in directly', async () => {
    const email = `${unique('g')}@gmail.test`;
    profiles.google = { sub: unique('google'), email, email_verified: true, name: 'Kim Minji' };
    const first = await signIn('google');
    expect(first.status).toBe(303);
    expect(Object.fromEntries(first.location.searchParams)).toEqual({
      auth: 'complete-sign-up',
      provider: 'google',
    });
    expect(first.session).toBeUndefined();
    expect(first.token).toMatch(/^[\w-]{43}$/);

    const done = await t.request(
      CompleteSocialSignUpDocument,
      { input: { token: first.token!, role: 'MAIN' } },
      { 'x-forwarded-for': ip },
    );
    expect(done.completeSocialSignUp.user).toMatchObject({
      name: 'Kim Minji',
      role: 'MAIN',
      email,
    });
    const methods = await t.request(
      MyLoginMethodsDocument,
      {},
      headers(done.completeSocialSignUp.token),
    );
    expect(methods.myLoginMethods.hasPassword).toBe(false);
    expect(methods.myLoginMethods.identities).toMatchObject([{ provider: 'GOOGLE', email }]);

    // the token is single use
    const again = await t.requestErrors(
      CompleteSocialSignUpDocument,
      { input: { token: first.token!, role: 'MAIN' } },
      { 'x-forwarded-for': ip },
    );
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(again[0]!.extensions!['fields']).toEqual({ 'input.token': 'is invalid or has expired' });

    // the next sign-in goes straight to a session cookie
    const second = await signIn('google');
    expect(Object.fromEntries(second.location.searchParams)).toEqual({
      auth: 'signed-in',
      provider: 'google',
    });
    expect(second.session).toMatch(/^[\w-]{43}$/);
    const me = await t.request(MeDocument, {}, { cookie: `carebot_session=${second.session}` });
    expect(me.me?.email).toBe(email);
  });

  it('sets the session cookie with the same flags as logIn', async () => {
    await googleAccount();
    const { flowCookie, callback } = await startFlow('google');
    const response = await fetch(`${base}${callback.pathname}${callback.search}`, {
      redirect: 'manual',
      headers: { cookie: `carebot_oauth=${flowCookie}`, 'x-forwarded-for': ip },
    });
    const session = response.headers.getSetCookie().find((c) => c.startsWith('carebot_session='));
    expect(session).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('asks for an e-mail when Kakao gives none, and never makes an admin', async () => {
    profiles.kakao = { sub: unique('kakao'), nickname: '할머니' };
    const first = await signIn('kakao');
    expect(first.location.searchParams.get('auth')).toBe('complete-sign-up');
    const missing = await t.requestErrors(
      CompleteSocialSignUpDocument,
      { input: { token: first.token!, role: 'MEMBER' } },
      { 'x-forwarded-for': ip },
    );
    expect(codeOf(missing)).toBe('BAD_USER_INPUT');
    expect(Object.keys(missing[0]!.extensions!['fields'] as object)).toEqual(['input.email']);
    const admin = await t.requestErrors(
      CompleteSocialSignUpDocument,
      // @ts-expect-error ADMIN is not a sign-up role
      { input: { token: first.token!, role: 'ADMIN', email: `${unique('k')}@kakao.test` } },
      { 'x-forwarded-for': ip },
    );
    expect(codeOf(admin)).toBe('BAD_USER_INPUT');
    const email = `${unique('k')}@kakao.test`;
    const done = await t.request(
      CompleteSocialSignUpDocument,
      { input: { token: first.token!, role: 'MEMBER', email } },
      { 'x-forwarded-for': ip },
    );
    expect(done.completeSocialSignUp.user).toMatchObject({ name: '할머니', role: 'MEMBER', email });
  });

  it('links an existing account only after its password is confirmed, when the e-mail is verified', async () => {
    const owner = await createUser(t, { email: `${unique('owner')}@example.com` });
    profiles.google = {
      sub: unique('link'),
      email: owner.email,
      email_verified: true,
      name: 'Owner',
    };
    const landed = await signIn('google');
    expect(Object.fromEntries(landed.location.searchParams)).toEqual({
      auth: 'confirm-link',
      provider: 'google',
    });
    expect(landed.session).toBeUndefined();

    // a sign-up with this token is refused: it belongs to the link step
    const asSignUp = await t.requestErrors(
      CompleteSocialSignUpDocument,
      { input: { token: landed.token!, role: 'MEMBER' } },
      { 'x-forwarded-for': ip },
    );
    expect(codeOf(asSignUp)).toBe('BAD_USER_INPUT');
    const wrong = await t.requestErrors(
      ConfirmSocialLinkDocument,
      { token: landed.token!, password: 'not the password' },
      { 'x-forwarded-for': ip },
    );
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong[0]!.extensions!['fields']).toEqual({ password: 'is incorrect' });
    expect(await em().count(UserIdentity, { user: owner.user.id })).toBe(0);

    const linked = await t.request(
      ConfirmSocialLinkDocument,
      { token: landed.token!, password: owner.password },
      { 'x-forwarded-for': ip },
    );
    expect(linked.confirmSocialLink.user.id).toBe(String(owner.user.id));
    const methods = await t.request(MyLoginMethodsDocument, {}, headers(owner.token));
    expect(methods.myLoginMethods).toMatchObject({
      hasPassword: true,
      identities: [{ provider: 'GOOGLE', email: owner.email }],
    });
    const next = await signIn('google');
    expect(next.location.searchParams.get('auth')).toBe('signed-in');
  });

  it('refuses to link on an e-mail the provider has not verified', async () => {
    const owner = await createUser(t, { email: `${unique('unverified')}@example.com` });
    profiles.kakao = { sub: unique('kakao'), email: owner.email, email_verified: false };
    expectError(await signIn('kakao'), 'EMAIL_NOT_VERIFIED');
    // no claim at all counts as not verified
    profiles.kakao = { sub: unique('kakao'), email: owner.email };
    expectError(await signIn('kakao'), 'EMAIL_NOT_VERIFIED');
    expect(await em().count(UserIdentity, { user: owner.user.id })).toBe(0);
  });

  it('refuses a wrong state, a state from another browser, and a missing flow cookie', async () => {
    freshGoogleProfile();
    const { flowCookie, callback } = await startFlow('google');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-value-that-nobody-started');
    expectError(await deliver(forged, 'forged-state-value-that-nobody-started'), 'INVALID_STATE');
    expectError(await deliver(callback, 'another-browsers-state-cookie-value'), 'INVALID_STATE');
    expectError(await deliver(callback, undefined), 'INVALID_STATE');
    // the real browser can still finish: a refused state is not spent
    const landed = await deliver(callback, flowCookie);
    expect(landed.location.searchParams.get('auth')).toBe('complete-sign-up');
  });

  it('refuses a replayed callback and a replayed code', async () => {
    freshGoogleProfile();
    const { flowCookie, callback } = await startFlow('google');
    expect((await deliver(callback, flowCookie)).location.searchParams.get('auth')).toBe(
      'complete-sign-up',
    );
    expectError(await deliver(callback, flowCookie), 'CALLBACK_REPLAYED');
    // the old code under a fresh flow's state: the provider refuses it
    const fresh = await startFlow('google');
    const injected = new URL(fresh.callback);
    injected.searchParams.set('code', callback.searchParams.get('code')!);
    expectError(await deliver(injected, fresh.flowCookie), 'CODE_REJECTED');
  });

  it('redirects a denied consent with ACCESS_DENIED', async () => {
    mocks.kakao.service.once('beforeAuthorizeRedirect', ({ url }: { url: URL }) => {
      url.searchParams.delete('code');
      url.searchParams.set('error', 'access_denied');
    });
    expectError(await signIn('kakao'), 'ACCESS_DENIED');
  });

  it('redirects an expired flow with INVALID_STATE', async () => {
    freshGoogleProfile();
    const { flowCookie, callback } = await startFlow('google');
    await em().nativeUpdate(
      OAuthFlow,
      { usedAt: null, expiresAt: { $gt: new Date(0) } },
      { expiresAt: new Date(Date.now() - 1000) },
    );
    expectError(await deliver(callback, flowCookie), 'INVALID_STATE');
  });
});

describe('login methods and unlinking', () => {
  it('never unlinks the last way to sign in', async () => {
    const { token, userId } = await googleAccount();
    const refused = await t.requestErrors(
      UnlinkSocialIdentityDocument,
      { provider: 'GOOGLE' },
      headers(token),
    );
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(await em().count(UserIdentity, { user: Number(userId) })).toBe(1);
  });

  it('unlinks one provider while another remains, then refuses the last', async () => {
    const { token, userId } = await googleAccount();
    // link Kakao through its verified e-mail: a password-less account cannot confirm, so link
    // in the database the way confirmSocialLink would
    const e = em();
    e.create(UserIdentity, {
      user: e.getReference(User, Number(userId)),
      provider: 'KAKAO' as never,
      subject: unique('kakao-linked'),
    });
    await e.flush();
    expect(
      await t.request(UnlinkSocialIdentityDocument, { provider: 'GOOGLE' }, headers(token)),
    ).toEqual({
      unlinkSocialIdentity: true,
    });
    const missing = await t.requestErrors(
      UnlinkSocialIdentityDocument,
      { provider: 'GOOGLE' },
      headers(token),
    );
    expect(codeOf(missing)).toBe('NOT_FOUND');
    const last = await t.requestErrors(
      UnlinkSocialIdentityDocument,
      { provider: 'KAKAO' },
      headers(token),
    );
    expect(codeOf(last)).toBe('CONFLICT');
  });

  it('unlinks the only provider of an account that has a password', async () => {
    const owner = await createUser(t, { email: `${unique('pw')}@example.com` });
    profiles.google = { sub: unique('pw'), email: owner.email, email_verified: true };
    const landed = await signIn('google');
    await t.request(
      ConfirmSocialLinkDocument,
      { token: landed.token!, password: owner.password },
      { 'x-forwarded-for': ip },
    );
    expect(
      await t.request(UnlinkSocialIdentityDocument, { provider: 'GOOGLE' }, headers(owner.token)),
    ).toEqual({
      unlinkSocialIdentity: true,
    });
    const methods = await t.request(MyLoginMethodsDocument, {}, headers(owner.token));
    expect(methods.myLoginMethods).toEqual({ hasPassword: true, identities: [] });
  });
});

describe('the role matrix of the social sign-in operations', () => {
  type Role = 'anonymous' | 'main' | 'member' | 'admin' | 'device';
  async function headersOf(role: Role): Promise<Record<string, string>> {
    switch (role) {
      case 'anonymous':
        return { 'x-forwarded-for': ip };
      case 'main':
        return headers((await createUser(t, { role: UserRole.MAIN })).token);
      case 'member':
        return headers((await createUser(t, { role: UserRole.MEMBER })).token);
      case 'admin':
        return headers((await createUser(t, { role: UserRole.ADMIN })).token);
      case 'device':
        return { ...(await createFamily(t)).device.headers, 'x-forwarded-for': ip };
    }
  }
  const roles: Role[] = ['anonymous', 'main', 'member', 'admin', 'device'];
  const user = { main: 'ok', member: 'ok', admin: 'ok' } as const;
  const rows: {
    name: string;
    expected: Record<Role, string>;
    run: (h: Record<string, string>) => Promise<unknown>;
  }[] = [
    {
      name: 'authProviders',
      expected: { anonymous: 'ok', ...user, device: 'ok' },
      run: (h) => t.request(AuthProvidersDocument, {}, h),
    },
    {
      name: 'myLoginMethods',
      expected: { anonymous: 'UNAUTHENTICATED', ...user, device: 'FORBIDDEN' },
      run: (h) => t.request(MyLoginMethodsDocument, {}, h),
    },
    {
      name: 'unlinkSocialIdentity (none linked)',
      expected: {
        anonymous: 'UNAUTHENTICATED',
        main: 'NOT_FOUND',
        member: 'NOT_FOUND',
        admin: 'NOT_FOUND',
        device: 'FORBIDDEN',
      },
      run: (h) => t.request(UnlinkSocialIdentityDocument, { provider: 'KAKAO' }, h),
    },
    {
      name: 'completeSocialSignUp (unknown token)',
      expected: {
        anonymous: 'BAD_USER_INPUT',
        main: 'BAD_USER_INPUT',
        member: 'BAD_USER_INPUT',
        admin: 'BAD_USER_INPUT',
        device: 'BAD_USER_INPUT',
      },
      run: (h) =>
        t.request(
          CompleteSocialSignUpDocument,
          { input: { token: 'x'.repeat(43), role: 'MEMBER', email: 'a@example.com' } },
          h,
        ),
    },
    {
      name: 'confirmSocialLink (unknown token)',
      expected: {
        anonymous: 'BAD_USER_INPUT',
        main: 'BAD_USER_INPUT',
        member: 'BAD_USER_INPUT',
        admin: 'BAD_USER_INPUT',
        device: 'BAD_USER_INPUT',
      },
      run: (h) => t.request(ConfirmSocialLinkDocument, { token: 'x'.repeat(43), password: 'p' }, h),
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${roles.map((role) => `${role} ${row.expected[role]}`).join(', ')}`, async () => {
      for (const role of roles) {
        const h = await headersOf(role);
        const outcome = await row.run(h).then(
          () => 'ok',
          (error: { response?: { errors?: { extensions?: Record<string, unknown> }[] } }) =>
            String(codeOf(error.response?.errors ?? [])),
        );
        expect({ role, outcome }).toEqual({ role, outcome: row.expected[role] });
      }
    });
  }
});

describe('an unconfigured provider', () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startTestServer({ ...oauthEnv('google') });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('is not offered and its routes answer 404', async () => {
    const data = await bare.request(AuthProvidersDocument);
    expect(data.authProviders.map((p) => p.provider)).toEqual(['GOOGLE']);
    const root = bare.url.replace(/\/graphql$/, '');
    for (const path of ['/auth/kakao', '/auth/kakao/callback?code=x&state=y', '/auth/github']) {
      const response = await fetch(`${root}${path}`, { redirect: 'manual' });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    expect((await fetch(`${root}/auth/google`, { redirect: 'manual' })).status).toBe(303);
  });

  it('stops the server at start when a client id lacks its redirect URL', async () => {
    const { loadConfig } = await import('../src/config.js');
    expect(() => loadConfig({ OAUTH_KAKAO_CLIENT_ID: 'k' })).toThrow(/OAUTH_KAKAO_REDIRECT_URL/);
    expect(() =>
      loadConfig({
        OAUTH_GOOGLE_CLIENT_ID: 'g',
        OAUTH_GOOGLE_REDIRECT_URL: 'https://api.example.com/auth/google/callback',
      }),
    ).toThrow(/OAUTH_GOOGLE_CLIENT_SECRET/);
  });
});
