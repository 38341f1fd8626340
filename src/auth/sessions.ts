import type { EntityManager } from '../database/orm.js';
import { Session } from '../modules/account/session.entity.js';
import type { User } from '../modules/account/user.entity.js';
import { hashToken, looksLikeToken, newToken } from './tokens.js';
import type { UserViewer } from './viewer.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** SPEC §5 session lifetimes. */
export const SESSION_POLICY = {
  normal: { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE },
  remember: { idleMs: 30 * DAY, absoluteMs: 90 * DAY },
  /** Sensitive operations on a "remember me" session need the password unless logged in this recently. */
  reauthWindowMs: 15 * MINUTE,
  /** `lastSeenAt` is written at most this often, so reads do not each cost a write. */
  touchEveryMs: MINUTE,
} as const;

function policyOf(remember: boolean) {
  return remember ? SESSION_POLICY.remember : SESSION_POLICY.normal;
}

/** When a session ends if unused: the sliding idle limit or the absolute one, whichever is first. */
export function sessionExpiresAt(
  session: Pick<Session, 'remember' | 'lastSeenAt' | 'absoluteExpiresAt'>,
): Date {
  const idle = session.lastSeenAt.getTime() + policyOf(session.remember).idleMs;
  return new Date(Math.min(idle, session.absoluteExpiresAt.getTime()));
}

export interface NewSession {
  /** The bearer token; shown to the client once and never stored. */
  token: string;
  session: Session;
  expiresAt: Date;
}

/** Opens a session for a user who just proved who they are. Persists; the caller flushes. */
export function openSession(
  em: EntityManager,
  user: User,
  options: { remember: boolean; ip?: string | undefined; userAgent?: string | undefined },
  now = new Date(),
): NewSession {
  const token = newToken();
  const session = em.create(Session, {
    user,
    tokenHash: hashToken(token),
    remember: options.remember,
    createdAt: now,
    lastSeenAt: now,
    absoluteExpiresAt: new Date(now.getTime() + policyOf(options.remember).absoluteMs),
    userAgent: options.userAgent?.slice(0, 255) ?? null,
    ip: options.ip?.slice(0, 45) ?? null,
  });
  return { token, session, expiresAt: sessionExpiresAt(session) };
}

/**
 * The signed-in user behind a session token, or `null` when the token is unknown, expired or
 * its user is suspended. Refreshes the sliding expiry, writing at most once a minute.
 */
export async function authenticateSession(
  em: EntityManager,
  token: string,
  now = new Date(),
): Promise<UserViewer | null> {
  if (!looksLikeToken(token)) return null;
  const session = await em.findOne(
    Session,
    { tokenHash: hashToken(token) },
    { populate: ['user'] },
  );
  if (session === null) return null;
  const user = session.user.getEntity();
  if (sessionExpiresAt(session) <= now) return null;
  if (user.suspendedUntil !== null && user.suspendedUntil > now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_POLICY.touchEveryMs) {
    await em.nativeUpdate(Session, { id: session.id }, { lastSeenAt: now });
    session.lastSeenAt = now;
  }
  return {
    kind: 'user',
    userId: user.id,
    role: user.role,
    session: {
      id: session.id,
      remember: session.remember,
      createdAt: session.createdAt,
      expiresAt: sessionExpiresAt(session),
    },
  };
}

/** Deletes sessions past their idle or absolute limit; returns how many. */
export async function purgeExpiredSessions(em: EntityManager, now = new Date()): Promise<number> {
  return em.nativeDelete(Session, {
    $or: [
      { absoluteExpiresAt: { $lte: now } },
      {
        remember: false,
        lastSeenAt: { $lte: new Date(now.getTime() - SESSION_POLICY.normal.idleMs) },
      },
      {
        remember: true,
        lastSeenAt: { $lte: new Date(now.getTime() - SESSION_POLICY.remember.idleMs) },
      },
    ],
  });
}
