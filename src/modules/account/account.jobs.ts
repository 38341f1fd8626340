import { purgeExpiredSessions } from '../../auth/sessions.js';
import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import { PasswordReset } from './password-reset.entity.js';

/** How often expired sessions and spent reset tokens are deleted. */
export const PURGE_INTERVAL_MS = 10 * 60_000;

/** Deletes expired sessions and reset tokens that expired over a day ago; returns the counts. */
export async function purgeAccounts(
  orm: Orm,
  logger: Logger,
  now = new Date(),
): Promise<{ sessions: number; resets: number }> {
  const em = orm.em.fork();
  const sessions = await purgeExpiredSessions(em, now);
  const resets = await em.nativeDelete(PasswordReset, {
    expiresAt: { $lte: new Date(now.getTime() - 24 * 3600_000) },
  });
  if (sessions + resets > 0)
    logger.info({ sessions, resets }, 'purged expired sessions and reset tokens');
  return { sessions, resets };
}
