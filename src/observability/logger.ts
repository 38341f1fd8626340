import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';

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

/** The process-wide structured logger; per-request children carry `requestId`. */
export function createLogger(config: Pick<Config, 'logLevel' | 'env'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'carebot-api' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
