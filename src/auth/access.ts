import type { Viewer } from './viewer.js';
import { UnauthenticatedError } from '../graphql/errors.js';
import { UserRole } from '../modules/account/user.entity.js';
import type { UserViewer } from './viewer.js';

/** The signed-in user, or UNAUTHENTICATED. */
export function requireUser(viewer: Viewer): UserViewer {
  if (viewer.kind !== 'user') throw new UnauthenticatedError();
  return viewer;
}

/**
 * Whether the viewer may see a user's personal details (email, phone, birth date, address):
 * the user themself and admins. (Family managers are added with families.)
 */
export function canSeePersonalDetails(viewer: Viewer, userId: number): boolean {
  if (viewer.kind !== 'user') return false;
  return viewer.userId === userId || viewer.role === UserRole.ADMIN;
}
