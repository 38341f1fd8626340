import type { Server } from 'node:http';
import {
  type ExecutionArgs,
  GraphQLError,
  getOperationAST,
  getVariableValues,
  NoSchemaIntrospectionCustomRule,
  type GraphQLSchema,
  type ValidationRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app.js';
import { createContext, requestIdFrom } from '../context.js';
import {
  findAppError,
  formatError,
  isInternalError,
  variableFields,
} from '../graphql/format-error.js';
import { ErrorCode } from '../graphql/errors.js';
import { PARSE_OPTIONS } from '../graphql/limits.js';
import { enforceMutationRateLimit } from '../security/mutation-rate-limit.js';

export { CloseCode };

/** Largest message a client may send over the socket (SPEC §2: bodies ≤ 1 MiB). */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

export interface WsServerHandle {
  /** Closes every socket (1001 going away) and stops accepting new ones. */
  dispose(): Promise<void>;
}

/** Gives a parse or validation failure the code it gets over HTTP (Apollo adds it there). */
function requestError(error: unknown, code: string): GraphQLError {
  const app = findAppError(error);
  if (app !== undefined) return app;
  if (error instanceof GraphQLError) {
    // as over HTTP (graphql-armor there): no "Did you mean …?" hints that map the schema out
    return new GraphQLError(error.message.replace(/ Did you mean .*\?$/, ''), {
      nodes: error.nodes,
      extensions: { ...error.extensions, code },
      originalError: error,
    });
  }
  return new GraphQLError('Internal server error.', { originalError: error as Error });
}

/**
 * graphql-ws on the HTTP server's `/graphql` path. Operations over the socket get the same
 * parsing limits, validation rules and error masking as over HTTP.
 */
export function attachWsServer(options: {
  app: App;
  httpServer: Server;
  schema: GraphQLSchema;
  validationRules: ValidationRule[];
}): WsServerHandle {
  const { app, httpServer, schema } = options;
  const rules = [
    ...specifiedRules,
    ...options.validationRules,
    // Apollo enforces INTROSPECTION over HTTP; the socket must not be a way around it
    ...(app.config.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const exposeInternals = app.config.env === 'development';
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: MAX_PAYLOAD_BYTES,
  });

  wss.on('connection', (socket) => {
    app.metrics.wsConnections.inc();
    socket.once('close', () => app.metrics.wsConnections.dec());
  });

  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      if (isInternalError(error)) {
        app.logger.error(
          { err: error.originalError ?? error, path: error.path },
          'internal error (ws)',
        );
      }
      return formatError(error.toJSON(), error, { exposeInternals });
    });

  const disposable = useServer(
    {
      schema,
      onSubscribe: async (ctx, id, payload) => {
        let document;
        try {
          document = parse(payload.query, PARSE_OPTIONS);
        } catch (error) {
          return [requestError(error, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0)
          return errors.map((error) => requestError(error, ErrorCode.ValidationFailed));
        const requestId = requestIdFrom(undefined);
        const contextValue = createContext(app, {
          requestId,
          transport: 'ws',
          ip: ctx.extra.request.socket.remoteAddress,
          userAgent: ctx.extra.request.headers['user-agent'],
        });
        const operation = getOperationAST(document, payload.operationName ?? null);
        if (operation !== null && operation !== undefined) {
          const coerced = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            payload.variables ?? {},
          );
          if (coerced.errors !== undefined) {
            return coerced.errors.map(
              (error) =>
                new GraphQLError(error.message, {
                  nodes: error.nodes,
                  extensions: {
                    code: ErrorCode.BadUserInput,
                    fields: variableFields(error.message),
                  },
                }),
            );
          }
          try {
            await enforceMutationRateLimit(contextValue, document, operation);
          } catch (error) {
            return [requestError(error, ErrorCode.Internal)];
          }
        }
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables ?? null,
          operationName: payload.operationName ?? null,
          contextValue,
        };
        app.logger.debug(
          { requestId, subscriptionId: id, remote: ctx.extra.request.socket.remoteAddress },
          'ws operation',
        );
        return args;
      },
      onOperation: () => {
        app.metrics.wsSubscriptions.inc();
      },
      onComplete: () => {
        app.metrics.wsSubscriptions.dec();
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (result.errors === undefined || result.errors.length === 0) return;
        return { ...result, errors: format(result.errors) };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );

  return {
    dispose: async () => {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
