import type { Server } from 'node:http';
import {
  type ExecutionArgs,
  execute,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app.js';
import { Access } from '../auth/access.js';
import { type Context, createContext, requestIdFrom } from '../context.js';
import { Loaders } from '../database/loaders.js';
import { formatError, isInternalError } from '../graphql/format-error.js';
import { ErrorCode } from '../graphql/errors.js';
import { errorCodes } from '../observability/apollo-plugin.js';
import {
  endOperation,
  executeInSpan,
  type OperationSpan,
  startOperation,
  within,
} from '../observability/tracing.js';
import { type Credential, credentialFrom } from '../auth/credentials.js';
import { LiveFanout, type SharedSocket, SharedStream, shareKey, subscribeLive } from './fanout.js';
import {
  LiveCloseCode,
  type LiveConnection,
  MAX_SOCKET_BUFFER_BYTES,
  MAX_SUBSCRIPTIONS_PER_SOCKET,
} from './live.js';
import type { OperationGate } from './operation.js';
import {
  AccountSocketLimits,
  closeSuspendedSockets,
  TOO_MANY_CONNECTIONS,
} from './socket-limits.js';
import type WebSocket from 'ws';
import { type Peer, serveGraphqlWs } from './ws-adapter.js';

export { CloseCode };

/** A socket past `connection_init`: its credential is known. */
function authenticated(peer: Peer): peer is Peer & SharedSocket {
  return peer.credential !== undefined;
}

/** Largest message a client may send over the socket (SPEC §2: bodies ≤ 1 MiB). */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * How long a socket may stay open without `connection_init` (graphql-ws: 3 s). In a burst of
 * thousands of connects, a socket's init can wait in line behind the others for longer than
 * that; it is still a bound on sockets that never authenticate.
 */
const CONNECTION_INIT_WAIT_MS = 15_000;

/**
 * After a subscription has started, its context keeps nothing it loaded while starting: the
 * EntityManager, loaders and access answers are made again on first use (an event's resolver
 * refreshes them anyway). An idle subscription then holds a few small objects, not an ORM fork.
 */
function idleContext(ctx: Context): void {
  let em: Context['em'] | undefined;
  let loaders: Context['loaders'] | undefined;
  let access: Context['access'] | undefined;
  const lazy = <T>(get: () => T, set: (value: T) => void): PropertyDescriptor => ({
    get,
    set,
    enumerable: true,
    configurable: true,
  });
  Object.defineProperties(ctx, {
    em: lazy(
      () => (em ??= ctx.app.orm.em.fork({ loggerContext: { requestId: ctx.requestId } })),
      (value) => (em = value),
    ),
    loaders: lazy(
      () => (loaders ??= new Loaders(ctx.em)),
      (value) => (loaders = value),
    ),
    access: lazy(
      () => (access ??= new Access({ em: ctx.em, viewer: ctx.viewer })),
      (value) => (access = value),
    ),
  });
}

export interface WsServerHandle {
  /** Closes every socket (1001 going away) and stops accepting new ones. */
  dispose(): Promise<void>;
}

/** Whether a page's Origin is the host the request was sent to (a page the API served). */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * graphql-ws on the HTTP server's `/graphql` path. Operations over the socket get the same
 * parsing limits, validation rules and error masking as over HTTP.
 */
export function attachWsServer(options: {
  app: App;
  httpServer: Server;
  schema: GraphQLSchema;
  /** Parses, validates, costs and builds the context of each operation (shared with SSE). */
  gate: OperationGate;
}): WsServerHandle {
  const { app, httpServer, schema, gate } = options;
  const exposeInternals = app.config.env === 'development';
  // as over HTTP: hints help a developer, and map the schema out in production
  const suggestions = gate.suggestions;
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: MAX_PAYLOAD_BYTES,
  });

  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      if (isInternalError(error)) {
        app.logger.error(
          { err: error.originalError ?? error, path: error.path },
          'internal error (ws)',
        );
      }
      return formatError(error.toJSON(), error, { exposeInternals, suggestions });
    });

  /**
   * Authenticated sockets. One timer re-checks them all every interval (the checks batch): an
   * open socket counts as activity (the session's idle expiry slides), and a credential revoked
   * while no event flows still closes its socket within one interval.
   */
  const authenticatedPeers = new Set<Peer & SharedSocket>();
  const reauthenticate = setInterval(() => {
    for (const peer of authenticatedPeers)
      app.liveAuthorizer
        .viewer(peer.credential)
        .then((current) => {
          if (current === null) closeSocket(peer.socket, LiveCloseCode.Forbidden, 'Forbidden');
        })
        .catch((error: unknown) =>
          app.logger.warn({ err: error }, 'socket re-authentication failed'),
        );
  }, app.config.wsReauthIntervalMs);
  reauthenticate.unref();
  /** Operations whose events the fan-out hub delivers: GraphQL never executes them again. */
  const sharedOperations = new WeakSet<ExecutionArgs>();
  const fanout = new LiveFanout({
    pubSub: app.pubSub,
    authorizer: app.liveAuthorizer,
    metrics: app.metrics,
    logger: app.logger,
    // a shared subscription's end is the adapter's to report (its `complete` frame, its count)
    ended: (stream) => adapter.ended(stream.socket as Peer, stream.id, stream),
    run: async (args, viewer, event) => {
      const contextValue = createContext(app, {
        requestId: requestIdFrom(undefined),
        transport: 'ws',
        viewer,
      });
      const { errors, ...result } = await execute({ ...args, rootValue: event, contextValue });
      return JSON.stringify(
        errors === undefined || errors.length === 0
          ? result
          : { ...result, errors: format(errors) },
      );
    },
  });
  const accountSockets = new AccountSocketLimits(app.config.limits.socketsPerAccount);
  // an admin's suspension ends the user's sessions: their sockets on every process close now,
  // not at the next re-authentication
  const suspensions = closeSuspendedSockets(
    app,
    () => authenticatedPeers,
    (socket) => closeSocket(socket, LiveCloseCode.Forbidden, 'Account suspended'),
  );
  const closeSocket = (socket: WebSocket, code: number, reason: string) => {
    if (socket.readyState === socket.OPEN) socket.close(code, reason);
  };
  /** Tracing on: the span of each prepared operation, until it executes (keyed by its context). */
  const traced = new WeakMap<object, OperationSpan>();
  const inOperationSpan =
    (run: typeof execute | typeof subscribeLive) =>
    (args: ExecutionArgs): ReturnType<typeof run> => {
      const operation = traced.get(args.contextValue as object);
      return executeInSpan(operation, () => run(args), errorCodes);
    };

  const adapter = serveGraphqlWs(
    {
      schema,
      execute: inOperationSpan(execute),
      subscribe: inOperationSpan(subscribeLive),
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
      onConnect: async (ctx) => {
        const peer = ctx.extra;
        const { socket } = peer;
        const upgrade = peer.upgrade ?? {};
        peer.upgrade = undefined;
        const param = ctx.connectionParams?.['authorization'];
        // graphql-ws keeps the parameters as long as the socket is open; the token is read once
        // (undefined rather than `delete`: a deleted property turns the object into a dictionary)
        (ctx as { connectionParams?: unknown }).connectionParams = undefined;
        const fromParams = typeof param === 'string' && param !== '';
        // a browser sends the cookie with any page's upgrade request: only trust it from our
        // origins — the configured ones, and the API's own (its IDE page)
        const { origin } = upgrade;
        const cookieAllowed =
          origin === undefined ||
          app.config.corsOrigins.includes(origin) ||
          sameOrigin(origin, upgrade.host);
        const credential: Credential = credentialFrom(
          fromParams ? param : undefined,
          cookieAllowed ? upgrade.cookie : undefined,
        );
        // through the live authorizer: a burst of connects is checked in a few batched queries
        const viewer = await app.liveAuthorizer.viewer(credential);
        if (viewer === null || viewer.kind === 'anonymous') {
          closeSocket(socket, LiveCloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
        // closed meanwhile: its close has run, nothing would give a slot back
        if (socket.readyState !== socket.OPEN) return false;
        if (!accountSockets.admit(viewer)) {
          closeSocket(socket, TOO_MANY_CONNECTIONS.code, TOO_MANY_CONNECTIONS.reason);
          return false;
        }
        // the slot is given back when the socket closes (the adapter's `closing` hook)
        if (viewer.kind === 'user') peer.userId = viewer.userId;
        else peer.deviceId = viewer.deviceId;
        peer.credential = credential;
        if (authenticated(peer)) authenticatedPeers.add(peer);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = ctx.extra;
        const { socket } = connection;
        if (!authenticated(connection))
          return [
            new GraphQLError('Not authenticated.', {
              extensions: { code: ErrorCode.Unauthenticated },
            }),
          ];
        if (connection.operations >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [
            new GraphQLError(
              `At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} operations may run on one socket.`,
              {
                extensions: { code: ErrorCode.RateLimited, retryAfterSeconds: 1 },
              },
            ),
          ];
        }
        // the slot is taken before the first await: frames sent back to back cannot all pass the
        // check while earlier ones are still being prepared; a refused operation gives it back
        connection.operations += 1;
        const traceSpan = startOperation(app.tracing, 'ws');
        const prepared = await within(traceSpan, async () => {
          const revalidate = async () => {
            const current = await app.liveAuthorizer.viewer(connection.credential);
            if (current !== null) return current;
            closeSocket(socket, LiveCloseCode.Forbidden, 'Forbidden');
            return null;
          };
          // each operation re-checks the credential (and, for a session, counts as activity)
          const viewer = await revalidate();
          if (viewer === null)
            return [
              new GraphQLError('Your session has ended.', {
                extensions: { code: ErrorCode.Unauthenticated },
              }),
            ];
          const live: LiveConnection = {
            socket,
            credential: connection.credential,
            revalidate,
          };
          const ready = await gate.prepare({
            payload,
            viewer,
            transport: 'ws',
            live,
            ip: connection.ip,
            userAgent: connection.userAgent,
            traceSpan,
          });
          if (Array.isArray(ready)) return ready;
          const { args, document, operation } = ready;
          const requestId = (args.contextValue as Context).requestId;
          const key = shareKey(document, operation, payload.query, payload.variables);
          if (key !== undefined) {
            live.shared = {
              subscribe: (topics, spec) => {
                sharedOperations.add(args);
                return fanout.subscribe(connection, id, key, args, topics, spec);
              },
            };
          }
          app.logger.debug(
            { requestId, subscriptionId: id, remote: connection.ip },
            'ws operation',
          );
          return args;
        }).catch((error: unknown) => {
          connection.operations -= 1;
          endOperation(traceSpan, ['INTERNAL_SERVER_ERROR']);
          throw error;
        });
        if (Array.isArray(prepared)) {
          connection.operations -= 1;
          endOperation(traceSpan, errorCodes(prepared));
        } else if (traceSpan !== undefined) traced.set(prepared.contextValue as object, traceSpan);
        return prepared;
      },
      onOperation: (_ctx, _id, _payload, args) => {
        // graphql-ws keeps the arguments while the operation runs; a shared one needs no context
        // any more, the others only what they load again per event
        if (sharedOperations.has(args)) args.contextValue = undefined;
        else idleContext(args.contextValue as Context);
        app.metrics.wsSubscriptions.inc();
        app.metrics.wsSubscriptionsStarted.inc();
      },
      onComplete: (ctx) => {
        ctx.extra.operations -= 1;
        app.metrics.wsSubscriptions.dec();
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        // a client that stops reading must not make us buffer without limit
        if (ctx.extra.socket.bufferedAmount > MAX_SOCKET_BUFFER_BYTES) {
          closeSocket(ctx.extra.socket, LiveCloseCode.SlowConsumer, 'Too slow');
          return;
        }
        if (result.errors === undefined || result.errors.length === 0) return;
        return { ...result, errors: format(result.errors) };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
    {
      opened: () => app.metrics.wsConnections.inc(),
      closing: (peer) => {
        accountSockets.release(peer);
        authenticatedPeers.delete(peer as Peer & SharedSocket);
      },
      closed: () => app.metrics.wsConnections.dec(),
      failed: (error) => app.logger.error({ err: error }, 'internal error (ws socket)'),
      // operations the fan-out hub may serve; a valid document is parsed once here, for all
      owns: (payload) => {
        if (typeof payload.query !== 'string') return false;
        const document = gate.document(payload.query);
        if (Array.isArray(document)) return false;
        const operation = getOperationAST(document, payload.operationName ?? null);
        return (
          operation != null &&
          shareKey(document, operation, payload.query, payload.variables) !== undefined
        );
      },
      detachable: (result) => result instanceof SharedStream,
    },
  );

  return {
    dispose: async () => {
      clearInterval(reauthenticate);
      fanout.close();
      await suspensions.stop();
      await adapter.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
