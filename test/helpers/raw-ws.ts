import WebSocket from 'ws';
import type { ReceivedError } from './test-server.js';

/** A graphql-transport-ws frame as the server sends it. */
export interface Frame {
  type: string;
  id?: string;
  payload?: unknown;
}

/** How a socket ended: the close code and reason the server sent. */
export interface Closed {
  code: number;
  reason: string;
}

/**
 * A graphql-transport-ws socket driven frame by frame (no client library in between), for tests
 * of what the server does with hostile frames and when it closes a socket.
 */
export class RawSocket {
  /** Every frame received, in order. */
  readonly frames: Frame[] = [];
  /** Resolves when the socket has closed. */
  readonly closed: Promise<Closed>;
  private readonly waiters = new Set<() => void>();
  private closedWith: Closed | undefined;

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString('utf8') };
        resolve(this.closedWith);
        this.wake();
      }),
    );
    socket.on('message', (data: WebSocket.RawData) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      this.frames.push(JSON.parse(text) as Frame);
      this.wake();
    });
  }

  /**
   * Opens a socket and sends `connection_init` with `payload`; resolves once the server
   * acknowledged it or closed the socket (see {@link RawSocket.closedWith}).
   */
  static async connect(url: string, payload?: Record<string, unknown>): Promise<RawSocket> {
    const raw = new RawSocket(new WebSocket(url, 'graphql-transport-ws'));
    await new Promise<void>((resolve, reject) => {
      raw.socket.once('open', () => resolve());
      raw.socket.once('error', reject);
    });
    raw.send({ type: 'connection_init', ...(payload === undefined ? {} : { payload }) });
    await raw.until(() => raw.frames.some((frame) => frame.type === 'connection_ack'));
    return raw;
  }

  /** The close the server sent, once the socket is closed. */
  get closedBy(): Closed | undefined {
    return this.closedWith;
  }

  get acknowledged(): boolean {
    return this.frames.some((frame) => frame.type === 'connection_ack');
  }

  send(frame: Record<string, unknown>): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /**
   * Resolves when `condition` holds or the socket has closed, checking after every frame; throws
   * after `timeoutMs`.
   */
  async until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && this.closedWith === undefined) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no answer on the socket within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames of operation `id`. */
  framesOf(id: string): Frame[] {
    return this.frames.filter((frame) => frame.id === id);
  }

  /** Whether operation `id` has finished: `complete` or `error` received. */
  settled(id: string): boolean {
    return this.framesOf(id).some((frame) => frame.type === 'complete' || frame.type === 'error');
  }

  /** Every GraphQL error received for operation `id` (from `error` and `next` frames). */
  errorsOf(id: string): ReceivedError[] {
    return this.framesOf(id).flatMap((frame) => {
      if (frame.type === 'error') return frame.payload as ReceivedError[];
      if (frame.type === 'next')
        return (frame.payload as { errors?: ReceivedError[] }).errors ?? [];
      return [];
    });
  }

  /** Runs one operation and resolves when it has finished (or the socket closed). */
  async run(
    id: string,
    payload: { query: string; variables?: Record<string, unknown> },
  ): Promise<Frame[]> {
    this.send({ id, type: 'subscribe', payload });
    await this.until(() => this.settled(id));
    return this.framesOf(id);
  }

  /** Closes from the client side and waits for the close to complete. */
  async close(): Promise<Closed> {
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    )
      this.socket.close(1000);
    return this.closed;
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }
}
