import { BadUserInputError } from '../graphql/errors.js';
import type { EntityManager } from '../database/orm.js';
import { User } from '../modules/account/user.entity.js';
import { verifyPassword } from './passwords.js';
import { SESSION_POLICY } from './sessions.js';
import type { UserViewer } from './viewer.js';

/** Whether a sensitive operation needs the password again: a "remember me" session over 15 minutes old. */
export function needsReauthentication(viewer: UserViewer, now = new Date()): boolean {
  return (
    viewer.session.remember &&
    now.getTime() - viewer.session.createdAt.getTime() >= SESSION_POLICY.reauthWindowMs
  );
}

/**
 * SPEC §5: on a remembered session, `deleteFamily`, `deleteMe`, `changePassword` and
 * `registerDevice` need the password again (`currentPassword`) unless the log-in is under
 * 15 minutes old. Answers BAD_USER_INPUT on `currentPassword` when it is missing or wrong.
 */
export async function requireRecentAuthentication(
  em: EntityManager,
  viewer: UserViewer,
  currentPassword: string | null | undefined,
  field = 'currentPassword',
): Promise<void> {
  if (!needsReauthentication(viewer)) return;
  if (currentPassword === null || currentPassword === undefined || currentPassword === '') {
    throw BadUserInputError.field(field, 'is required: confirm your password to do this');
  }
  const user = await em.findOneOrFail(User, { id: viewer.userId }, { populate: ['passwordHash'] });
  if (!(await verifyPassword(user.passwordHash, currentPassword)).ok) {
    throw BadUserInputError.field(field, 'is incorrect');
  }
}
