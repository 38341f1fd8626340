import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';

/**
 * Every pub/sub topic. Payloads are plain JSON values (dates as ISO strings) because with
 * Redis they cross process boundaries serialised.
 */
export const Topic = {
  Ping: 'PING',
} as const;

/** A diagnostic event published by the `ping` mutation. */
export interface PingEvent {
  message: string;
  /** ISO-8601 time the event was published. */
  at: string;
}

/** Topic → publish arguments (`[payload]`, or `[routingId, payload]` for keyed topics). */
export interface TopicPayloads {
  [Topic.Ping]: [PingEvent];
  [key: string]: [] | [unknown] | [string | number, unknown];
}

export type AppPubSub = PubSub<TopicPayloads>;

export interface PubSubHandle {
  pubSub: AppPubSub;
  /** `memory` in one process; `redis` fans events out to every API process. */
  kind: 'memory' | 'redis';
  close(): Promise<void>;
}

/** In-process pub/sub by default; Redis-backed when `redisUrl` is set (multi-node). */
export function createAppPubSub(redisUrl: string | undefined): PubSubHandle {
  if (redisUrl === undefined) {
    return { pubSub: createPubSub<TopicPayloads>(), kind: 'memory', close: async () => {} };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false });
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  return {
    pubSub: createPubSub<TopicPayloads>({ eventTarget }),
    kind: 'redis',
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
