import type { IncomingMessage } from 'node:http';
import {
  CloseCode,
  handleProtocols,
  makeServer,
  type ServerOptions,
  type WebSocket as ProtocolSocket,
} from 'graphql-ws';
import type WebSocket from 'ws';
import type { RawData, WebSocketServer } from 'ws';
import type { Credential } from '../auth/credentials.js';

/**
 * One socket as the protocol server and our hooks see it (graphql-ws's `extra`). It replaces
 * graphql-ws's own `ws` adapter (`graphql-ws/use/ws`), which keeps, per socket, the whole
 * upgrade request (headers, the TCP socket's parser state), a keep-alive interval, a `pong`
 * listener per ping and half a dozen closures. Here a socket costs this object: its methods are
 * shared, the few strings the hooks need are copied out of the request, one timer serves the
 * keep-alive of every socket and another the `connection_init` wait of those still waiting,
 * and what has to happen when a socket closes (its account's slot, graphql-ws's end) runs from
 * one shared `close` listener instead of a `once` wrapper per concern.
 */
export class Peer implements ProtocolSocket {
  /** graphql-ws's handler of this socket's messages (set once, when the socket opens). */
  handle: ((data: string) => Promise<void>) | undefined = undefined;
  /** graphql-ws's end of the socket: completes its operations. */
  closed: ((code?: number, reason?: string) => Promise<void>) | undefined = undefined;
  /** Answered the last keep-alive ping. */
  alive = true;
  /** When the socket opened (ms), until `connection_init` arrived; then 0. */
  waitingSince: number;
  /** Set by `connection_init` once the credential checked out. */
  credential: Credential | undefined = undefined;
  /** The account the socket is counted against (set with the credential). */
  userId: number | undefined = undefined;
  deviceId: number | undefined = undefined;
  /** Operations running (or being prepared) on the socket. */
  operations = 0;
  /** The peer's address, for logs and limits. */
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  /** What `connection_init` reads from the upgrade request; dropped once it has run. */
  upgrade: { origin?: string; host?: string; cookie?: string } | undefined;

  constructor(
    readonly socket: WebSocket,
    request: IncomingMessage,
  ) {
    this.waitingSince = Date.now();
    this.ip = request.socket.remoteAddress;
    this.userAgent = request.headers['user-agent'];
    const { origin, host, cookie } = request.headers;
    this.upgrade = {
      ...(origin === undefined ? {} : { origin }),
      ...(host === undefined ? {} : { host }),
      ...(cookie === undefined ? {} : { cookie }),
    };
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    const { socket } = this;
    if (socket.readyState !== socket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) =>
      socket.send(data, (error) => (error ? reject(error) : resolve())),
    );
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
  }
}

/** Every this many ms each socket is pinged; one that did not answer the previous ping is cut. */
const KEEP_ALIVE_MS = 12_000;

/** Has no property, not even `__proto__` (a null prototype): see `onConnect` below. */
const NO_KEYS: object = Object.freeze(Object.create(null) as object);

/** How often the sockets still waiting for `connection_init` are checked against their limit. */
const INIT_CHECK_MS = 1_000;

/**
 * graphql-ws (`makeServer`) on a `ws` server, like `graphql-ws/use/ws`'s `useServer` — same
 * protocol check, keep-alive, error and close handling — with per-socket state kept to one
 * {@link Peer} (see there).
 */
export function serveGraphqlWs(
  options: ServerOptions<Record<string, unknown> | undefined, Peer>,
  wss: WebSocketServer,
  hooks: {
    /** A socket opened (before any message). */
    opened?(peer: Peer): void;
    /** A socket closed, before graphql-ws ends its operations (synchronously: free its slots). */
    closing?(peer: Peer): void;
    /** A socket closed (after graphql-ws ended its operations). */
    closed?(peer: Peer): void;
    /** Something failed while handling a message: the socket is closed with 1011. */
    failed(error: unknown): void;
  },
): { dispose(): Promise<void> } {
  const { connectionInitWaitTimeout: initWaitMs = 3_000, onConnect } = options;
  // graphql-ws would keep a timer per socket until it closes; one check serves them all here
  const server = makeServer({
    ...options,
    connectionInitWaitTimeout: 0,
    onConnect: (ctx) => {
      const peer = ctx.extra;
      peer.waitingSince = 0;
      waiting.delete(peer);
      // graphql-ws's map of a socket's operations is a null-prototype object, which V8 keeps as
      // a dictionary (hundreds of bytes per socket, empty or not); an object whose prototype is
      // an empty null-prototype object answers `in` and `delete` the same, and stays small
      (ctx as { subscriptions: object }).subscriptions = Object.create(NO_KEYS) as object;
      return onConnect?.(ctx);
    },
  });
  wss.options.handleProtocols = handleProtocols;
  const peers = new WeakMap<WebSocket, Peer>();
  /** Sockets without `connection_init` yet. */
  const waiting = new Set<Peer>();

  // shared listeners (`this` is the socket): no closure per socket
  function onMessage(this: WebSocket, data: RawData): void {
    const peer = peers.get(this);
    if (peer?.handle === undefined) return;
    peer.handle(String(data as Buffer)).catch((error: unknown) => {
      hooks.failed(error);
      this.close(CloseCode.InternalServerError, 'Internal server error');
    });
  }
  function onPong(this: WebSocket): void {
    const peer = peers.get(this);
    if (peer !== undefined) peer.alive = true;
  }
  function onError(this: WebSocket, error: Error): void {
    hooks.failed(error);
    this.close(CloseCode.InternalServerError, 'Internal server error');
  }
  function onClose(this: WebSocket, code: number, reason: Buffer): void {
    const peer = peers.get(this);
    if (peer === undefined) return;
    peers.delete(this);
    waiting.delete(peer);
    hooks.closing?.(peer);
    void Promise.resolve(peer.closed?.(code, String(reason)))
      .catch((error: unknown) => hooks.failed(error))
      .finally(() => hooks.closed?.(peer));
  }

  wss.on('connection', (socket, request) => {
    const peer = new Peer(socket, request);
    peers.set(socket, peer);
    socket.on('message', onMessage);
    socket.on('pong', onPong);
    // `on`, not `once`: a shared function costs nothing per socket, a `once` wrapper does
    socket.on('error', onError);
    socket.on('close', onClose);
    if (initWaitMs > 0 && isFinite(initWaitMs)) waiting.add(peer);
    hooks.opened?.(peer);
    peer.closed = server.opened(peer, peer);
  });

  const keepAlive = setInterval(() => {
    for (const socket of wss.clients) {
      const peer = peers.get(socket);
      if (peer === undefined || socket.readyState !== socket.OPEN) continue;
      if (!peer.alive) {
        socket.terminate();
        continue;
      }
      peer.alive = false;
      socket.ping();
    }
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  const initCheck = setInterval(() => {
    const due = Date.now() - initWaitMs;
    for (const peer of waiting) {
      if (peer.waitingSince > due) continue;
      waiting.delete(peer);
      // graphql-ws's own code and reason for it
      peer.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
    }
  }, INIT_CHECK_MS);
  initCheck.unref();

  return {
    dispose: async () => {
      clearInterval(keepAlive);
      clearInterval(initCheck);
      for (const socket of wss.clients) socket.close(1001, 'Going away');
    },
  };
}
