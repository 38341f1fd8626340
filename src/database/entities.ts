import { PasswordReset } from '../modules/account/password-reset.entity.js';
import { Session } from '../modules/account/session.entity.js';
import { User } from '../modules/account/user.entity.js';

/**
 * Every MikroORM entity of the application. Listed explicitly (not discovered by glob) so the
 * same list works from TypeScript sources under vitest and from the compiled `dist/` build.
 */
export const entities: Function[] = [User, Session, PasswordReset];
