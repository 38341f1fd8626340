import argon2 from 'argon2';

/**
 * argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1). Raising a number here makes every
 * older hash be rehashed on its owner's next successful log-in.
 */
export const ARGON2_PARAMS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

/** SPEC §5: passwords are 10–128 characters (counted as Unicode code points). */
export const PASSWORD_LENGTH = { min: 10, max: 128 } as const;

/** The problem with a candidate password, or `undefined` when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_LENGTH.min)
    return `must be at least ${PASSWORD_LENGTH.min} characters long`;
  if (length > PASSWORD_LENGTH.max) return `must be at most ${PASSWORD_LENGTH.max} characters long`;
  if (password.trim().length === 0) return 'must not be blank';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_PARAMS);
}

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with weaker parameters than {@link ARGON2_PARAMS}: store a new one. */
  needsRehash: boolean;
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. With no hash (unknown account) it verifies against
 * a dummy hash, so the answer takes as long either way and timing reveals no account.
 */
export async function verifyPassword(
  hash: string | undefined,
  password: string,
): Promise<PasswordCheck> {
  if (hash === undefined) {
    dummyHash ??= hashPassword('dummy password for unknown accounts');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return { ok: false, needsRehash: false };
  }
  const ok = await argon2.verify(hash, password).catch(() => false);
  return { ok, needsRehash: ok && argon2.needsRehash(hash, ARGON2_PARAMS) };
}
