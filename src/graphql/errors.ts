import { GraphQLError } from 'graphql';

/** The stable `extensions.code` values of SPEC §3. */
export const ErrorCode = {
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  BadUserInput: 'BAD_USER_INPUT',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  ValidationFailed: 'GRAPHQL_VALIDATION_FAILED',
  QueryTooComplex: 'QUERY_TOO_COMPLEX',
  ResyncRequired: 'RESYNC_REQUIRED',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes whose message and extensions are safe to show to a client as they are. */
export const PUBLIC_CODES: ReadonlySet<string> = new Set(
  Object.values(ErrorCode).filter((code) => code !== ErrorCode.Internal),
);

/** A domain error: a message meant for the client and a fixed `extensions.code`. */
export abstract class AppError extends GraphQLError {
  abstract readonly code: ErrorCode;

  protected constructor(message: string, extensions: Record<string, unknown>) {
    super(message, { extensions });
  }
}

export class UnauthenticatedError extends AppError {
  readonly code = ErrorCode.Unauthenticated;
  constructor(message = 'You must be signed in to do this.') {
    super(message, { code: ErrorCode.Unauthenticated });
  }
}

export class ForbiddenError extends AppError {
  readonly code = ErrorCode.Forbidden;
  constructor(message = 'You are not allowed to do this.') {
    super(message, { code: ErrorCode.Forbidden });
  }
}

/** Log-in refused while an admin's suspension runs: FORBIDDEN, with the reason and its end. */
export class AccountSuspendedError extends AppError {
  readonly code = ErrorCode.Forbidden;
  constructor(until: Date) {
    super(`This account is suspended until ${until.toISOString()}.`, {
      code: ErrorCode.Forbidden,
      reason: 'ACCOUNT_SUSPENDED',
      suspendedUntil: until.toISOString(),
    });
  }
}

export class NotFoundError extends AppError {
  readonly code = ErrorCode.NotFound;
  /** @param what the kind of thing, e.g. `Family`; `id` is echoed back so clients can tell requests apart */
  constructor(what: string, id?: string | number) {
    super(id === undefined ? `${what} not found.` : `${what} ${echoed(id)} not found.`, {
      code: ErrorCode.NotFound,
    });
  }
}

const ECHO_LIMIT = 64;

/**
 * A client-sent id as it may appear in a message: control and format characters (line breaks,
 * bidirectional overrides) escaped so a log line or a dashboard toast cannot be forged with
 * them, and long ids cut short.
 */
function echoed(id: string | number): string {
  const text = String(id);
  const cut = text.length > ECHO_LIMIT ? `${text.slice(0, ECHO_LIMIT)}…` : text;
  return cut.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
}

/** Field-level input errors: `fields` maps an input path (`input.email`) to its message. */
export class BadUserInputError extends AppError {
  readonly code = ErrorCode.BadUserInput;
  constructor(
    readonly fields: Record<string, string>,
    message?: string,
  ) {
    super(message ?? BadUserInputError.summarise(fields), { code: ErrorCode.BadUserInput, fields });
  }

  /** One input problem, e.g. `BadUserInputError.field('input.email', 'is not an email address')`. */
  static field(path: string, problem: string): BadUserInputError {
    return new BadUserInputError({ [path]: problem });
  }

  private static summarise(fields: Record<string, string>): string {
    const entries = Object.entries(fields);
    const [first] = entries;
    if (first === undefined) return 'Invalid input.';
    const more = entries.length > 1 ? ` (and ${entries.length - 1} more)` : '';
    return `Invalid input: ${first[0]} ${first[1]}${more}.`;
  }
}

export class ConflictError extends AppError {
  readonly code = ErrorCode.Conflict;
  constructor(message: string) {
    super(message, { code: ErrorCode.Conflict });
  }
}

export class RateLimitedError extends AppError {
  readonly code = ErrorCode.RateLimited;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; try again in ${retryAfterSeconds} s.`, {
      code: ErrorCode.RateLimited,
      retryAfterSeconds,
    });
  }
}

export class PayloadTooLargeError extends AppError {
  readonly code = ErrorCode.PayloadTooLarge;
  constructor(message = 'The request body is too large.') {
    super(message, { code: ErrorCode.PayloadTooLarge });
  }
}

export class QueryTooComplexError extends AppError {
  readonly code = ErrorCode.QueryTooComplex;
  constructor(message: string) {
    super(message, { code: ErrorCode.QueryTooComplex });
  }
}

export class ResyncRequiredError extends AppError {
  readonly code = ErrorCode.ResyncRequired;
  constructor(message: string) {
    super(message, { code: ErrorCode.ResyncRequired });
  }
}
