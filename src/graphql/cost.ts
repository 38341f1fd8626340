import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
  GraphQLError,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isCompositeType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
} from 'graphql';
import { PAGE_SIZE } from './page-size.js';
import { AppError, BadUserInputError, QueryTooComplexError } from './errors.js';

/**
 * The cost budget of one operation (README, "Query cost"): about how many values the answer may
 * hold. Every selected field costs 1 each time it is resolved, and a paged connection resolves
 * its whole selection once per item of its page.
 */
export const MAX_COST = 10_000;

/** The arguments that size a page on every connection (SPEC §4). */
const PAGE_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'last']);

/** Why a page size is refused, or undefined when it is one SPEC §4 allows. */
function pageSizeProblem(size: number): string | undefined {
  if (size < 0) return 'must be at least 0';
  if (size > PAGE_SIZE.max) return `must be at most ${PAGE_SIZE.max}`;
  return undefined;
}

/** True for a field that takes a page size: its selection is resolved once per item. */
function isPaged(field: GraphQLField<unknown, unknown>): boolean {
  return field.args.some((arg) => PAGE_ARGUMENTS.has(arg.name));
}

/** Literal page sizes already refused by {@link PageSizeRule}, so no other rule reports them again. */
const refusedLiterals = new WeakSet<ASTNode>();

/**
 * Validation rule: a literal `first`/`last` outside 0…100 (also one too large for an `Int`) is
 * BAD_USER_INPUT naming the argument, on every connection, before any cost is computed.
 */
export const PageSizeRule: ValidationRule = (context) => ({
  Argument(node) {
    const field = context.getFieldDef();
    if (field === null || field === undefined || !isPaged(field)) return;
    if (!PAGE_ARGUMENTS.has(node.name.value) || node.value.kind !== Kind.INT) return;
    const problem = pageSizeProblem(Number(node.value.value));
    if (problem === undefined) return;
    refusedLiterals.add(node.value);
    context.reportError(BadUserInputError.field(node.name.value, problem));
  },
});

/**
 * Drops, in place, the errors other rules raise about a literal {@link PageSizeRule} refused
 * (graphql-js's own "Int cannot represent non 32-bit signed integer value"), so a bad page size is
 * one error.
 */
export function dropDuplicatePageSizeErrors(errors: GraphQLError[]): void {
  for (let index = errors.length - 1; index >= 0; index -= 1) {
    const error = errors[index];
    if (error === undefined || error instanceof AppError) continue;
    if ((error.nodes ?? []).some((node) => refusedLiterals.has(node))) errors.splice(index, 1);
  }
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  /** The coerced variables, asked for only when a page size needs them. */
  variables: () => Record<string, unknown>;
  /** Fragment costs, computed once each: a spread repeated many times must not blow up. */
  fragmentCosts: Map<string, number>;
  /** Page-size problems of variables, by argument name. */
  problems: Record<string, string>;
}

function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return 'getFields' in parent ? parent.getFields()[name] : undefined;
}

/** How many items a paged field resolves its selection for: the page size asked for. */
function pageSize(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode): number {
  let args: Record<string, unknown>;
  const variables = walk.variables();
  try {
    args = getArgumentValues(field, node, variables);
  } catch {
    return PAGE_SIZE.max; // unknowable: assume the largest page
  }
  const sizes: number[] = [];
  for (const name of PAGE_ARGUMENTS) {
    const value = args[name];
    if (typeof value !== 'number') continue;
    const problem = pageSizeProblem(value);
    if (problem !== undefined) walk.problems[name] = problem;
    sizes.push(value);
  }
  if (sizes.length === 0) return PAGE_SIZE.default;
  return Math.min(Math.max(0, ...sizes), PAGE_SIZE.max);
}

function selectionCost(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType | undefined,
): number {
  if (parent === undefined || !isCompositeType(parent)) return 0;
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = fieldDefinition(walk.schema, parent, selection.name.value);
      total += 1;
      if (field === undefined || selection.selectionSet === undefined) continue;
      const inner = selectionCost(walk, selection.selectionSet, getNamedType(field.type));
      total += isPaged(field) ? pageSize(walk, field, selection) * inner : inner;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type =
        selection.typeCondition === undefined
          ? parent
          : walk.schema.getType(selection.typeCondition.name.value);
      total += selectionCost(walk, selection.selectionSet, type ?? undefined);
    } else {
      const name = selection.name.value;
      let cost = walk.fragmentCosts.get(name);
      if (cost === undefined) {
        const fragment = walk.fragments.get(name);
        cost =
          fragment === undefined
            ? 0
            : selectionCost(
                walk,
                fragment.selectionSet,
                walk.schema.getType(fragment.typeCondition.name.value) ?? undefined,
              );
        walk.fragmentCosts.set(name, cost);
      }
      total += cost;
    }
  }
  return total;
}

/**
 * The cost of one selection on `type` (no fragments; literal arguments or `variables`): what a
 * test uses to show that every connection's full page fits the budget.
 */
export function selectionSetCost(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  variables: Record<string, unknown> = {},
): number {
  const walk: Walk = {
    schema,
    fragments: new Map(),
    variables: () => variables,
    fragmentCosts: new Map(),
    problems: {},
  };
  return selectionCost(walk, selectionSet, type);
}

/** Thrown inside the walk when the variables do not coerce: execution refuses them, not this. */
class Uncoercible extends Error {}

/**
 * Refuses an operation whose variables give a page size outside 0…100 (BAD_USER_INPUT naming the
 * argument) or whose cost exceeds {@link MAX_COST} (QUERY_TOO_COMPLEX). Page sizes come from the
 * coerced variables; the document must have passed validation. Variables that do not coerce are
 * left to execution, which refuses them before resolving anything.
 */
export function checkOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
): void {
  const known = constantCosts.get(schema)?.get(operation);
  if (known !== undefined && known <= MAX_COST) return;
  // coerced only when a page size is sized by them: a mutation's input (a reportBatch of 1,000
  // readings) is not coerced a second time just to learn that no page depends on it
  let coerced: Record<string, unknown> | undefined;
  const variables = () => {
    if (coerced === undefined) {
      const result = getVariableValues(
        schema,
        operation.variableDefinitions ?? [],
        rawVariables ?? {},
      );
      if (result.errors !== undefined) throw new Uncoercible();
      coerced = result.coerced;
    }
    return coerced;
  };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const walk: Walk = {
    schema,
    fragments,
    variables,
    fragmentCosts: new Map(),
    problems: {},
  };
  const root = schema.getRootType(operation.operation) ?? undefined;
  let cost: number;
  try {
    cost = selectionCost(walk, operation.selectionSet, root);
    if (cost > MAX_COST) variables();
  } catch (error) {
    if (error instanceof Uncoercible) return;
    throw error;
  }
  if (Object.keys(walk.problems).length > 0) throw new BadUserInputError(walk.problems);
  if (coerced === undefined) {
    let bySchema = constantCosts.get(schema);
    if (bySchema === undefined) constantCosts.set(schema, (bySchema = new WeakMap()));
    bySchema.set(operation, cost);
  }
  if (cost > MAX_COST) {
    throw new QueryTooComplexError(
      `Query cost ${cost} exceeds the limit of ${MAX_COST}: nested pages multiply (see README, "Query cost").`,
    );
  }
}

/**
 * The cost of operations that size no page from variables: a function of the document alone,
 * computed once per parsed operation (Apollo and the streaming gate reuse them per query text).
 */
const constantCosts = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, number>>();

/** HTTP: the variable-aware half of the limits, once the operation is known, before it runs. */
export function costLimitPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async validationDidStart() {
          return async (errors) => {
            // Apollo sends this very array on: dedupe it where the page-size rule spoke
            if (errors !== undefined) dropDuplicatePageSizeErrors(errors as GraphQLError[]);
          };
        },
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation === undefined) return;
          try {
            checkOperationCost(schema, document, operation, request.variables);
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            // a plugin's error would otherwise be a 500
            throw new GraphQLError(error.message, {
              originalError: error,
              extensions: { ...error.extensions, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
