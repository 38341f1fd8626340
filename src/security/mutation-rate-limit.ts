import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from '../context.js';

/** Mutations with a stricter limit of their own (SPEC §7), counted per IP or account+IP instead. */
const OWN_LIMIT: ReadonlySet<string> = new Set([
  'logIn',
  'signUp',
  'requestPasswordReset',
  'findFamilies',
]);

/** Root field names of a selection, through inline fragments and fragment spreads (each spread once). */
function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: Set<string>,
  into: string[],
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      into.push(selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      rootFields(selection.selectionSet, fragments, seen, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment !== undefined && !seen.has(fragment.name.value)) {
        seen.add(fragment.name.value);
        rootFields(fragment.selectionSet, fragments, seen, into);
      }
    }
  }
}

/**
 * SPEC §7: every other mutation is limited to 300 a minute per account (per IP when anonymous),
 * each root field counting once, however it is spelled (fragments included). Runs once per
 * operation, before execution (HTTP and WebSocket), so no resolver can forget it.
 */
export async function enforceMutationRateLimit(
  context: Context,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): Promise<void> {
  if (operation.operation !== OperationTypeNode.MUTATION) return;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const fields: string[] = [];
  rootFields(operation.selectionSet, fragments, new Set(), fields);
  const { viewer } = context;
  const key =
    viewer.kind === 'user'
      ? `user:${viewer.userId}`
      : viewer.kind === 'device'
        ? `device:${viewer.deviceId}`
        : `ip:${context.ip}`;
  for (const field of fields) {
    if (!OWN_LIMIT.has(field)) await context.app.rateLimiter.consume('mutation', key);
  }
}
