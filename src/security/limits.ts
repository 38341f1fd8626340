import { z } from 'zod';

/** The rate-limited actions of SPEC §7; `mutation` is the budget every other mutation shares. */
export type RateLimitName =
  | 'logIn'
  | 'signUp'
  | 'requestPasswordReset'
  | 'findFamilies'
  | 'requestToJoinFamily'
  | 'mutation'
  | 'communityPost'
  | 'communityComment'
  | 'communityReport';

/** One budget: at most `points` consumptions per key within a fixed `durationSeconds` window. */
export interface RateLimit {
  readonly points: number;
  readonly durationSeconds: number;
}

/**
 * SPEC §7 budgets, the defaults of the environment variables below. The key each one is counted
 * under is the caller's choice: `logIn` per account+IP, `signUp` / `requestPasswordReset` /
 * `findFamilies` / `requestToJoinFamily` per IP, `mutation` per account.
 */
export const RATE_LIMITS: Readonly<Record<RateLimitName, RateLimit>> = Object.freeze({
  logIn: { points: 5, durationSeconds: 15 * 60 },
  signUp: { points: 10, durationSeconds: 60 * 60 },
  requestPasswordReset: { points: 10, durationSeconds: 60 * 60 },
  findFamilies: { points: 10, durationSeconds: 60 * 60 },
  // guessing an elder's name against family ids costs as much as searching for the family
  requestToJoinFamily: { points: 10, durationSeconds: 60 * 60 },
  mutation: { points: 300, durationSeconds: 60 },
  // community boards (per account): a person writes a few posts an hour; a spammer many
  communityPost: { points: 10, durationSeconds: 60 * 60 },
  communityComment: { points: 60, durationSeconds: 60 * 60 },
  communityReport: { points: 20, durationSeconds: 60 * 60 },
});

/**
 * Open WebSockets one account may hold on one API process. A person keeps a few tabs and a
 * phone open; a Carebot holds one socket, plus the half-open ones a flaky Wi-Fi leaves behind
 * until TCP notices, hence a few.
 */
export const SOCKETS_PER_ACCOUNT = Object.freeze({ user: 10, device: 3 });

const points = (fallback: number) =>
  z.coerce.number().int().min(1).max(1_000_000_000).default(fallback);
// a window longer than a week would keep a mistaken block for longer than anyone waits
const windowSeconds = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(fallback);
const sockets = (fallback: number) => z.coerce.number().int().min(1).max(10_000).default(fallback);

/**
 * The environment variables of the misuse limits, merged into the configuration's schema: each
 * rate limit's points and window (a care home signing up fifty residents from one address raises
 * `RATE_LIMIT_SIGN_UP_POINTS`), and the sockets per account.
 */
export const LIMITS_ENV = {
  RATE_LIMIT_LOGIN_POINTS: points(RATE_LIMITS.logIn.points),
  RATE_LIMIT_LOGIN_WINDOW_SECONDS: windowSeconds(RATE_LIMITS.logIn.durationSeconds),
  RATE_LIMIT_SIGN_UP_POINTS: points(RATE_LIMITS.signUp.points),
  RATE_LIMIT_SIGN_UP_WINDOW_SECONDS: windowSeconds(RATE_LIMITS.signUp.durationSeconds),
  RATE_LIMIT_PASSWORD_RESET_POINTS: points(RATE_LIMITS.requestPasswordReset.points),
  RATE_LIMIT_PASSWORD_RESET_WINDOW_SECONDS: windowSeconds(
    RATE_LIMITS.requestPasswordReset.durationSeconds,
  ),
  RATE_LIMIT_FIND_FAMILIES_POINTS: points(RATE_LIMITS.findFamilies.points),
  RATE_LIMIT_FIND_FAMILIES_WINDOW_SECONDS: windowSeconds(RATE_LIMITS.findFamilies.durationSeconds),
  RATE_LIMIT_JOIN_FAMILY_POINTS: points(RATE_LIMITS.requestToJoinFamily.points),
  RATE_LIMIT_JOIN_FAMILY_WINDOW_SECONDS: windowSeconds(
    RATE_LIMITS.requestToJoinFamily.durationSeconds,
  ),
  RATE_LIMIT_MUTATION_POINTS: points(RATE_LIMITS.mutation.points),
  RATE_LIMIT_MUTATION_WINDOW_SECONDS: windowSeconds(RATE_LIMITS.mutation.durationSeconds),
  RATE_LIMIT_COMMUNITY_POST_POINTS: points(RATE_LIMITS.communityPost.points),
  RATE_LIMIT_COMMUNITY_POST_WINDOW_SECONDS: windowSeconds(
    RATE_LIMITS.communityPost.durationSeconds,
  ),
  RATE_LIMIT_COMMUNITY_COMMENT_POINTS: points(RATE_LIMITS.communityComment.points),
  RATE_LIMIT_COMMUNITY_COMMENT_WINDOW_SECONDS: windowSeconds(
    RATE_LIMITS.communityComment.durationSeconds,
  ),
  RATE_LIMIT_COMMUNITY_REPORT_POINTS: points(RATE_LIMITS.communityReport.points),
  RATE_LIMIT_COMMUNITY_REPORT_WINDOW_SECONDS: windowSeconds(
    RATE_LIMITS.communityReport.durationSeconds,
  ),
  WS_MAX_SOCKETS_PER_USER: sockets(SOCKETS_PER_ACCOUNT.user),
  WS_MAX_SOCKETS_PER_DEVICE: sockets(SOCKETS_PER_ACCOUNT.device),
};

/** The misuse limits of one process, from the environment. */
export interface LimitsConfig {
  rateLimits: Record<RateLimitName, RateLimit>;
  /** Open WebSockets per user and per device on this process (see `src/realtime/socket-limits.ts`). */
  socketsPerAccount: { user: number; device: number };
}

/** Reads {@link LimitsConfig} from the parsed {@link LIMITS_ENV} variables. */
export function limitsFrom(e: { [K in keyof typeof LIMITS_ENV]: number }): LimitsConfig {
  const limit = (points: number, durationSeconds: number): RateLimit => ({
    points,
    durationSeconds,
  });
  return {
    rateLimits: {
      logIn: limit(e.RATE_LIMIT_LOGIN_POINTS, e.RATE_LIMIT_LOGIN_WINDOW_SECONDS),
      signUp: limit(e.RATE_LIMIT_SIGN_UP_POINTS, e.RATE_LIMIT_SIGN_UP_WINDOW_SECONDS),
      requestPasswordReset: limit(
        e.RATE_LIMIT_PASSWORD_RESET_POINTS,
        e.RATE_LIMIT_PASSWORD_RESET_WINDOW_SECONDS,
      ),
      findFamilies: limit(
        e.RATE_LIMIT_FIND_FAMILIES_POINTS,
        e.RATE_LIMIT_FIND_FAMILIES_WINDOW_SECONDS,
      ),
      requestToJoinFamily: limit(
        e.RATE_LIMIT_JOIN_FAMILY_POINTS,
        e.RATE_LIMIT_JOIN_FAMILY_WINDOW_SECONDS,
      ),
      mutation: limit(e.RATE_LIMIT_MUTATION_POINTS, e.RATE_LIMIT_MUTATION_WINDOW_SECONDS),
      communityPost: limit(
        e.RATE_LIMIT_COMMUNITY_POST_POINTS,
        e.RATE_LIMIT_COMMUNITY_POST_WINDOW_SECONDS,
      ),
      communityComment: limit(
        e.RATE_LIMIT_COMMUNITY_COMMENT_POINTS,
        e.RATE_LIMIT_COMMUNITY_COMMENT_WINDOW_SECONDS,
      ),
      communityReport: limit(
        e.RATE_LIMIT_COMMUNITY_REPORT_POINTS,
        e.RATE_LIMIT_COMMUNITY_REPORT_WINDOW_SECONDS,
      ),
    },
    socketsPerAccount: { user: e.WS_MAX_SOCKETS_PER_USER, device: e.WS_MAX_SOCKETS_PER_DEVICE },
  };
}
