import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { requireOperationAccess } from './auth/operation-access.js';
import { guardTypes } from './auth/type-access.js';
import { scalarsMap } from './graphql/scalars.js';
import { validateArgument } from './graphql/validate.js';
import { authChecker } from './auth/auth-checker.js';
import { MODULES } from './modules/index.js';
import type { AppPubSub } from './realtime/pubsub.js';

/** Every resolver class of the API, from the modules. */
export const resolvers = MODULES.flatMap((module) => module.resolvers);

/** Builds the executable schema; `pubSub` is the instance's event bus. */
export async function createSchema(
  pubSub: AppPubSub,
  extraResolvers: readonly NonEmptyArray<Function>[number][] = [],
): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...resolvers, ...extraResolvers] as unknown as NonEmptyArray<Function>,
    scalarsMap,
    validateFn: validateArgument,
    authChecker,
    pubSub,
  });
  // closed by default: an operation or a type nobody decided on stops the server from starting
  requireOperationAccess(schema);
  guardTypes(schema);
  return schema;
}

/** The SDL committed as `schema.graphql` (sorted so diffs show real API changes only). */
export function printSchemaSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
