import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { requireOperationAccess } from './auth/operation-access.js';
import { guardTypes } from './auth/type-access.js';
import { scalarsMap } from './graphql/scalars.js';
import { validateArgument } from './graphql/validate.js';
import { authChecker } from './auth/auth-checker.js';
import {
  AiJobResolver,
  ChatMessageResolver,
  ConversationResolver,
} from './modules/ai/ai.resolver.js';
import { AccountResolver } from './modules/account/account.resolver.js';
import { UserResolver } from './modules/account/user.resolver.js';
import { DeviceResolver } from './modules/device/device.resolver.js';
import { FamilyResolver } from './modules/family/family.resolver.js';
import {
  ActivityFileResolver,
  FamilyBackgroundFileResolver,
  FileResolver,
  MessageFileResolver,
  NotificationFileResolver,
  UserFileResolver,
} from './modules/file/file.resolver.js';
import { MembershipResolver } from './modules/family/membership.resolver.js';
import { LiveResolver } from './modules/live/live.resolver.js';
import { MessageResolver } from './modules/message/message.resolver.js';
import { NewsResolver } from './modules/news/news.resolver.js';
import {
  FamilyNotificationResolver,
  NotificationResolver,
} from './modules/notification/notification.resolver.js';
import { RegionResolver } from './modules/region/region.resolver.js';
import {
  FamilyStatusResolver,
  MentalStatusResolver,
  ReportResolver,
} from './modules/report/report.resolver.js';
import { ServerInfoResolver } from './modules/server/server-info.resolver.js';
import { SettingsResolver } from './modules/settings/settings.resolver.js';
import { FamilyWeatherResolver } from './modules/weather/weather.resolver.js';
import type { AppPubSub } from './realtime/pubsub.js';

/** Every resolver class of the API. */
export const resolvers = [
  ServerInfoResolver,
  AccountResolver,
  UserResolver,
  FamilyResolver,
  MembershipResolver,
  DeviceResolver,
  SettingsResolver,
  RegionResolver,
  ReportResolver,
  MentalStatusResolver,
  FamilyStatusResolver,
  NotificationResolver,
  FamilyNotificationResolver,
  MessageResolver,
  LiveResolver,
  FileResolver,
  ActivityFileResolver,
  NotificationFileResolver,
  MessageFileResolver,
  FamilyBackgroundFileResolver,
  UserFileResolver,
  ConversationResolver,
  ChatMessageResolver,
  AiJobResolver,
  FamilyWeatherResolver,
  NewsResolver,
] as const;

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
