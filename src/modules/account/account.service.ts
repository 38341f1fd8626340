import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { requireUser } from '../../auth/access.js';
import type { UserViewer } from '../../auth/viewer.js';
import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import { openSession, sessionExpiresAt } from '../../auth/sessions.js';
import { hashToken, looksLikeToken, newToken } from '../../auth/tokens.js';
import type { Config } from '../../config.js';
import type { Orm } from '../../database/orm.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import type { FileService } from '../file/file.service.js';
import type { EntityManager } from '../../database/orm.js';
import {
  AccountSuspendedError,
  BadUserInputError,
  ConflictError,
  NotFoundError,
  UnauthenticatedError,
} from '../../graphql/errors.js';
import { normalizePhone } from '../../graphql/validators.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Logger } from '../../observability/logger.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { regionProblems } from '../region/regions.js';
import type { AddressInput, LogInArgs, SignUpInput, UpdateMeInput } from './account.inputs.js';
import { userRoleOf } from './account.inputs.js';
import type { AuthPayload, SessionInfo } from './account.types.js';
import { File } from '../file/file.entity.js';
import { keysOf } from '../file/file.service.js';
import { PasswordReset } from './password-reset.entity.js';
import { Session } from './session.entity.js';
import { User, UserRole } from './user.entity.js';

/** Password reset links are valid this long. */
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The `logIn` budget of an account (its stored address) or of an unknown address, per IP. */
function loginLimitKey(email: string, ip: string): string {
  return `acct:${email}|ip:${ip}`;
}

function checkAddress(address: AddressInput, path: string): void {
  const problems = regionProblems(address.masterRegionCode, address.subRegionCode);
  const fields = Object.fromEntries(
    Object.entries(problems).map(([field, problem]) => [`${path}.${field}`, problem]),
  );
  if (Object.keys(fields).length > 0) throw new BadUserInputError(fields);
}

/** Accounts, sessions and passwords (SPEC §5 "Accounts and sessions"). */
export class AccountService {
  constructor(
    private readonly deps: {
      config: Config;
      rateLimiter: RateLimiter;
      mailer: Mailer;
      logger: Logger;
      orm: Orm;
      files: FileService;
      events: EventBus;
      /** The server's clock (a suspension ends when it passes). */
      clock: () => Date;
    },
  ) {}

  /** Opens a session (flushing the unit of work) and answers the rest of the operation as its user. */
  private async issue(
    ctx: Scope,
    em: EntityManager,
    user: User,
    remember: boolean,
  ): Promise<AuthPayload> {
    const { token, expiresAt, session } = openSession(em, user, {
      remember,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    await em.flush();
    const viewer: UserViewer = {
      kind: 'user',
      userId: user.id,
      role: user.role,
      session: { id: session.id, remember, createdAt: session.createdAt, expiresAt },
    };
    ctx.viewer = viewer;
    ctx.access.setViewer(viewer);
    // a remembered log-in survives browser restarts; otherwise the cookie lives as long as the browser session
    ctx.http?.setSessionCookie(token, remember ? session.absoluteExpiresAt : null);
    return { token, expiresAt, user };
  }

  async signUp(ctx: Scope, input: SignUpInput): Promise<AuthPayload> {
    await this.deps.rateLimiter.consume('signUp', `ip:${ctx.ip}`);
    checkAddress(input.address, 'input.address');
    const email = normalizeEmail(input.email);
    if ((await ctx.em.count(User, { email })) > 0) {
      throw new ConflictError('An account with this e-mail address already exists.');
    }
    const passwordHash = await hashPassword(input.password);
    try {
      return await ctx.em.transactional(async (em) => {
        const user = em.create(User, {
          email,
          passwordHash,
          name: input.name.trim(),
          role: userRoleOf(input.role),
          birthDate: input.birthDate,
          gender: input.gender,
          masterRegionCode: input.address.masterRegionCode,
          subRegionCode: input.address.subRegionCode,
          addressDetail: input.address.detail?.trim() ?? null,
          phone: normalizePhone(input.phone),
        });
        return this.issue(ctx, em, user, false);
      });
    } catch (error) {
      // two sign-ups with one address at once: the unique index decides
      if (error instanceof UniqueConstraintViolationException) {
        throw new ConflictError('An account with this e-mail address already exists.');
      }
      throw error;
    }
  }

  async logIn(ctx: Scope, args: LogInArgs): Promise<AuthPayload> {
    const email = normalizeEmail(args.email);
    const user = await ctx.em.findOne(User, { email }, { populate: ['passwordHash'] });
    // the budget belongs to the account the database matched, not to the text typed: MariaDB
    // compares e-mails ignoring case and accents, so `Mária@…` must not open a fresh budget for
    // `maria@…` (an unknown address keys on its normalised text; there is no account to guess)
    const limitKey = loginLimitKey(user?.email ?? email, ctx.ip);
    await this.deps.rateLimiter.consume('logIn', limitKey);
    // the same argon2 work runs for an unknown e-mail, and the same error comes back
    const check = await verifyPassword(user?.passwordHash, args.password);
    if (user === null || !check.ok)
      throw new UnauthenticatedError('Wrong e-mail address or password.');
    if (user.suspendedUntil !== null) {
      if (user.suspendedUntil > this.deps.clock())
        throw new AccountSuspendedError(user.suspendedUntil);
      // the suspension has run out: cleared here, so the new session is not refused as suspended
      user.suspendedUntil = null;
    }
    if (check.needsRehash) user.passwordHash = await hashPassword(args.password);
    // before the session exists: a store failure here must not leave a half-done log-in behind
    await this.deps.rateLimiter.reset('logIn', limitKey);
    return this.issue(ctx, ctx.em, user, args.remember);
  }

  async logOut(ctx: Scope): Promise<boolean> {
    ctx.http?.clearSessionCookie();
    if (ctx.viewer.kind !== 'user') return false;
    const ended = (await ctx.em.nativeDelete(Session, { id: ctx.viewer.session.id })) > 0;
    this.deps.events.liveAccessChanged({ userIds: [ctx.viewer.userId] });
    return ended;
  }

  async logOutEverywhere(ctx: Scope): Promise<number> {
    const viewer = requireUser(ctx.viewer);
    ctx.http?.clearSessionCookie();
    const ended = await ctx.em.nativeDelete(Session, { user: viewer.userId });
    this.deps.events.liveAccessChanged({ userIds: [viewer.userId] });
    return ended;
  }

  async mySessions(ctx: Scope): Promise<SessionInfo[]> {
    const viewer = requireUser(ctx.viewer);
    const now = new Date();
    const sessions = await ctx.em.find(
      Session,
      { user: viewer.userId },
      { orderBy: { lastSeenAt: 'desc', id: 'desc' } },
    );
    return sessions
      .map((session) => ({ session, expiresAt: sessionExpiresAt(session) }))
      .filter(({ expiresAt }) => expiresAt > now)
      .map(({ session, expiresAt }) => ({
        id: session.id,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        expiresAt,
        remember: session.remember,
        userAgent: session.userAgent,
        current: session.id === viewer.session.id,
      }));
  }

  async revokeSession(ctx: Scope, sessionId: number): Promise<boolean> {
    const viewer = requireUser(ctx.viewer);
    // someone else's session is "not found", never "forbidden"
    const deleted = await ctx.em.nativeDelete(Session, { id: sessionId, user: viewer.userId });
    if (deleted === 0) throw new NotFoundError('Session', sessionId);
    this.deps.events.liveAccessChanged({ userIds: [viewer.userId] });
    if (sessionId === viewer.session.id) ctx.http?.clearSessionCookie();
    return true;
  }

  async me(ctx: Scope): Promise<User | null> {
    if (ctx.viewer.kind !== 'user') return null;
    return ctx.em.findOne(User, { id: ctx.viewer.userId });
  }

  async updateMe(ctx: Scope, input: UpdateMeInput): Promise<User> {
    const viewer = requireUser(ctx.viewer);
    if (input.address) checkAddress(input.address, 'input.address');
    const user = await ctx.em.findOneOrFail(User, { id: viewer.userId });
    // omitted keeps the avatar, null removes it; the old file and the new reference go in one flush
    if (input.avatarId !== undefined && input.avatarId !== user.avatarId) {
      const files = this.deps.files;
      if (input.avatarId !== null) {
        await files.referenceAvatar(ctx.em, {
          fileId: input.avatarId,
          userId: user.id,
          field: 'input.avatarId',
        });
      }
      if (user.avatarId !== null) await files.release(ctx.em, user.avatarId);
      user.avatarId = input.avatarId;
    }
    if (input.name != null) user.name = input.name.trim();
    if (input.birthDate != null) user.birthDate = input.birthDate;
    if (input.gender != null) user.gender = input.gender;
    if (input.phone != null) user.phone = normalizePhone(input.phone);
    if (input.address != null) {
      user.masterRegionCode = input.address.masterRegionCode;
      user.subRegionCode = input.address.subRegionCode;
      user.addressDetail = input.address.detail?.trim() ?? null;
    }
    await ctx.em.flush();
    return user;
  }

  /** Loads the viewer with the password hash and checks `password`, or answers BAD_USER_INPUT on `field`. */
  private async confirmPassword(ctx: Scope, password: string, field: string): Promise<User> {
    const viewer = requireUser(ctx.viewer);
    const user = await ctx.em.findOneOrFail(
      User,
      { id: viewer.userId },
      { populate: ['passwordHash'] },
    );
    await this.deps.rateLimiter.consume('logIn', loginLimitKey(user.email, ctx.ip));
    if (!(await verifyPassword(user.passwordHash, password)).ok) {
      throw BadUserInputError.field(field, 'is incorrect');
    }
    return user;
  }

  async deleteMe(ctx: Scope, password: string): Promise<boolean> {
    const user = await this.confirmPassword(ctx, password, 'password');
    // the user's own files and a main user's family (with its file rows) cascade with the
    // account; stored objects follow
    const files = await ctx.em.find(
      File,
      { $or: [{ owner: user.id }, { family: { mainUser: user.id } }] },
      { fields: ['id', 'storageKey', 'thumbnailKey'] },
    );
    await ctx.em.remove(user).flush();
    this.deps.events.liveAccessChanged({ userIds: [user.id] });
    // a main user's family, and so its devices, went with the account
    if (user.role === UserRole.MAIN) this.deps.events.devicesChanged(null);
    await this.deps.files.removeObjects(files.flatMap(keysOf));
    ctx.http?.clearSessionCookie();
    return true;
  }

  async changePassword(ctx: Scope, currentPassword: string, newPassword: string): Promise<boolean> {
    const viewer = requireUser(ctx.viewer);
    const user = await this.confirmPassword(ctx, currentPassword, 'currentPassword');
    if (currentPassword === newPassword) {
      throw BadUserInputError.field('newPassword', 'must differ from the current password');
    }
    const passwordHash = await hashPassword(newPassword);
    await ctx.em.transactional(async (em) => {
      await em.nativeUpdate(User, { id: user.id }, { passwordHash, passwordChangedAt: new Date() });
      // anyone who learnt the old password loses their sessions; this one stays
      await em.nativeDelete(Session, { user: user.id, id: { $ne: viewer.session.id } });
    });
    this.deps.events.liveAccessChanged({ userIds: [user.id] });
    return true;
  }

  async requestPasswordReset(ctx: Scope, rawEmail: string): Promise<boolean> {
    await this.deps.rateLimiter.consume('requestPasswordReset', `ip:${ctx.ip}`);
    const email = normalizeEmail(rawEmail);
    // answered before any lookup, write or mail: the timing is the same whether the account exists
    void this.sendPasswordReset(ctx, email).catch((error: unknown) =>
      ctx.log.error({ err: error }, 'password reset failed'),
    );
    return true;
  }

  /** Creates a reset token for an existing account and e-mails its link; runs detached from the request. */
  private async sendPasswordReset(ctx: Scope, email: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const user = await em.findOne(User, { email });
    if (user === null) return;
    const token = newToken();
    em.create(PasswordReset, {
      user,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + PASSWORD_RESET_TTL_MS),
    });
    await em.flush();
    const link = new URL('/reset-password', this.deps.config.publicWebUrl);
    link.searchParams.set('token', token);
    await this.deps.mailer.send({
      to: user.email,
      subject: 'Reset your Carebot password',
      text:
        `Someone (hopefully you) asked to reset the password of your Carebot account.\n\n` +
        `Open this link within 30 minutes to choose a new password:\n${link.toString()}\n\n` +
        `If it was not you, ignore this e-mail: your password stays as it is.`,
    });
  }

  async resetPassword(ctx: Scope, token: string, newPassword: string): Promise<boolean> {
    const invalid = () => BadUserInputError.field('token', 'is invalid or has expired');
    if (!looksLikeToken(token)) throw invalid();
    const now = new Date();
    const reset = await ctx.em.findOne(PasswordReset, {
      tokenHash: hashToken(token),
      usedAt: null,
      expiresAt: { $gt: now },
    });
    if (reset === null) throw invalid();
    const passwordHash = await hashPassword(newPassword);
    await ctx.em.transactional(async (em) => {
      // single use even when two requests race: only one of them flips usedAt
      const claimed = await em.nativeUpdate(
        PasswordReset,
        { id: reset.id, usedAt: null },
        { usedAt: now },
      );
      if (claimed === 0) throw invalid();
      const userId = reset.user.id;
      await em.nativeUpdate(PasswordReset, { user: userId, usedAt: null }, { usedAt: now });
      await em.nativeUpdate(User, { id: userId }, { passwordHash, passwordChangedAt: now });
      await em.nativeDelete(Session, { user: userId });
    });
    this.deps.events.liveAccessChanged({ userIds: [reset.user.id] });
    return true;
  }
}
