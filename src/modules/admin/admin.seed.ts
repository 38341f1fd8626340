import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../auth/passwords.js';
import type { EntityManager } from '../../database/orm.js';
import { User, UserRole } from '../account/user.entity.js';

/** The demo admin's e-mail address. */
export const DEMO_ADMIN_EMAIL = 'admin@demo.carebot.local';

/**
 * Creates the demo admin, or gives the existing one a new password, and prints the password:
 * random every run (an admin account with a public password would be one too many).
 */
export async function seedAdminDemo(em: EntityManager): Promise<void> {
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  const existing = await em.findOne(User, { email: DEMO_ADMIN_EMAIL });
  if (existing === null) {
    em.create(User, {
      email: DEMO_ADMIN_EMAIL,
      passwordHash,
      name: '운영자',
      role: UserRole.ADMIN,
    });
  } else {
    existing.passwordHash = passwordHash;
    existing.role = UserRole.ADMIN;
  }
  await em.flush();
  console.log(
    `Admin console: log in as ${DEMO_ADMIN_EMAIL} with the password ${password} (new on every run).`,
  );
}
