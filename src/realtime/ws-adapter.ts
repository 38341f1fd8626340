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
 * shared, the few strings the hooks need are copied out of the request, and one timer serves the
 * keep-alive of every socket.
 */
export class Peer implements ProtocolSocket {
  /** graphql-ws's handler of this socket's messages (set once, when the socket opens). */
  handle: ((data: string) => Promise<void>) | undefined = undefined;
  /** graphql-ws's end of the socket: completes its operations. */
  closed: ((code?: number, reason?: string) => Promise<void>) | undefined = undefined;
  /** Answered the last keep-alive ping. */
  alive = true;
  /** Set by `connection_init` once the credential checked out. */
  credential: Credential | undefined = undefined;
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
    /** A socket closed (after graphql-ws ended its operations). */
    closed?(peer: Peer): void;
    /** Something failed while handling a message: the socket is closed with 1011. */
    failed(error: unknown): void;
  },
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  const peers = new WeakMap<WebSocket, Peer>();

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
    void Promise.resolve(peer.closed?.(code, String(reason)))
      .catch((error: unknown) => hooks.failed(error))
      .finally(() => hooks.closed?.(peer));
  }

  wss.on('connection', (socket, request) => {
    const peer = new Peer(socket, request);
    peers.set(socket, peer);
    socket.on('message', onMessage);
    socket.on('pong', onPong);
    socket.once('error', onError);
    socket.once('close', onClose);
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

  return {
    dispose: async () => {
      clearInterval(keepAlive);
      for (const socket of wss.clients) socket.close(1001, 'Going away');
    },
  };
}
