import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { enforceMutationRateLimit } from './mutation-rate-limit.js';

/** Applies the per-account mutation limit to every HTTP operation, once, before it executes. */
export function mutationRateLimitPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation }) {
          if (operation !== undefined)
            await enforceMutationRateLimit(contextValue, document, operation);
        },
      };
    },
  };
}
