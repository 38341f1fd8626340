import type WebSocket from 'ws';
import type { DeviceViewer, UserViewer } from '../auth/viewer.js';
import type { App } from '../app.js';
import { Topic } from './pubsub.js';

/**
 * How a socket over its account's cap is refused at `connection_init`: the graphql-transport-ws
 * protocol has no error message before the acknowledgement, so the close code and reason are
 * what a client sees. 4429 is also graphql-ws's code for a second `connection_init`; both mean
 * "too many" and graphql-ws clients do not retry either, so a refused client does not hammer the
 * server (the reason tells them apart).
 */
export const TOO_MANY_CONNECTIONS = Object.freeze({
  code: 4429,
  reason: 'Too many connections for this account',
});

/**
 * Open WebSockets per account (users by user id, devices by device id) on this API process.
 *
 * The count is per process, on purpose: what a socket costs (memory, a re-authentication timer,
 * up to 20 subscriptions) is paid by the process holding it, so that is where the cap protects.
 * A count shared in Redis would leak slots whenever a process dies without its close events,
 * and expiring entries would need a refresh per socket; behind N replicas an account may hold
 * up to N times the cap.
 */
export class AccountSocketLimits {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: { readonly user: number; readonly device: number }) {}

  /**
   * Takes one of the account's slots for `socket` and frees it when the socket closes; false
   * (nothing taken) when the account already holds its cap, or the socket closed meanwhile.
   * Synchronous, so sockets that authenticate at the same moment cannot all pass the check.
   */
  admit(viewer: UserViewer | DeviceViewer, socket: WebSocket): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    const key = viewer.kind === 'user' ? `user:${viewer.userId}` : `device:${viewer.deviceId}`;
    const held = this.open.get(key) ?? 0;
    if (held >= (viewer.kind === 'user' ? this.max.user : this.max.device)) return false;
    this.open.set(key, held + 1);
    socket.once('close', () => {
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    });
    return true;
  }
}

/**
 * This process's open sockets by user, closed with `close` when an admin suspends their user
 * (the `AccountsSuspended` topic reaches every process through the pub/sub). Until `stop()`.
 */
export function closeSuspendedSockets(
  app: Pick<App, 'pubSub' | 'logger'>,
  close: (socket: WebSocket) => void,
): { track(userId: number, socket: WebSocket): void; stop(): Promise<void> } {
  const byUser = new Map<number, Set<WebSocket>>();
  const iterator = app.pubSub.subscribe(Topic.AccountsSuspended)[Symbol.asyncIterator]();
  const loop = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      for (const userId of next.value.userIds)
        for (const socket of byUser.get(userId) ?? []) close(socket);
    }
  })().catch((error: unknown) => app.logger.error({ err: error }, 'suspension listener failed'));
  return {
    track: (userId, socket) => {
      let sockets = byUser.get(userId);
      if (sockets === undefined) byUser.set(userId, (sockets = new Set()));
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0 && byUser.get(userId) === sockets) byUser.delete(userId);
      });
    },
    stop: async () => {
      await iterator.return?.();
      await loop;
    },
  };
}
