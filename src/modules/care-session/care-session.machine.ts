import { AppError, ErrorCode } from '../../graphql/errors.js';
import { CareSessionState as S } from './care-session.enums.js';

/**
 * The care session state machine as data: from each state, the states a transition may reach.
 * A state listing itself takes progress reports (the row stores the percentage, the state
 * stays). Final states list nothing.
 */
export const TRANSITIONS: Readonly<Record<S, readonly S[]>> = {
  [S.REQUESTED]: [S.ACCEPTED, S.REJECTED, S.STOPPED, S.NO_RESPONSE],
  [S.ACCEPTED]: [S.STARTED, S.FAILED, S.STOP_REQUESTED, S.TIMED_OUT],
  [S.STARTED]: [S.STARTED, S.RESULT_UPLOADED, S.COMPLETED, S.FAILED, S.STOP_REQUESTED, S.TIMED_OUT],
  [S.RESULT_UPLOADED]: [S.COMPLETED, S.FAILED, S.STOP_REQUESTED, S.TIMED_OUT],
  [S.STOP_REQUESTED]: [S.STOPPED, S.COMPLETED, S.FAILED, S.TIMED_OUT],
  [S.COMPLETED]: [],
  [S.REJECTED]: [],
  [S.FAILED]: [],
  [S.STOPPED]: [],
  [S.NO_RESPONSE]: [],
  [S.TIMED_OUT]: [],
};

/** Whether a session in `state` is over. */
export function isFinal(state: S): boolean {
  return TRANSITIONS[state].length === 0;
}

/** The states a session is running in (it holds its device). */
export const ACTIVE_STATES: readonly S[] = Object.values(S).filter((state) => !isFinal(state));

/**
 * A move the state machine does not allow (e.g. COMPLETED before STARTED). `CONFLICT` with
 * `extensions.reason: 'INVALID_TRANSITION'`, `from` and `to`, so clients can tell it from other
 * conflicts.
 */
export class InvalidTransitionError extends AppError {
  readonly code = ErrorCode.Conflict;
  constructor(from: S, to: S) {
    super(`A care session in state ${from} cannot become ${to}.`, {
      code: ErrorCode.Conflict,
      reason: 'INVALID_TRANSITION',
      from,
      to,
    });
  }
}

/** Throws {@link InvalidTransitionError} unless `from` → `to` is in {@link TRANSITIONS}. */
export function requireTransition(from: S, to: S): void {
  if (!TRANSITIONS[from].includes(to)) throw new InvalidTransitionError(from, to);
}
