import type { AuthCheckerFn } from 'type-graphql';
import type { Context } from '../context.js';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors.js';
import type { UserRole } from '../modules/account/user.entity.js';

/**
 * type-graphql's `@Authorized()` gate: a signed-in user is required; with roles
 * (`@Authorized(UserRole.ADMIN)`) the user must have one of them. Family-level rules live in
 * the access module, not here.
 */
export const authChecker: AuthCheckerFn<Context, UserRole> = ({ context }, roles) => {
  const { viewer } = context;
  if (viewer.kind === 'anonymous') throw new UnauthenticatedError();
  // a Carebot device acts only through its own device operations
  if (viewer.kind === 'device') throw new ForbiddenError('A device cannot do this.');
  if (roles.length > 0 && !roles.includes(viewer.role)) throw new ForbiddenError();
  return true;
};
