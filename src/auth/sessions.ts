import type { EntityManager } from '../database/orm.js';
import { Session } from '../modules/account/session.entity.js';
import { User } from '../modules/account/user.entity.js';
import { marks, PlainReader } from '../database/plain.js';
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
 * The signed-in users behind session tokens (one answer per token, in order): `null` for a token
 * that is unknown, expired or whose user is suspended. Refreshes the sliding expiry, writing at
 * most once a minute per session. One query however many tokens: live delivery checks every
 * subscriber of an event at once.
 */
export async function authenticateSessions(
  em: EntityManager,
  tokens: readonly string[],
  now = new Date(),
): Promise<(UserViewer | null)[]> {
  return authenticateSessionHashes(em, tokens.map(sessionHash), now);
}

/** The stored hash of a session token, or null for a string that cannot be one. */
export function sessionHash(token: string): string | null {
  return looksLikeToken(token) ? hashToken(token) : null;
}

/**
 * {@link authenticateSessions} by token hashes ({@link sessionHash}): for a caller that holds a
 * token for long (a socket) and need not hash it at every check.
 */
export async function authenticateSessionHashes(
  em: EntityManager,
  hashes: readonly (string | null)[],
  now = new Date(),
): Promise<(UserViewer | null)[]> {
  const wanted = [...new Set(hashes.filter((hash): hash is string => hash !== null))];
  if (wanted.length === 0) return hashes.map(() => null);
  // plain rows in one statement, no entities or unit of work: every request makes this read,
  // and live delivery checks thousands of sessions per event
  const plain = new PlainReader(em);
  const rows = await plain.query(
    `select ${plain.columns(Session, 's', 's__')}, u.id as u__id, u.role as u__role, ` +
      `u.suspended_until as u__suspended_until from ${plain.table(Session)} s ` +
      `join ${plain.table(User)} u on u.id = s.user_id where s.token_hash in (${marks(wanted)})`,
    wanted,
  );
  const touch: number[] = [];
  const viewers = new Map<string, UserViewer | null>();
  for (const row of rows) {
    const session = plain.row(Session, row, 's__')!;
    const user = plain.row(User, row, 'u__')!;
    // SQLite hands booleans back as 0 or 1
    session.remember = Boolean(session.remember);
    if (
      sessionExpiresAt(session) <= now ||
      (user.suspendedUntil != null && user.suspendedUntil > now)
    ) {
      viewers.set(session.tokenHash, null);
      continue;
    }
    const touched = now.getTime() - session.lastSeenAt.getTime() >= SESSION_POLICY.touchEveryMs;
    if (touched) touch.push(session.id);
    viewers.set(session.tokenHash, {
      kind: 'user',
      userId: user.id,
      role: user.role,
      session: {
        id: session.id,
        remember: session.remember,
        createdAt: session.createdAt,
        expiresAt: sessionExpiresAt(touched ? { ...session, lastSeenAt: now } : session),
      },
    });
  }
  if (touch.length > 0) await em.nativeUpdate(Session, { id: { $in: touch } }, { lastSeenAt: now });
  return hashes.map((hash) => (hash === null ? null : (viewers.get(hash) ?? null)));
}

/** The signed-in user behind one session token (see {@link authenticateSessions}). */
export async function authenticateSession(
  em: EntityManager,
  token: string,
  now = new Date(),
): Promise<UserViewer | null> {
  const [viewer] = await authenticateSessions(em, [token], now);
  return viewer ?? null;
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
