import { openSession } from '../../src/auth/sessions.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { type Gender, User, UserRole } from '../../src/modules/account/user.entity.js';
import type { SignUpInput } from '../__generated__/graphql.js';
import type { SeedTarget } from '../helpers/test-server.js';

export interface TestUser {
  user: User;
  email: string;
  password: string;
  /** A live session token for this user. */
  token: string;
  /** `Authorization` header for HTTP requests as this user. */
  headers: { authorization: string };
}

let counter = 0;

/** argon2 is slow on purpose: hash each distinct password once per test file. */
const hashes = new Map<string, Promise<string>>();
function hashOnce(password: string): Promise<string> {
  let hash = hashes.get(password);
  if (hash === undefined) {
    hash = hashPassword(password);
    hashes.set(password, hash);
  }
  return hash;
}

/** Creates a user (and a session) straight in the database: fast, and no sign-up rate limit. */
export async function createUser(
  t: SeedTarget,
  overrides: Partial<Pick<User, 'name' | 'role' | 'birthDate' | 'suspendedUntil'>> & {
    email?: string;
    password?: string;
    gender?: Gender;
    remember?: boolean;
  } = {},
): Promise<TestUser> {
  counter += 1;
  const email = overrides.email ?? `user${counter}-${Date.now()}@example.com`;
  const password = overrides.password ?? 'correct horse battery staple';
  const em = t.server.app.orm.em.fork();
  const user = em.create(User, {
    email,
    passwordHash: await hashOnce(password),
    name: overrides.name ?? `Test User ${counter}`,
    role: overrides.role ?? UserRole.MEMBER,
    birthDate: overrides.birthDate ?? '1950-05-05',
    gender: overrides.gender ?? null,
    masterRegionCode: '11',
    subRegionCode: '11110',
    phone: '01012345678',
    ...(overrides.suspendedUntil === undefined ? {} : { suspendedUntil: overrides.suspendedUntil }),
  });
  const { token } = openSession(em, user, { remember: overrides.remember ?? false });
  await em.flush();
  return { user, email, password, token, headers: { authorization: `Bearer ${token}` } };
}

let signUps = 0;
/** A valid `signUp` input with an address of its own, for tests that go through the API. */
export function signUpInput(overrides: Partial<SignUpInput> = {}): SignUpInput {
  signUps += 1;
  return {
    email: `new${signUps}-${Date.now()}@Example.com`,
    password: 'a long enough password',
    name: '김영희',
    birthDate: '1945-08-15',
    gender: 'FEMALE',
    address: { masterRegionCode: '11', subRegionCode: '11110', detail: '종로 1길 2' },
    phone: '010-1234-5678',
    role: 'MAIN',
    ...overrides,
  };
}
