import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  getOperationAST,
  getVariableValues,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import type { App } from '../app.js';
import { Access } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import { type Context, createContext, requestIdFrom } from '../context.js';
import { checkOperationCost, dropDuplicatePageSizeErrors } from '../graphql/cost.js';
import { ErrorCode } from '../graphql/errors.js';
import { findAppError, variableFields, withoutSuggestions } from '../graphql/format-error.js';
import { PARSE_OPTIONS } from '../graphql/limits.js';
import { nameOperation, type OperationSpan } from '../observability/tracing.js';
import { enforceMutationRateLimit } from '../security/mutation-rate-limit.js';
import type { LiveConnection } from './live.js';

/** Distinct valid documents kept parsed and validated (a dashboard sends a handful). */
const DOCUMENT_CACHE_SIZE = 200;

/** Gives a parse or validation failure the code it gets over HTTP (Apollo adds it there). */
export function requestError(error: unknown, code: string, suggestions: boolean): GraphQLError {
  const app = findAppError(error);
  if (app !== undefined) return app;
  if (error instanceof GraphQLError) {
    return new GraphQLError(suggestions ? error.message : withoutSuggestions(error.message), {
      nodes: error.nodes,
      extensions: { ...error.extensions, code },
      originalError: error,
    });
  }
  return new GraphQLError('Internal server error.', { originalError: error as Error });
}

/** An operation as a streaming transport receives it. */
export interface OperationPayload {
  query: string;
  variables?: Record<string, unknown> | null | undefined;
  operationName?: string | null | undefined;
}

/** An operation ready to run, with what the transport may still want of it. */
export interface PreparedOperation {
  args: ExecutionArgs;
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

/**
 * The one gate of the streaming transports (graphql-ws and GraphQL over SSE): the same parse
 * limits, validation rules (introspection off where HTTP has it off), variable coercion, cost
 * budget, mutation rate limit and context (viewer, batched access answers, the live connection
 * that subscriptions re-authorise through) whichever carries the operation. Over HTTP Apollo
 * applies the same rules with the same functions.
 */
export class OperationGate {
  private readonly rules: ValidationRule[];
  private readonly documents = new Map<string, DocumentNode>();
  /** Whether error messages keep "Did you mean …?" hints (as over HTTP: not in production). */
  readonly suggestions: boolean;

  constructor(
    private readonly app: App,
    private readonly schema: GraphQLSchema,
    validationRules: ValidationRule[],
  ) {
    this.rules = [
      ...specifiedRules,
      ...validationRules,
      // Apollo enforces INTROSPECTION over HTTP; a stream must not be a way around it
      ...(app.config.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ];
    this.suggestions = app.config.env !== 'production';
  }

  /**
   * The parsed and validated document of `query`, or the errors refusing it. A burst of sockets
   * sends the same few documents: each is parsed and validated once.
   */
  document(query: string): DocumentNode | GraphQLError[] {
    const { schema, suggestions } = this;
    let document = this.documents.get(query);
    if (document !== undefined) return document;
    try {
      document = parse(query, PARSE_OPTIONS);
    } catch (error) {
      return [requestError(error, 'GRAPHQL_PARSE_FAILED', suggestions)];
    }
    const errors = [...validate(schema, document, this.rules)];
    dropDuplicatePageSizeErrors(errors);
    if (errors.length > 0)
      return errors.map((error) => requestError(error, ErrorCode.ValidationFailed, suggestions));
    if (this.documents.size >= DOCUMENT_CACHE_SIZE)
      this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(query, document);
    return document;
  }

  /**
   * Checks and prepares one operation for `viewer` (already re-authenticated by the caller);
   * returns the errors to send instead when anything refuses it.
   */
  async prepare(options: {
    payload: OperationPayload;
    viewer: Viewer;
    transport: 'ws' | 'sse';
    live: LiveConnection;
    ip: string | undefined;
    userAgent: string | undefined;
    traceSpan?: OperationSpan | undefined;
  }): Promise<PreparedOperation | GraphQLError[]> {
    const { app, schema, suggestions } = this;
    const { payload, viewer } = options;
    const document = this.document(payload.query);
    if (Array.isArray(document)) return document;
    const contextValue: Context = createContext(app, {
      requestId: requestIdFrom(undefined),
      transport: options.transport,
      viewer,
      live: options.live,
      ip: options.ip,
      userAgent: options.userAgent,
    });
    // the access answers of subscriptions starting together come from batched queries
    contextValue.access = new Access({
      em: contextValue.em,
      viewer,
      standingsOf: (userId) => app.liveAuthorizer.standingsOf(userId),
    });
    const operation = getOperationAST(document, payload.operationName ?? null);
    // as over HTTP (Apollo's OPERATION_RESOLUTION_FAILURE): the client's mistake, not ours
    if (operation === null || operation === undefined) {
      return [
        new GraphQLError(
          payload.operationName == null
            ? 'Must provide operation name if query contains multiple operations.'
            : `Unknown operation named "${payload.operationName}".`,
          { extensions: { code: ErrorCode.ValidationFailed } },
        ),
      ];
    }
    nameOperation(
      options.traceSpan?.span,
      operation.operation,
      operation.name === undefined ? null : app.metrics.operationLabel(operation.name.value),
    );
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
            extensions: { code: ErrorCode.BadUserInput, fields: variableFields(error.message) },
          }),
      );
    }
    try {
      checkOperationCost(schema, document, operation, payload.variables ?? undefined);
      await enforceMutationRateLimit(contextValue, document, operation);
    } catch (error) {
      return [requestError(error, ErrorCode.Internal, suggestions)];
    }
    return {
      document,
      operation,
      args: {
        schema,
        document,
        variableValues: payload.variables ?? null,
        operationName: payload.operationName ?? null,
        contextValue,
      },
    };
  }
}
