import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import * as oidc from 'openid-client';
import { requireUser } from '../../auth/access.js';
import { verifyPassword } from '../../auth/passwords.js';
import { openSession } from '../../auth/sessions.js';
import { hashToken, looksLikeToken, newToken } from '../../auth/tokens.js';
import type { UserViewer } from '../../auth/viewer.js';
import type { Config } from '../../config.js';
import type { EntityManager, Orm } from '../../database/orm.js';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../graphql/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Scope } from '../../scope.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { userRoleOf } from '../account/account.inputs.js';
import type { AuthPayload } from '../account/account.types.js';
import { User, UserRole } from '../account/user.entity.js';
import { OidcClient, ProviderExchangeError, type ProviderProfile } from './oauth.client.js';
import { OAUTH_PROVIDERS, type OAuthProviderName } from './oauth.config.js';
import { AuthProvider, OAuthFlow, OAuthPending, UserIdentity } from './oauth.entities.js';
import type { CompleteSocialSignUpInput } from './oauth.inputs.js';
import type { AuthProviderInfo, LoginMethods } from './oauth.types.js';

/** How long the provider's sign-in page may take, from our redirect to its callback. */
export const FLOW_TTL_MS = 10 * 60_000;
/** How long the completion step (role choice, or the password to link) may take. */
export const PENDING_TTL_MS = 15 * 60_000;
/** How often spent and expired flows are deleted. */
export const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * The password hash of an account made by social sign-in: argon2 can match no password to it,
 * so `logIn` refuses it like a wrong password until one is set through a password reset.
 */
export const NO_PASSWORD = '';

/** The error codes a callback redirects with (`?auth=error&error=<code>`). */
export const OAuthErrorCode = {
  /** The person declined consent at the provider. */
  AccessDenied: 'ACCESS_DENIED',
  /** The provider answered with another error. */
  ProviderError: 'PROVIDER_ERROR',
  /** The provider's discovery document could not be fetched. */
  ProviderUnavailable: 'PROVIDER_UNAVAILABLE',
  /** No flow of this browser has this `state` (forged, expired or from another browser). */
  InvalidState: 'INVALID_STATE',
  /** The callback of a flow that was already completed was presented again. */
  CallbackReplayed: 'CALLBACK_REPLAYED',
  /** The provider refused the code (e.g. a code used before) or its tokens failed the checks. */
  CodeRejected: 'CODE_REJECTED',
  /** The e-mail matches an account, but the provider does not say it is verified. */
  EmailNotVerified: 'EMAIL_NOT_VERIFIED',
  /** The e-mail's account already has another account of this provider linked. */
  AlreadyLinked: 'ALREADY_LINKED',
  /** Admin accounts sign in with their password only. */
  NotLinkable: 'NOT_LINKABLE',
  AccountSuspended: 'ACCOUNT_SUSPENDED',
  /** Anything unexpected (logged); never a 500 page in the browser. */
  ServerError: 'SERVER_ERROR',
} as const;
export type OAuthErrorCode = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode];

/** What an `/auth/…` route answers, for server.ts to write in its framework. */
export type OAuthHttpResult =
  | { kind: 'not-found' }
  | {
      kind: 'redirect';
      location: string;
      /** Set (a value) or clear (null) the flow cookie; undefined leaves it. */
      flowCookie?: string | null;
      /** A session to set as the session cookie (browser-session lifetime). */
      sessionToken?: string;
    };

/** The HttpOnly cookie that binds a flow's `state` to the browser that started it. */
export const FLOW_COOKIE = 'carebot_oauth';

const PROVIDER_OF: Record<OAuthProviderName, AuthProvider> = {
  google: AuthProvider.GOOGLE,
  kakao: AuthProvider.KAKAO,
};

function routeName(provider: AuthProvider): OAuthProviderName {
  return provider === AuthProvider.GOOGLE ? 'google' : 'kakao';
}

/** Same key as `logIn`'s, so guessing a password here spends the same budget. */
function loginLimitKey(email: string, ip: string): string {
  return `acct:${email}|ip:${ip}`;
}

/** Social sign-in (Google, Kakao): the HTTP flow, the completion step, linking and unlinking. */
export class OAuthService {
  private readonly clients = new Map<OAuthProviderName, OidcClient>();

  constructor(
    private readonly deps: {
      config: Config;
      orm: Orm;
      logger: Logger;
      rateLimiter: RateLimiter;
      clock: () => Date;
    },
  ) {
    for (const name of OAUTH_PROVIDERS) {
      const provider = deps.config.oauth[name];
      if (provider !== undefined) this.clients.set(name, new OidcClient(provider));
    }
  }

  /** The configured providers, in a stable order. */
  providers(): AuthProviderInfo[] {
    return [...this.clients.keys()].map((name) => ({
      provider: PROVIDER_OF[name],
      startPath: `/auth/${name}`,
    }));
  }

  private client(name: string): OidcClient | undefined {
    return this.clients.get(name as OAuthProviderName);
  }

  private webUrl(params: Record<string, string>, fragment?: Record<string, string>): string {
    const url = new URL(`${this.deps.config.publicWebUrl}/`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    // a completion token goes in the fragment: browsers send it to no server and no Referer
    if (fragment !== undefined) url.hash = new URLSearchParams(fragment).toString();
    return url.toString();
  }

  private failure(name: string, error: OAuthErrorCode): OAuthHttpResult {
    return {
      kind: 'redirect',
      location: this.webUrl({ auth: 'error', provider: name, error }),
      flowCookie: null,
    };
  }

  /** `GET /auth/:provider`: a new flow, then off to the provider's sign-in page. */
  async start(name: string): Promise<OAuthHttpResult> {
    const client = this.client(name);
    if (client === undefined) return { kind: 'not-found' };
    const checks = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    let location: URL;
    try {
      location = await client.authorizationUrl(checks);
    } catch (error) {
      this.deps.logger.warn({ err: error, provider: name }, 'OIDC discovery failed');
      return this.failure(name, OAuthErrorCode.ProviderUnavailable);
    }
    try {
      const em = this.deps.orm.em.fork();
      em.create(OAuthFlow, {
        stateHash: hashToken(checks.state),
        provider: PROVIDER_OF[name as OAuthProviderName],
        codeVerifier: checks.codeVerifier,
        nonce: checks.nonce,
        expiresAt: new Date(this.deps.clock().getTime() + FLOW_TTL_MS),
      });
      await em.flush();
    } catch (error) {
      this.deps.logger.error({ err: error, provider: name }, 'social sign-in failed');
      return this.failure(name, OAuthErrorCode.ServerError);
    }
    return { kind: 'redirect', location: location.toString(), flowCookie: checks.state };
  }

  /**
   * `GET /auth/:provider/callback`: every outcome is a redirect to the web app, an error one
   * included, so a browser never lands on an API error page.
   */
  async callback(
    name: string,
    query: URLSearchParams,
    flowCookie: string | undefined,
    client: { ip: string; userAgent: string | undefined },
  ): Promise<OAuthHttpResult> {
    const oidcClient = this.client(name);
    if (oidcClient === undefined) return { kind: 'not-found' };
    try {
      return await this.finish(name, oidcClient, query, flowCookie, client);
    } catch (error) {
      this.deps.logger.error({ err: error, provider: name }, 'social sign-in failed');
      return this.failure(name, OAuthErrorCode.ServerError);
    }
  }

  private async finish(
    name: string,
    oidcClient: OidcClient,
    query: URLSearchParams,
    flowCookie: string | undefined,
    client: { ip: string; userAgent: string | undefined },
  ): Promise<OAuthHttpResult> {
    const provider = PROVIDER_OF[name as OAuthProviderName];
    const now = this.deps.clock();
    const em = this.deps.orm.em.fork();
    const state = query.get('state') ?? '';
    const flow = state === '' ? null : await em.findOne(OAuthFlow, { stateHash: hashToken(state) });
    if (flow?.usedAt != null) return this.failure(name, OAuthErrorCode.CallbackReplayed);
    // a state this browser did not start is someone else's flow (login CSRF): left unspent
    if (
      flow === null ||
      flow.provider !== provider ||
      flowCookie !== state ||
      flow.expiresAt <= now
    )
      return this.failure(name, OAuthErrorCode.InvalidState);
    // spent by exactly one callback, even when two race
    if ((await em.nativeUpdate(OAuthFlow, { id: flow.id, usedAt: null }, { usedAt: now })) === 0)
      return this.failure(name, OAuthErrorCode.CallbackReplayed);

    const providerError = query.get('error');
    if (providerError !== null) {
      return this.failure(
        name,
        providerError === 'access_denied'
          ? OAuthErrorCode.AccessDenied
          : OAuthErrorCode.ProviderError,
      );
    }
    let profile: ProviderProfile;
    try {
      profile = await oidcClient.exchange(query, {
        state,
        nonce: flow.nonce,
        codeVerifier: flow.codeVerifier,
      });
    } catch (error) {
      if (!(error instanceof ProviderExchangeError)) throw error;
      this.deps.logger.warn({ err: error.cause, provider: name }, error.message);
      return this.failure(name, OAuthErrorCode.CodeRejected);
    }
    return this.resolve(em, name, provider, profile, now, client);
  }

  /** Signs in the identity's user, or parks the profile for the completion or link step. */
  private async resolve(
    em: EntityManager,
    name: string,
    provider: AuthProvider,
    profile: ProviderProfile,
    now: Date,
    client: { ip: string; userAgent: string | undefined },
  ): Promise<OAuthHttpResult> {
    const identity = await em.findOne(
      UserIdentity,
      { provider, subject: profile.subject },
      { populate: ['user'] },
    );
    if (identity !== null) {
      const user = identity.user.getEntity();
      if (user.suspendedUntil !== null && user.suspendedUntil > now)
        return this.failure(name, OAuthErrorCode.AccountSuspended);
      identity.lastUsedAt = now;
      if (profile.email !== null) identity.email = profile.email;
      const { token } = openSession(em, user, { remember: false, ...client }, now);
      await em.flush();
      return {
        kind: 'redirect',
        location: this.webUrl({ auth: 'signed-in', provider: name }),
        flowCookie: null,
        sessionToken: token,
      };
    }
    const existing =
      profile.email === null ? null : await em.findOne(User, { email: profile.email });
    if (existing !== null) {
      // an address the provider has not verified proves nothing about who owns the account
      if (!profile.emailVerified) return this.failure(name, OAuthErrorCode.EmailNotVerified);
      if (existing.role === UserRole.ADMIN) return this.failure(name, OAuthErrorCode.NotLinkable);
      if ((await em.count(UserIdentity, { user: existing.id, provider })) > 0)
        return this.failure(name, OAuthErrorCode.AlreadyLinked);
    }
    const token = newToken();
    em.create(OAuthPending, {
      tokenHash: hashToken(token),
      provider,
      subject: profile.subject,
      email: profile.email,
      emailVerified: profile.emailVerified,
      name: profile.name,
      linkUser: existing,
      expiresAt: new Date(now.getTime() + PENDING_TTL_MS),
    });
    await em.flush();
    return {
      kind: 'redirect',
      location: this.webUrl(
        { auth: existing === null ? 'complete-sign-up' : 'confirm-link', provider: name },
        { token },
      ),
      flowCookie: null,
    };
  }

  /** The pending sign-in behind a completion token, or BAD_USER_INPUT on `field`. */
  private async pending(ctx: Scope, token: string, field: string, link: boolean) {
    const invalid = () => BadUserInputError.field(field, 'is invalid or has expired');
    if (!looksLikeToken(token)) throw invalid();
    const pending = await ctx.em.findOne(OAuthPending, {
      tokenHash: hashToken(token),
      usedAt: null,
      expiresAt: { $gt: this.deps.clock() },
      linkUser: link ? { $ne: null } : null,
    });
    if (pending === null) throw invalid();
    return pending;
  }

  /** Opens a session for `user` in this operation (cookie included) and answers as them. */
  private async signIn(ctx: Scope, em: EntityManager, user: User): Promise<AuthPayload> {
    const { token, expiresAt, session } = openSession(
      em,
      user,
      { remember: false, ip: ctx.ip, userAgent: ctx.userAgent },
      this.deps.clock(),
    );
    await em.flush();
    const viewer: UserViewer = {
      kind: 'user',
      userId: user.id,
      role: user.role,
      session: { id: session.id, remember: false, createdAt: session.createdAt, expiresAt },
    };
    ctx.viewer = viewer;
    ctx.access.setViewer(viewer);
    ctx.http?.setSessionCookie(token, null);
    return { token, expiresAt, user };
  }

  /**
   * Spends a pending sign-in, links its provider account to `user` and signs `user` in, in one
   * transaction: a second use of the token, or the same provider account linked meanwhile
   * (unique index), changes nothing.
   */
  private linkAndSignIn(
    ctx: Scope,
    pending: OAuthPending,
    field: string,
    makeUser: (em: EntityManager) => User,
  ): Promise<AuthPayload> {
    return ctx.em.transactional(async (em) => {
      const claimed = await em.nativeUpdate(
        OAuthPending,
        { id: pending.id, usedAt: null },
        { usedAt: this.deps.clock() },
      );
      if (claimed === 0) throw BadUserInputError.field(field, 'is invalid or has expired');
      const user = makeUser(em);
      em.create(UserIdentity, {
        user,
        provider: pending.provider,
        subject: pending.subject,
        email: pending.email,
      });
      return this.signIn(ctx, em, user);
    });
  }

  async completeSignUp(ctx: Scope, input: CompleteSocialSignUpInput): Promise<AuthPayload> {
    await this.deps.rateLimiter.consume('signUp', `ip:${ctx.ip}`);
    const pending = await this.pending(ctx, input.token, 'input.token', false);
    const email =
      input.email?.trim().toLowerCase() ?? (pending.emailVerified ? pending.email : null);
    if (email === null)
      throw BadUserInputError.field(
        'input.email',
        'is required: the provider gave no verified e-mail address',
      );
    const name = input.name?.trim() ?? pending.name;
    if (name === null)
      throw BadUserInputError.field('input.name', 'is required: the provider gave no name');
    const taken = () =>
      new ConflictError(
        'An account with this e-mail address (or this provider account) already exists: sign in with its password to link the provider.',
      );
    if ((await ctx.em.count(User, { email })) > 0) throw taken();
    try {
      return await this.linkAndSignIn(ctx, pending, 'input.token', (em) =>
        em.create(User, { email, passwordHash: NO_PASSWORD, name, role: userRoleOf(input.role) }),
      );
    } catch (error) {
      // the same address or provider account signed up twice at once: the unique indexes decide
      if (error instanceof UniqueConstraintViolationException) throw taken();
      throw error;
    }
  }

  async confirmLink(ctx: Scope, token: string, password: string): Promise<AuthPayload> {
    const pending = await this.pending(ctx, token, 'token', true);
    const user = await ctx.em.findOneOrFail(
      User,
      { id: pending.linkUser!.id },
      { populate: ['passwordHash'] },
    );
    await this.deps.rateLimiter.consume('logIn', loginLimitKey(user.email, ctx.ip));
    if (!(await verifyPassword(user.passwordHash, password)).ok)
      throw BadUserInputError.field('password', 'is incorrect');
    if (user.suspendedUntil !== null && user.suspendedUntil > this.deps.clock())
      throw new ForbiddenError(
        `This account is suspended until ${user.suspendedUntil.toISOString()}.`,
      );
    try {
      return await this.linkAndSignIn(ctx, pending, 'token', () => user);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw new ConflictError('This provider account is already linked.');
      throw error;
    }
  }

  async loginMethods(ctx: Scope): Promise<LoginMethods> {
    const viewer = requireUser(ctx.viewer);
    const user = await ctx.em.findOneOrFail(
      User,
      { id: viewer.userId },
      { populate: ['passwordHash'] },
    );
    const identities = await ctx.em.find(
      UserIdentity,
      { user: viewer.userId },
      { orderBy: { id: 'asc' } },
    );
    return { hasPassword: user.passwordHash !== NO_PASSWORD, identities };
  }

  async unlink(ctx: Scope, provider: AuthProvider): Promise<boolean> {
    const viewer = requireUser(ctx.viewer);
    return ctx.em.transactional(async (em) => {
      // the user row is locked, so two unlinks at once cannot both see "another way left"
      const user = await em.findOneOrFail(
        User,
        { id: viewer.userId },
        { populate: ['passwordHash'], lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const identities = await em.find(UserIdentity, { user: user.id });
      const identity = identities.find((one) => one.provider === provider);
      if (identity === undefined) throw new NotFoundError('SocialIdentity', provider);
      if (user.passwordHash === NO_PASSWORD && identities.length === 1)
        throw new ConflictError(
          `${routeName(provider)} is the only way to sign in to this account: set a password or link another provider first.`,
        );
      await em.nativeDelete(UserIdentity, { id: identity.id });
      return true;
    });
  }

  /** Deletes flows and pending sign-ins past their lifetime; returns how many. */
  async purge(now: Date): Promise<number> {
    const em = this.deps.orm.em.fork();
    const flows = await em.nativeDelete(OAuthFlow, { expiresAt: { $lte: now } });
    const pendings = await em.nativeDelete(OAuthPending, { expiresAt: { $lte: now } });
    return flows + pendings;
  }
}
