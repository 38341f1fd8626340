import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode, PUBLIC_CODES } from './errors.js';
import { isTokenLimitError } from './limits.js';

/** Apollo's own codes for a request that could not be run; all are the client's fault. */
const REQUEST_FAILURE_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && !chain.includes(current)) {
    chain.push(current);
    current =
      current instanceof GraphQLError || current instanceof Error
        ? ((current as { originalError?: unknown }).originalError ?? current.cause)
        : undefined;
  }
  return chain;
}

/** The domain error behind an error, however deeply Apollo or graphql-js wrapped it. */
export function findAppError(error: unknown): AppError | undefined {
  return errorChain(error).find((e): e is AppError => e instanceof AppError);
}

function codeOf(error: GraphQLFormattedError): string | undefined {
  const code = error.extensions?.['code'];
  return typeof code === 'string' ? code : undefined;
}

/**
 * True when the error is not one the client caused or may see: a bug, a database failure, a
 * timeout. Those are logged in full and reach the client only as INTERNAL_SERVER_ERROR.
 */
export function isInternalError(error: unknown): boolean {
  if (findAppError(error) !== undefined) return false;
  if (!(error instanceof GraphQLError)) return true;
  const code = error.extensions['code'];
  if (typeof code === 'string' && (PUBLIC_CODES.has(code) || REQUEST_FAILURE_CODES.has(code))) {
    return false;
  }
  return true;
}

/**
 * The input path of a variable coercion error: graphql-js says `Variable "$input" got invalid
 * value … at "input.gender"; …` for a nested field, and names only the variable otherwise.
 */
export function variableFields(message: string): Record<string, string> {
  const variable = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)"/.exec(message)?.[1];
  if (variable === undefined) return {};
  const path = / at "([A-Za-z0-9_.[\]]+)"/.exec(message)?.[1];
  return { [path ?? variable]: message };
}

/**
 * Apollo `formatError`: keeps what a client may see (SPEC §3) and masks everything else as a
 * generic INTERNAL_SERVER_ERROR, with no stack, SQL or internal message.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: {
    exposeInternals: boolean;
    /** graphql-js's "Did you mean …?" hints (fields, enum values, arguments): off in production. */
    suggestions?: boolean;
  },
): GraphQLFormattedError {
  const result = formatKnownError(formatted, error, options);
  if (options.suggestions === true) return result;
  const fields = result.extensions?.['fields'];
  return {
    ...result,
    message: withoutSuggestions(result.message),
    ...(fields !== null && typeof fields === 'object'
      ? {
          extensions: {
            ...result.extensions,
            fields: Object.fromEntries(
              Object.entries(fields).map(([field, text]) => [
                field,
                typeof text === 'string' ? withoutSuggestions(text) : (text as unknown),
              ]),
            ),
          },
        }
      : {}),
  };
}

/** Removes a "Did you mean …?" hint, which would map the schema out to a stranger. */
export function withoutSuggestions(message: string): string {
  return message.replace(/ Did you mean [^?]*\?/g, '');
}

function formatKnownError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { exposeInternals: boolean },
): GraphQLFormattedError {
  const base = { locations: formatted.locations, path: formatted.path };
  const appError = findAppError(error);
  if (appError !== undefined) {
    return { ...base, message: appError.message, extensions: { ...appError.extensions } };
  }
  const code = codeOf(formatted);
  if (code === ErrorCode.BadUserInput) {
    const fields = formatted.extensions?.['fields'] ?? variableFields(formatted.message);
    return { ...base, message: formatted.message, extensions: { code, fields } };
  }
  if (code !== undefined && code !== ErrorCode.Internal && PUBLIC_CODES.has(code)) {
    return { ...base, message: formatted.message, extensions: { code } };
  }
  if (code === 'GRAPHQL_PARSE_FAILED' && isTokenLimitError(formatted.message)) {
    return { ...base, message: formatted.message, extensions: { code: ErrorCode.QueryTooComplex } };
  }
  if (code !== undefined && REQUEST_FAILURE_CODES.has(code)) {
    return {
      ...base,
      message: formatted.message,
      extensions: { code: ErrorCode.ValidationFailed },
    };
  }
  return {
    ...base,
    message: 'Internal server error.',
    extensions: {
      code: ErrorCode.Internal,
      ...(options.exposeInternals ? { detail: formatted.message } : {}),
    },
  };
}
