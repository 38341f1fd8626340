import { BadUserInputError } from '../../graphql/errors.js';
import { daysBefore, seoulDate } from '../../util/seoul-time.js';

/** How many days of news the cache keeps (and how far back `news(date)` may ask). */
export const NEWS_RETENTION_DAYS = 30;

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
