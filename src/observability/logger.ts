import { type DestinationStream, pino, type Logger } from 'pino';
import type { Config } from '../config.js';
import { traceFields } from './tracing.js';

export type { Logger };

/**
 * Paths that may carry secrets or health data. Variables and bodies are never logged at all;
 * this is the second line of defence for anything that slips into a log object.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.variables',
];

/**
 * Database errors carry the SQL with its values filled in (and MariaDB's messages quote values):
 * e-mail addresses, hashes, health readings. Log what identifies the failure, nothing more.
 */
function errorSerializer(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const fields = error as Error & {
    code?: unknown;
    errno?: unknown;
    sqlState?: unknown;
    sql?: unknown;
    sqlMessage?: unknown;
  };
  const fromDatabase =
    'sql' in fields ||
    'sqlMessage' in fields ||
    'sqlState' in fields ||
    /Exception$/.test(error.name);
  if (!fromDatabase) return pino.stdSerializers.err(error);
  return {
    type: error.name,
    code: fields.code,
    errno: fields.errno,
    sqlState: fields.sqlState,
    message: '[database error: details withheld]',
  };
}

/**
 * The process-wide structured logger; per-request children carry `requestId`, and every line
 * written inside a traced operation or job its `trace_id` and `span_id`.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'env'>,
  /** Where lines go (default stdout); tests read them. */
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'carebot-api' },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: errorSerializer },
    mixin: traceFields,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
