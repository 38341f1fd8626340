import type { WebLatestFragment } from './__generated__/graphql';
import type { Key } from './i18n';

/** A reading with its unit, or a dash when the Carebot has not sent it. */
export const value = (n: number | null | undefined, unit: string, digits = 0): string =>
  n === null || n === undefined ? '—' : `${n.toFixed(digits)}${unit}`;

export interface Tile {
  key: Key;
  text: string;
  testId: string;
}

/** The tiles every family shows: vitals, environment, activity, mood. */
export function tiles(f: WebLatestFragment): Tile[] {
  const h = f.latestHealthStatus;
  const e = f.latestHomeStatus;
  return [
    { key: 'heartRate', text: value(h?.heartRate, ' bpm'), testId: 'heart-rate' },
    { key: 'spo2', text: value(h?.bloodOxygen, '%'), testId: 'spo2' },
    { key: 'bodyTemp', text: value(h?.bodyTemperature, '℃', 1), testId: 'body-temp' },
    {
      key: 'bloodPressure',
      text: h?.systolic == null || h.diastolic == null ? '—' : `${h.systolic}/${h.diastolic}`,
      testId: 'blood-pressure',
    },
    { key: 'temperature', text: value(e?.temperature, '℃', 1), testId: 'room-temp' },
    { key: 'humidity', text: value(e?.humidity, '%'), testId: 'humidity' },
    { key: 'activity', text: f.latestActivity?.action ?? '—', testId: 'activity' },
    { key: 'mood', text: f.latestMentalStatus?.emotion ?? '—', testId: 'mood' },
  ];
}

/** When the family's Carebot was last heard from (the most recent of its devices). */
export function lastContact(f: WebLatestFragment): string | null {
  let last: string | null = null;
  for (const device of f.devices)
    if (device.lastSeenAt != null && (last === null || device.lastSeenAt > last))
      last = device.lastSeenAt;
  return last;
}
