import type { IncomingMessage } from 'node:http';
import {
  type ExecutionArgs,
  type ExecutionResult,
  execute as graphqlExecute,
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  subscribe as graphqlSubscribe,
} from 'graphql';
import {
  areGraphQLErrors,
  CloseCode,
  type Context as ProtocolContext,
  handleProtocols,
  makeServer,
  MessageType,
  parseMessage,
  type ServerOptions,
  type SubscribeMessage,
  type SubscribePayload,
  stringifyMessage,
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
  /** graphql-ws's state of the connection, once `connection_init` arrived. */
  context: PeerContext | undefined = undefined;
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

/** graphql-ws's state of one connection, as our hooks see it. */
export type PeerContext = ProtocolContext<Record<string, unknown> | undefined, Peer>;

/**
 * An operation whose results something else sends (the fan-out hub writes its `next` frames):
 * the adapter keeps no loop, message or closure for it while it runs, only the operation itself
 * under its id — where a `complete` from the client or the socket's close finds it, as they find
 * any operation graphql-ws runs, and `return()` it.
 */
export interface DetachedOperation extends AsyncIterable<never> {
  /** Set by the adapter once the operation is registered; its end is then reported to `ended`. */
  detached: boolean;
  /** Whether it has ended already. */
  readonly done: boolean;
  return(): Promise<IteratorResult<never, undefined>>;
}

/** Every this many ms each socket is pinged; one that did not answer the previous ping is cut. */
const KEEP_ALIVE_MS = 12_000;

/** Has no property, not even `__proto__` (a null prototype): see `onConnect` below. */
const NO_KEYS: object = Object.freeze(Object.create(null) as object);

/** How often the sockets still waiting for `connection_init` are checked against their limit. */
const INIT_CHECK_MS = 1_000;

/**
 * What `onComplete` gets as the payload of a detached operation: its `subscribe` message is not
 * kept while it runs (that is the point), and no hook of ours reads it at the end.
 */
const DROPPED_PAYLOAD: SubscribePayload = Object.freeze({ query: '' });

/**
 * graphql-ws (`makeServer`) on a `ws` server, like `graphql-ws/use/ws`'s `useServer` — same
 * protocol check, keep-alive, error and close handling — with per-socket state kept to one
 * {@link Peer} (see there).
 *
 * The `subscribe` messages `hooks.owns` accepts (those the fan-out hub may serve) are handled
 * here instead, with the same checks, hooks, frames and close codes as graphql-ws: graphql-ws
 * would hold, for as long as each runs, a suspended handler with the raw frame, the parsed
 * message, its emit closures and the arguments, some 2 KB per idle subscription. When such an
 * operation turns out not to be detached (the resolver streams it itself, or it failed), it is
 * run to its end here exactly as graphql-ws runs it. Everything else — `connection_init`,
 * pings, other operations, the client's `complete`, a duplicate id, a subscribe before the
 * acknowledgement, a malformed message — still goes to graphql-ws.
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
    /** Whether this adapter runs the operation (see above); it may still be refused by the hooks. */
    owns?(payload: SubscribePayload): boolean;
    /** Whether an operation's result is one the adapter may leave running without a loop. */
    detachable?(result: unknown): result is DetachedOperation;
  },
): {
  dispose(): Promise<void>;
  /** A detached operation ended (by itself, the client, or the socket's close). */
  ended(peer: Peer, id: string, operation: DetachedOperation): void;
} {
  const {
    connectionInitWaitTimeout: initWaitMs = 3_000,
    onConnect,
    onSubscribe,
    onOperation,
    onNext,
    onError,
    onComplete,
  } = options;
  // graphql-ws would keep a timer per socket until it closes; one check serves them all here
  const server = makeServer({
    ...options,
    connectionInitWaitTimeout: 0,
    onConnect: (ctx) => {
      const peer = ctx.extra;
      peer.waitingSince = 0;
      peer.context = ctx;
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

  /** A `subscribe` message this adapter handles, or undefined: graphql-ws handles the frame. */
  function ownedSubscribe(
    ctx: PeerContext | undefined,
    text: string,
  ): SubscribeMessage | undefined {
    if (hooks.owns === undefined || ctx?.acknowledged !== true || !text.includes('"subscribe"'))
      return undefined;
    let message;
    try {
      message = parseMessage(text);
    } catch {
      // graphql-ws closes with its own code and reason
      return undefined;
    }
    if (message.type !== MessageType.Subscribe || message.id in ctx.subscriptions) return undefined;
    return hooks.owns(message.payload) ? message : undefined;
  }

  // what graphql-ws's `emit` does, for the operations handled here
  async function sendNext(
    ctx: PeerContext,
    id: string,
    payload: SubscribePayload,
    args: ExecutionArgs,
    result: ExecutionResult,
  ): Promise<void> {
    const { errors, ...rest } = result;
    const formatted = await onNext?.(ctx, id, payload, args, result);
    await ctx.extra.send(
      stringifyMessage({
        id,
        type: MessageType.Next,
        payload: formatted || {
          ...rest,
          ...(errors ? { errors: errors.map((error) => error.toJSON()) } : {}),
        },
      }),
    );
  }
  async function sendError(
    ctx: PeerContext,
    id: string,
    payload: SubscribePayload,
    errors: readonly GraphQLError[],
  ): Promise<void> {
    const formatted = await onError?.(ctx, id, payload, errors);
    await ctx.extra.send(
      stringifyMessage({
        id,
        type: MessageType.Error,
        payload: formatted || errors.map((error) => error.toJSON()),
      }),
    );
  }
  async function complete(
    ctx: PeerContext,
    id: string,
    payload: SubscribePayload,
    notify: boolean,
  ): Promise<void> {
    await onComplete?.(ctx, id, payload);
    if (notify) await ctx.extra.send(stringifyMessage({ id, type: MessageType.Complete }));
  }

  /** graphql-ws's handling of a `subscribe` message (graphql-ws 6.4), step for step. */
  async function subscribeOwned(ctx: PeerContext, message: SubscribeMessage): Promise<void> {
    const { id, payload } = message;
    ctx.subscriptions[id] = null;
    let detached = false;
    try {
      const prepared = await onSubscribe?.(ctx, id, payload);
      // our hook answers every operation: there is no default path to fall back to
      if (!prepared) throw new Error('onSubscribe answered nothing');
      if (areGraphQLErrors(prepared)) {
        if (id in ctx.subscriptions) await sendError(ctx, id, payload, prepared);
        return;
      }
      if (Array.isArray(prepared))
        throw new Error(
          'Invalid return value from onSubscribe hook, expected an array of GraphQLError objects',
        );
      const args = prepared;
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) {
        if (id in ctx.subscriptions)
          await sendError(ctx, id, payload, [new GraphQLError('Unable to identify operation')]);
        return;
      }
      if (!('rootValue' in args)) args.rootValue = undefined;
      if (!('contextValue' in args)) args.contextValue = undefined;
      let result =
        operation.operation === OperationTypeNode.SUBSCRIPTION
          ? await (options.subscribe ?? graphqlSubscribe)(args)
          : await (options.execute ?? graphqlExecute)(args);
      const replaced = await onOperation?.(ctx, id, payload, args, result);
      if (replaced) result = replaced;
      if (Symbol.asyncIterator in Object(result)) {
        const stream = result as AsyncIterable<ExecutionResult>;
        if (!(id in ctx.subscriptions)) {
          const generator = stream as Partial<AsyncGenerator>;
          if (typeof generator.return === 'function') void generator.return(undefined);
        } else if (hooks.detachable?.(stream) === true && !stream.done) {
          // from here on the hub sends its frames and reports its end (see `ended`)
          stream.detached = true;
          ctx.subscriptions[id] = stream;
          detached = true;
          return;
        } else {
          ctx.subscriptions[id] = stream;
          try {
            for await (const value of stream) await sendNext(ctx, id, payload, args, value);
          } catch (error) {
            const originalError = error instanceof Error ? error : new Error(String(error));
            await sendError(ctx, id, payload, [
              new GraphQLError(originalError.message, { originalError }),
            ]);
            delete ctx.subscriptions[id];
          }
        }
      } else if (id in ctx.subscriptions) {
        await sendNext(ctx, id, payload, args, result as ExecutionResult);
      }
      await complete(ctx, id, payload, id in ctx.subscriptions);
    } finally {
      if (!detached) delete ctx.subscriptions[id];
    }
  }

  function fail(socket: WebSocket, error: unknown): void {
    hooks.failed(error);
    socket.close(CloseCode.InternalServerError, 'Internal server error');
  }

  // shared listeners (`this` is the socket): no closure per socket
  function onMessage(this: WebSocket, data: RawData): void {
    const peer = peers.get(this);
    if (peer?.handle === undefined) return;
    const text = (data as Buffer).toString();
    const ctx = peer.context;
    const owned = ownedSubscribe(ctx, text);
    (owned === undefined || ctx === undefined
      ? peer.handle(text)
      : subscribeOwned(ctx, owned)
    ).catch((error: unknown) => fail(this, error));
  }
  function onPong(this: WebSocket): void {
    const peer = peers.get(this);
    if (peer !== undefined) peer.alive = true;
  }
  function onSocketError(this: WebSocket, error: Error): void {
    fail(this, error);
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
    socket.on('error', onSocketError);
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
    ended: (peer, id, operation) => {
      const ctx = peer.context;
      if (ctx === undefined || !operation.detached) return;
      operation.detached = false;
      // still registered: it ended by itself, and the client is told (as graphql-ws does when a
      // stream finishes); the client's `complete` and the socket's close unregister it first
      const notify = ctx.subscriptions[id] === operation;
      if (notify) delete ctx.subscriptions[id];
      complete(ctx, id, DROPPED_PAYLOAD, notify).catch((error: unknown) =>
        fail(peer.socket, error),
      );
    },
    dispose: async () => {
      clearInterval(keepAlive);
      clearInterval(initCheck);
      for (const socket of wss.clients) socket.close(1001, 'Going away');
    },
  };
}
