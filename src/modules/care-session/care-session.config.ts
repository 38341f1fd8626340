import { z } from 'zod';

/** The care sessions' environment variables (merged into `src/config.ts`'s schema). */
export const CARE_SESSION_ENV = {
  CARE_SESSION_ACCEPT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  CARE_SESSION_PROGRESS_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 3600)
    .default(300),
  ASSESSMENT_SCORE_BAND: z
    .string()
    .regex(/^-?\d+(\.\d+)?\.\.-?\d+(\.\d+)?$/, {
      error: 'must be low..high, e.g. 0..100',
    })
    .default('0..1000'),
};

export interface CareSessionConfig {
  /** A Carebot that has not accepted a command this long after it was sent: NO_RESPONSE. */
  acceptTimeoutMs: number;
  /** A running session the Carebot reported nothing on for this long: TIMED_OUT. */
  progressTimeoutMs: number;
  /**
   * The score band a family's assessments are expected in (a family's own settings override
   * it); a score outside raises a WARN.
   */
  scoreBand: { low: number; high: number };
}

export function careSessionConfigFrom(e: {
  CARE_SESSION_ACCEPT_TIMEOUT_SECONDS: number;
  CARE_SESSION_PROGRESS_TIMEOUT_SECONDS: number;
  ASSESSMENT_SCORE_BAND: string;
}): CareSessionConfig {
  const [low, high] = e.ASSESSMENT_SCORE_BAND.split('..').map(Number) as [number, number];
  return {
    acceptTimeoutMs: e.CARE_SESSION_ACCEPT_TIMEOUT_SECONDS * 1000,
    progressTimeoutMs: e.CARE_SESSION_PROGRESS_TIMEOUT_SECONDS * 1000,
    scoreBand: { low: Math.min(low, high), high: Math.max(low, high) },
  };
}
