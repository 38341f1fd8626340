/**
 * Calendar arithmetic in Korea, where families read dates and weeks. Korea has one zone and no
 * daylight saving (since 1988): Seoul time is always UTC+9.
 */
export const SEOUL_OFFSET_MS = 9 * 3600_000;
export const DAY_MS = 24 * 3600_000;

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

/** The last complete week before `now`: Monday 00:00 to the next Monday 00:00, Seoul time. */
export function lastCompleteWeek(now: Date): { from: Date; to: Date } {
  const today = seoulDay(seoulDate(now)).from;
  const daysSinceMonday = (new Date(today.getTime() + SEOUL_OFFSET_MS).getUTCDay() + 6) % 7;
  const to = new Date(today.getTime() - daysSinceMonday * DAY_MS);
  return { from: new Date(to.getTime() - 7 * DAY_MS), to };
}
