import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { RateLimitedError } from '../graphql/errors.js';
import { enforceMutationRateLimit } from './mutation-rate-limit.js';

/**
 * Applies the per-account mutation limit to every HTTP operation, once, before it executes.
 * A refusal is HTTP 429 with `Retry-After` (a plugin error would otherwise be a 500).
 */
export function mutationRateLimitPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation }) {
          if (operation === undefined) return;
          try {
            await enforceMutationRateLimit(contextValue, document, operation);
          } catch (error) {
            if (!(error instanceof RateLimitedError)) throw error;
            throw new GraphQLError(error.message, {
              originalError: error,
              extensions: {
                ...error.extensions,
                http: {
                  status: 429,
                  headers: new HeaderMap([['retry-after', String(error.retryAfterSeconds)]]),
                },
              },
            });
          }
        },
      };
    },
  };
}
