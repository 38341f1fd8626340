import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { findAppError, isInternalError } from '../graphql/format-error.js';

function codeOrInternal(code: unknown): string {
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * One log line and one metric sample per operation, and the full story of every internal error
 * (which the client sees only as INTERNAL_SERVER_ERROR). Hooks only at operation level: a
 * per-field hook would cost on every resolved field.
 */
export function observabilityPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
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
          const codes = (errors ?? []).map(
            (e) => findAppError(e)?.code ?? codeOrInternal(e.extensions['code']),
          );
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
