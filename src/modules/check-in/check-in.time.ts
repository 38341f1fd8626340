import { BadUserInputError } from '../../graphql/errors.js';
import { instantOfWall, MINUTE_MS, zoneOffsetMs } from '../routine/routine.time.js';

/** Local calendar days as integers (days since 1970-01-01): weeks become integer arithmetic. */

export const DAY_MS = 24 * 3600_000;

/** The local day (in `zone`) that `at` falls on. */
export function localDayOf(zone: string, at: Date): number {
  return Math.floor((at.getTime() + zoneOffsetMs(zone, at)) / DAY_MS);
}

/** The instant a wall-clock minute of a local day happens in `zone`. */
export function instantOf(zone: string, day: number, minute: number): Date {
  return instantOfWall(zone, day * DAY_MS + minute * MINUTE_MS);
}

/** Monday 0 … Sunday 6 (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (day + 3) % 7;
}

/** The Monday that starts the ISO week of `day`. */
export function mondayOf(day: number): number {
  return day - weekdayOf(day);
}

/** `YYYY-MM-DD` of a local day. */
export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The local day of a `YYYY-MM-DD` date (already validated by the Date scalar). */
export function dayOfIso(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/**
 * The local days of the dates `from`…`to` (inclusive): BAD_USER_INPUT on `to` when it is before
 * `from` or the range spans more than `maxDays` days.
 */
export function dayRange(
  from: string,
  to: string,
  maxDays: number,
): { first: number; last: number } {
  const first = dayOfIso(from);
  const last = dayOfIso(to);
  if (last < first) throw BadUserInputError.field('to', 'must not be before from');
  if (last - first + 1 > maxDays)
    throw BadUserInputError.field('to', `must be at most ${maxDays} days after from`);
  return { first, last };
}
