import { Args, Ctx, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Public, SignedIn } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import { type PingEvent, Topic } from '../../realtime/pubsub.js';
import { PACKAGE_VERSION } from '../../util/project-root.js';
import { UserRole } from '../account/user.entity.js';
import { DatabaseDriverKind, Ping, SendPingArgs, ServerInfo } from './server-info.types.js';
import { openData } from '../../auth/type-access.js';

@Resolver()
export class ServerInfoResolver {
  @Public('version and uptime only')
  @Query(() => ServerInfo, { description: 'Version, database engine and uptime of this instance.' })
  serverInfo(@Ctx() ctx: Context): ServerInfo {
    return {
      version: PACKAGE_VERSION,
      databaseDriver:
        ctx.app.config.database.driver === 'mariadb'
          ? DatabaseDriverKind.MARIADB
          : DatabaseDriverKind.SQLITE,
      uptimeSeconds: Math.floor((Date.now() - ctx.app.startedAt) / 1000),
    };
  }

  @SignedIn(UserRole.ADMIN)
  @Mutation(() => Ping, {
    description:
      'Publishes a diagnostic event to every `ping` subscriber, on every instance (ADMIN).',
  })
  sendPing(@Args() { message }: SendPingArgs, @Ctx() ctx: Context): Ping {
    const event: PingEvent = { message, at: new Date().toISOString() };
    ctx.app.pubSub.publish(Topic.Ping, event);
    return event;
  }

  @Public('a live-delivery health check; carries only what an admin sent')
  @Subscription(() => Ping, {
    topics: Topic.Ping,
    description: 'Receives every event sent with `sendPing` (a live-delivery health check).',
  })
  ping(@Root() event: PingEvent): Ping {
    return event;
  }
}

openData(ServerInfo, 'version and uptime');
openData(Ping, 'what an admin broadcast with sendPing');
