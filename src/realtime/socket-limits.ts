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
  /** Sockets held, by user id and by device id (numbers: no key string per socket). */
  private readonly users = new Map<number, number>();
  private readonly devices = new Map<number, number>();

  constructor(private readonly max: { readonly user: number; readonly device: number }) {}

  /**
   * Takes one of the account's slots; false (nothing taken) when the account already holds its
   * cap. Synchronous, so sockets that authenticate at the same moment cannot all pass the check.
   * The caller gives the slot back with {@link release} when the socket closes.
   */
  admit(viewer: UserViewer | DeviceViewer): boolean {
    const [open, id, max] =
      viewer.kind === 'user'
        ? [this.users, viewer.userId, this.max.user]
        : [this.devices, viewer.deviceId, this.max.device];
    const held = open.get(id) ?? 0;
    if (held >= max) return false;
    open.set(id, held + 1);
    return true;
  }

  /** Frees a slot {@link admit} took for this user or device. */
  release(account: { userId?: number | undefined; deviceId?: number | undefined }): void {
    const [open, id] =
      account.userId !== undefined
        ? [this.users, account.userId]
        : [this.devices, account.deviceId];
    if (id === undefined) return;
    const left = (open.get(id) ?? 1) - 1;
    if (left > 0) open.set(id, left);
    else open.delete(id);
  }
}

/**
 * Closes this process's sockets of users an admin suspends (the `AccountsSuspended` topic
 * reaches every process through the pub/sub), until `stop()`. Suspensions are rare: the open
 * sockets are searched then, rather than indexed by user while they are open.
 */
export function closeSuspendedSockets(
  app: Pick<App, 'pubSub' | 'logger'>,
  sockets: () => Iterable<{ userId?: number | undefined; socket: WebSocket }>,
  close: (socket: WebSocket) => void,
): { stop(): Promise<void> } {
  const iterator = app.pubSub.subscribe(Topic.AccountsSuspended)[Symbol.asyncIterator]();
  const loop = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      const suspended = new Set(next.value.userIds);
      for (const { userId, socket } of sockets())
        if (userId !== undefined && suspended.has(userId)) close(socket);
    }
  })().catch((error: unknown) => app.logger.error({ err: error }, 'suspension listener failed'));
  return {
    stop: async () => {
      await iterator.return?.();
      await loop;
    },
  };
}
