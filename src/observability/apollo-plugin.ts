import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import type { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { findAppError, isInternalError } from '../graphql/format-error.js';
import { nameOperation, recordOperationErrors } from './tracing.js';

function codeOrInternal(code: unknown): string {
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** The `extensions.code` each error is answered with. */
export function errorCodes(errors: readonly GraphQLError[]): string[] {
  return errors.map((e) => findAppError(e)?.code ?? codeOrInternal(e.extensions['code']));
}

/**
 * One log line and one metric sample per operation, and the full story of every internal error
 * (which the client sees only as INTERNAL_SERVER_ERROR). Hooks only at operation level: a
 * per-field hook would cost on every resolved field. With tracing on, names the operation's span
 * (started, and made active for the resolvers, by the HTTP layer) and records its errors.
 */
export function observabilityPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const span = trace.getActiveSpan();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (isInternalError(error)) {
              contextValue.log.error(
                { err: error.originalError ?? error, path: error.path },
                'internal error',
              );
            }
          }
        },
        async willSendResponse({ operationName, operation, errors }) {
          const { metrics } = contextValue.app;
          const label = metrics.operationLabel(operationName);
          const type = operation?.operation ?? 'unknown';
          const seconds = (performance.now() - started) / 1000;
          const codes = errorCodes(errors ?? []);
          if (operation !== undefined)
            nameOperation(span, type, label === '(anonymous)' ? null : label);
          recordOperationErrors(span, codes);
          metrics.requests.inc({
            operation: label,
            type,
            outcome: codes.length === 0 ? 'ok' : 'error',
          });
          metrics.duration.observe({ operation: label, type }, seconds);
          contextValue.log.info(
            {
              operation: label,
              type,
              ms: Math.round(seconds * 10_000) / 10,
              errors: codes.length > 0 ? codes : undefined,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
