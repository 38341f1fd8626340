import type { IncomingHttpHeaders } from 'node:http';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import type { ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { App } from '../app.js';
import { type Credential, credentialFrom } from '../auth/credentials.js';
import type { Viewer } from '../auth/viewer.js';
import { ErrorCode } from '../graphql/errors.js';
import { formatError, isInternalError } from '../graphql/format-error.js';
import type { LiveConnection } from './live.js';
import type { OperationGate } from './operation.js';

/** Where GraphQL over SSE is served, beside `/graphql` on the same server and port. */
export const SSE_PATH = '/graphql/stream';

/** Content types a browser may send cross-site without a CORS preflight (Apollo's CSRF rule). */
const SIMPLE_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/**
 * Apollo's CSRF prevention, applied to the session cookie: a request a page could send without a
 * preflight (a plain `EventSource` GET, a form) carries no proof the page may talk to us, so its
 * cookie is ignored. A JSON body (as the graphql-sse client sends) or an
 * `apollo-require-preflight` / `x-apollo-operation-name` header needs a preflight, which CORS
 * allows only for our origins.
 */
export function preflighted(headers: IncomingHttpHeaders): boolean {
  if (headers['apollo-require-preflight'] !== undefined) return true;
  if (headers['x-apollo-operation-name'] !== undefined) return true;
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type !== undefined && type !== '' && !SIMPLE_CONTENT_TYPES.has(type);
}

/** Who an SSE request authenticated as, kept from `authenticate` to `onSubscribe`. */
interface Caller {
  credential: Credential;
  viewer: Viewer;
}

function unauthorized(message: string) {
  return [
    JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.Unauthenticated } }] }),
    {
      status: 401,
      statusText: 'Unauthorized',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    },
  ] as const;
}

/**
 * GraphQL over Server-Sent Events (graphql-sse, "distinct connections" mode: one stream per
 * operation) for browsers and networks that block WebSocket. Authentication is the API's own
 * (`Authorization: Bearer|Device …`, or the session cookie under the CSRF rule above); every
 * operation goes through the same {@link OperationGate} as graphql-ws (validation, cost, rate
 * limit, context), and subscriptions re-authorise every event through the same live path, so a
 * revoked session ends its streams at their next event.
 */
export function createSseHandler(options: {
  app: App;
  schema: GraphQLSchema;
  gate: OperationGate;
}): (req: ExpressRequest, res: ExpressResponse) => Promise<void> {
  const { app, schema, gate } = options;
  const exposeInternals = app.config.env === 'development';
  const callers = new WeakMap<object, Caller>();
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      if (isInternalError(error))
        app.logger.error(
          { err: error.originalError ?? error, path: error.path },
          'internal error (sse)',
        );
      return formatError(error.toJSON(), error, {
        exposeInternals,
        suggestions: gate.suggestions,
      });
    });

  return createHandler({
    schema,
    // the gate validated with the API's rules already (the library would run graphql's defaults)
    validate: () => [],
    authenticate: async (req) => {
      const { headers } = req.raw;
      const credential = credentialFrom(
        headers.authorization,
        preflighted(headers) ? headers.cookie : undefined,
      );
      const viewer = await app.liveAuthorizer.viewer(credential);
      if (viewer === null || viewer.kind === 'anonymous')
        return unauthorized('Sign in (a bearer token, a device token or the session cookie).');
      callers.set(req.raw, { credential, viewer });
      // null: no reservation tokens ("single connection" mode is off), one stream per operation
      return null;
    },
    onSubscribe: async (req, params) => {
      const caller = callers.get(req.raw);
      if (caller === undefined) return unauthorized('Not authenticated.');
      const { res } = req.context;
      const live: LiveConnection = {
        credential: caller.credential,
        revalidate: async () => {
          const current = await app.liveAuthorizer.viewer(caller.credential);
          // a revoked credential ends the stream (the client sees it close, as 4403 over ws)
          if (current === null) res.end();
          return current;
        },
      };
      const prepared = await gate.prepare({
        payload: {
          query: params.query,
          variables: params.variables ?? null,
          operationName: params.operationName ?? null,
        },
        viewer: caller.viewer,
        transport: 'sse',
        live,
        ip: req.raw.ip,
        userAgent: req.raw.headers['user-agent'],
      });
      // graphql-sse streams a result that has a `data` key (null here) as the operation's answer
      if (Array.isArray(prepared))
        return { data: null, errors: prepared } satisfies ExecutionResult;
      // graphql-sse types its context as a plain record; ours is the API's Context
      return prepared.args as never;
    },
    onOperation: (_ctx, req) => {
      app.metrics.sseStreams.inc();
      app.metrics.sseSubscriptionsStarted.inc();
      req.context.res.once('close', () => app.metrics.sseStreams.dec());
    },
    onNext: (_ctx, _req, result) => {
      if (result.errors === undefined || result.errors.length === 0) return;
      return { ...result, errors: format(result.errors) } as never;
    },
  });
}
