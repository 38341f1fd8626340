/** Time-zone arithmetic for routine windows and chart buckets. */

export const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** How far `zone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
export function zoneOffsetMs(zone: string, at: Date): number {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(at).map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day'],
    parts['hour'],
    parts['minute'],
    parts['second'],
  );
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant `zone`'s wall clock reads `wall` (a wall-clock time written as if it were UTC, in
 * milliseconds), with the offset of that instant, not of now: right across a daylight-saving
 * change. A wall time skipped by a change (spring forward) comes out as the instant the clock
 * reaches it after the jump; one that happens twice (fall back), as the later.
 */
export function instantOfWall(zone: string, wall: number): Date {
  // the offset at the wall time read as UTC is at most one change away from the right one;
  // a second look at the instant that gives settles it
  const guess = wall - zoneOffsetMs(zone, new Date(wall));
  return new Date(wall - zoneOffsetMs(zone, new Date(guess)));
}

/** `HH:MM` → minutes after midnight, or null when it is not a time of day. */
export function parseTimeOfDay(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match === null ? null : Number(match[1]) * 60 + Number(match[2]);
}

/** Minutes after midnight → `HH:MM`. */
export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** One occurrence of a daily window, as instants. */
export interface Window {
  start: Date;
  end: Date;
}

/**
 * The occurrences of the daily window [startMinute, endMinute) (wall clock in `zone`; an end
 * at or before the start means the next day) that begin on the local day of `at` and the day
 * before, oldest first. The offset is taken at each day's midnight, which is exact away from a
 * daylight-saving change inside the window.
 */
export function recentWindows(
  zone: string,
  startMinute: number,
  endMinute: number,
  at: Date,
): Window[] {
  const length = ((endMinute - startMinute + 1440) % 1440 || 1440) * MINUTE_MS;
  const offset = zoneOffsetMs(zone, at);
  const today = Math.floor((at.getTime() + offset) / DAY_MS) * DAY_MS;
  return [today - DAY_MS, today].map((localMidnight) => {
    const dayOffset = zoneOffsetMs(zone, new Date(localMidnight - offset));
    const start = localMidnight - dayOffset + startMinute * MINUTE_MS;
    return { start: new Date(start), end: new Date(start + length) };
  });
}
