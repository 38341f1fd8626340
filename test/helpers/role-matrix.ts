import type { TestFamily } from '../factories/families.js';

/** Who calls in a role matrix over one family. */
export type Caller =
  'main' | 'manager' | 'caregiver' | 'pending' | 'otherMember' | 'device' | 'anonymous';

/** What an operation came to for one caller: `ok`, or the first error's `extensions.code`. */
export type Outcome = 'ok' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'BAD_USER_INPUT';

/** One operation of a role matrix: what each caller must get, and how to call it. */
export interface MatrixRow {
  name: string;
  expected: Record<Caller, Outcome>;
  run: (headers: Record<string, string>) => Promise<unknown>;
}

/**
 * The callers of a role matrix: `f`'s main user, first manager, first caregiver, first pending
 * applicant and device, a caregiver of `other`, and nobody.
 */
export function callersOf(
  f: TestFamily,
  other: TestFamily,
): Record<Caller, Record<string, string>> {
  return {
    main: f.main.headers,
    manager: f.managers[0]!.headers,
    caregiver: f.caregivers[0]!.headers,
    pending: f.pending[0]!.headers,
    otherMember: other.caregivers[0]!.headers,
    device: f.device.headers,
    anonymous: {},
  };
}

/** `ok` when `work` succeeds, else the first GraphQL error's `extensions.code` (or the error). */
export async function outcomeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'ok';
  } catch (error) {
    const errors = (error as { response?: { errors?: { extensions?: Record<string, unknown> }[] } })
      .response?.errors;
    return String(errors?.[0]?.extensions?.['code'] ?? error);
  }
}

/**
 * Runs every row as every caller (rows in order, each through the callers in order) and returns
 * what each got beside what each must get: `expect(got).toEqual(want)` checks the whole matrix
 * and shows every cell that differs.
 */
export async function roleMatrix(
  callers: Record<Caller, Record<string, string>>,
  rows: readonly MatrixRow[],
): Promise<{
  got: Record<string, Record<string, string>>;
  want: Record<string, Record<string, string>>;
}> {
  const got: Record<string, Record<string, string>> = {};
  const want: Record<string, Record<string, string>> = {};
  for (const row of rows) {
    got[row.name] = {};
    want[row.name] = row.expected;
    for (const [caller, headers] of Object.entries(callers))
      got[row.name]![caller] = await outcomeOf(() => row.run(headers));
  }
  return { got, want };
}
