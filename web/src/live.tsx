import type { Client } from 'graphql-ws';
import { createContext, useContext } from 'react';
import type { WebAlertFragment } from './__generated__/graphql';
import type { LiveState } from './api';

/** The page's live data: one socket, the alerts known so far (by id), and the connection state. */
export interface Live {
  client: Client | null;
  state: LiveState;
  alerts: ReadonlyMap<string, WebAlertFragment>;
  /** Adds or updates alerts read over HTTP (lists, acknowledgements); never doubles one. */
  merge: (alerts: readonly WebAlertFragment[]) => void;
  /** The viewer's unread counts, live; screens reload when they move. */
  unread: { messages: number; notifications: number } | null;
  /** Bumped when the page is shown again and every 30 s: screens reload then too. */
  tick: number;
}

export const LiveContext = createContext<Live>({
  client: null,
  state: 'connecting',
  alerts: new Map(),
  merge: () => undefined,
  unread: null,
  tick: 0,
});

export const useLive = (): Live => useContext(LiveContext);

/** Alert ids are increasing integers: the newest one is the resume point of `notificationAdded`. */
export function newerId(a: string | undefined, b: string): string {
  return a === undefined || Number(b) > Number(a) ? b : a;
}

export type Urgency = 'crit' | 'warn' | 'quiet';

/** Open = not yet acknowledged by anyone. The most urgent open alert decides a family's rank. */
export function urgencyOf(alerts: Iterable<WebAlertFragment>, familyId: string): Urgency {
  let urgency: Urgency = 'quiet';
  for (const alert of alerts) {
    if (
      alert.family.id !== familyId ||
      (alert.acknowledgedAt !== null && alert.acknowledgedAt !== undefined)
    )
      continue;
    if (alert.grade === 'CRIT') return 'crit';
    if (alert.grade === 'WARN') urgency = 'warn';
  }
  return urgency;
}

export const URGENCY_RANK: Record<Urgency, number> = { crit: 0, warn: 1, quiet: 2 };

let audio: AudioContext | null = null;

/**
 * Prepares the alarm sound; called on the first click or key press, since browsers only let a
 * page start audio after a user gesture.
 */
export function unlockAudio(): void {
  if (audio === null && typeof AudioContext !== 'undefined') audio = new AudioContext();
  void audio?.resume();
}

/** Three short beeps made with WebAudio (no sound file to fetch). */
export function beep(): void {
  if (audio === null || audio.state !== 'running') return;
  const start = audio.currentTime;
  for (let i = 0; i < 3; i += 1) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, start + i * 0.3);
    gain.gain.setValueAtTime(0, start + i * 0.3 + 0.18);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + i * 0.3);
    oscillator.stop(start + i * 0.3 + 0.2);
  }
}
