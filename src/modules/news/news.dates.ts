import { BadUserInputError } from '../../graphql/errors.js';

/** Korea has one zone and no daylight saving: a Seoul day is always UTC+9. */
const SEOUL_OFFSET_MS = 9 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** How many days of news the cache keeps (and how far back `news(date)` may ask). */
export const NEWS_RETENTION_DAYS = 30;

/** The Asia/Seoul calendar date of an instant, `YYYY-MM-DD`. */
export function seoulDate(at: Date): string {
  return new Date(at.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instants a Seoul calendar day spans: [from, to). */
export function seoulDay(date: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${date}T00:00:00Z`) - SEOUL_OFFSET_MS);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

/** The Seoul date `days` before `date`. */
export function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The day `news(date)` asks for: today in Seoul when omitted; BAD_USER_INPUT after today (no news
 * from the future) or before the retention window (purged, not merely absent).
 */
export function newsDay(date: string | null | undefined, now: Date): string {
  const today = seoulDate(now);
  if (date == null) return today;
  if (date > today) throw BadUserInputError.field('date', `is after today (${today}, Asia/Seoul)`);
  const oldest = daysBefore(today, NEWS_RETENTION_DAYS);
  if (date < oldest)
    throw BadUserInputError.field(
      'date',
      `is before ${oldest}: news is kept for ${NEWS_RETENTION_DAYS} days`,
    );
  return date;
}
