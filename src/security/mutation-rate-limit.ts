import { Kind, type OperationDefinitionNode, OperationTypeNode } from 'graphql';
import type { Context } from '../context.js';

/** Mutations with a stricter limit of their own (SPEC §7), counted per IP or account+IP instead. */
const OWN_LIMIT: ReadonlySet<string> = new Set([
  'logIn',
  'signUp',
  'requestPasswordReset',
  'findFamilies',
]);

/**
 * SPEC §7: every other mutation is limited to 300 a minute per account (per IP when anonymous),
 * each root field counting once. Runs once per operation, before execution (HTTP and WebSocket),
 * so no resolver can forget it and no field pays for it.
 */
export async function enforceMutationRateLimit(
  context: Context,
  operation: OperationDefinitionNode,
): Promise<void> {
  if (operation.operation !== OperationTypeNode.MUTATION) return;
  const { viewer } = context;
  const key = viewer.kind === 'user' ? `user:${viewer.userId}` : `ip:${context.ip}`;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD && !OWN_LIMIT.has(selection.name.value)) {
      await context.app.rateLimiter.consume('mutation', key);
    }
  }
}
