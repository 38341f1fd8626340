import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
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
export async function createSchema(pubSub: AppPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolvers],
    scalarsMap,
    validateFn: validateArgument,
    authChecker,
    pubSub,
  });
}

/** The SDL committed as `schema.graphql` (sorted so diffs show real API changes only). */
export function printSchemaSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
