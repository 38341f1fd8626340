import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { setMaxListeners } from 'node:events';
import { Redis } from 'ioredis';

/**
 * Every pub/sub topic. Payloads are plain JSON values (dates as ISO strings) because with
 * Redis they cross process boundaries serialised.
 */
export const Topic = {
  Ping: 'PING',
  /** keyed by family id */
  NotificationAdded: 'NOTIFICATION_ADDED',
  /** keyed by family id: an alert's state, occurrences or timeline changed */
  NotificationUpdated: 'NOTIFICATION_UPDATED',
  /** keyed by recipient user id */
  MessageReceived: 'MESSAGE_RECEIVED',
  /** keyed by user id */
  UnreadCountsChanged: 'UNREAD_COUNTS_CHANGED',
  /** keyed by family id */
  SettingsChanged: 'SETTINGS_CHANGED',
  /** keyed by conversation id */
  ChatReply: 'CHAT_REPLY',
  /** not keyed: every API process drops what it cached of a family's devices or settings */
  FamilyStateChanged: 'FAMILY_STATE_CHANGED',
  /** not keyed: every API process closes the open sockets of these users */
  AccountsSuspended: 'ACCOUNTS_SUSPENDED',
  /** not keyed: every API process drops what it cached of these sessions and standings */
  LiveAccessChanged: 'LIVE_ACCESS_CHANGED',
  /** keyed by support conversation id */
  SupportMessageAdded: 'SUPPORT_MESSAGE_ADDED',
  /** keyed by care session id */
  CareSessionUpdated: 'CARE_SESSION_UPDATED',
  /** keyed by device id */
  DeviceCommand: 'DEVICE_COMMAND',
  /** keyed by family id: a check-in fell due on the family's Carebot (src/modules/check-in) */
  CheckInDue: 'CHECK_IN_DUE',
} as const;

/** A diagnostic event published by the `ping` mutation. */
export interface PingEvent {
  message: string;
  /** ISO-8601 time the event was published. */
  at: string;
}

/** A notification as published: everything a subscriber needs without a database read. */
export interface NotificationEvent {
  id: number;
  familyId: number;
  grade: string;
  kind: string;
  message: string;
  imageId: string | null;
  /** ISO-8601 */
  createdAt: string;
  /** 'MANAGERS': only the family's main user, its managers and its Carebot hear of it. */
  audience?: string;
  /** Only this user hears of it (an alert held by their quiet hours, released to them). */
  recipientId?: number;
  /** ISO-8601: the instant its delivery judged members' quiet hours at (the live push does too). */
  deliveredAt?: string;
}

/** An alert changed: subscribers read it again (what changed is in its timeline). */
export interface NotificationUpdatedEvent {
  id: number;
  familyId: number;
  /** Only the family's Carebot may hear of it (the alert is in its grace window). */
  deviceOnly: boolean;
  /** 'MANAGERS': only the family's main user, its managers and its Carebot hear of it. */
  audience?: string;
  /** ISO-8601 */
  at: string;
}

/** A message as published to its recipient. */
export interface MessageEvent {
  id: number;
  fromUserId: number;
  toUserId: number;
  content: string;
  imageId: string | null;
  /** ISO-8601 */
  createdAt: string;
}

/** Something changed that may change a user's unread counts; subscribers recount. */
export interface UnreadCountsEvent {
  userId: number;
}

/** A family's Carebot settings changed. */
export interface SettingsEvent {
  familyId: number;
}

/** The AI companion's reply in a conversation, stored. */
export interface ChatReplyEvent {
  id: number;
  conversationId: number;
  familyId: number;
  /** ISO-8601 */
  createdAt: string;
}

/**
 * A family's devices (revoked, confirmed, deleted) or settings changed: caches of them are stale.
 * `familyId` null means any family (an account deletion may take a family with it).
 */
export interface FamilyStateEvent {
  familyId: number | null;
  what: 'devices' | 'settings';
}

/** Users whose sessions were ended by an admin (suspension): their sockets close everywhere. */
export interface AccountsSuspendedEvent {
  userIds: number[];
}

/**
 * Sessions of these users ended (log-out, revocation, password change, suspension, deletion), or
 * standings in these families changed (a membership added, approved, re-roled or removed, the
 * family deleted): what live delivery cached of them is stale.
 */
export interface LiveAccessEvent {
  userIds: number[];
  familyIds: number[];
}

/** A message in a support conversation, stored. */
export interface SupportMessageEvent {
  id: number;
  conversationId: number;
  /** The user whose conversation it is (the other side is staff). */
  ownerId: number;
  /** ISO-8601 */
  createdAt: string;
}

/** A care session moved (a transition row was stored); also a command to its device when `command`. */
export interface CareSessionEvent {
  /** The transition's id (the resume cursor). */
  id: number;
  sessionId: number;
  familyId: number;
  deviceId: number;
  command: boolean;
}

/** Topic → publish arguments (`[payload]`, or `[routingId, payload]` for keyed topics). */
export interface TopicPayloads {
  [Topic.Ping]: [PingEvent];
  [Topic.NotificationAdded]: [number, NotificationEvent];
  [Topic.NotificationUpdated]: [number, NotificationUpdatedEvent];
  [Topic.MessageReceived]: [number, MessageEvent];
  [Topic.UnreadCountsChanged]: [number, UnreadCountsEvent];
  [Topic.SettingsChanged]: [number, SettingsEvent];
  [Topic.ChatReply]: [number, ChatReplyEvent];
  [Topic.FamilyStateChanged]: [FamilyStateEvent];
  [Topic.AccountsSuspended]: [AccountsSuspendedEvent];
  [Topic.LiveAccessChanged]: [LiveAccessEvent];
  [Topic.SupportMessageAdded]: [number, SupportMessageEvent];
  [Topic.CareSessionUpdated]: [number, CareSessionEvent];
  [Topic.DeviceCommand]: [number, CareSessionEvent];
  [Topic.CheckInDue]: [number, { id: number; familyId: number }];
  [key: string]: [] | [unknown] | [string | number, unknown];
}

export type AppPubSub = PubSub<TopicPayloads>;

export interface PubSubHandle {
  pubSub: AppPubSub;
  /** `memory` in one process; `redis` fans events out to every API process. */
  kind: 'memory' | 'redis';
  /**
   * Calls `listener` each time the subscribing connection is ready again after a drop: events
   * published meanwhile were lost (Redis pub/sub is at most once), so caches kept right by them
   * must start over. Never called in memory.
   */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * An event target whose event types (the Redis channels) carry the deployment's prefix, so two
 * deployments (or test runs) sharing a Redis server never hear each other's events.
 */
type EventTargetOf = ReturnType<typeof createRedisEventTarget<CustomEvent>>;
function namespaced(target: EventTargetOf, prefix: string): EventTargetOf {
  return {
    addEventListener: (type, listener, options) =>
      target.addEventListener(`${prefix}${type}`, listener, options),
    removeEventListener: (type, listener, options) =>
      target.removeEventListener(`${prefix}${type}`, listener, options),
    dispatchEvent: (event) =>
      target.dispatchEvent(
        new CustomEvent<unknown>(`${prefix}${event.type}`, { detail: event.detail as unknown }),
      ),
  };
}

/**
 * In-process pub/sub by default; Redis-backed when `redisUrl` is set (multi-node), on channels
 * named `<keyPrefix>:<topic>`.
 */
export function createAppPubSub(redisUrl: string | undefined, keyPrefix = 'carebot'): PubSubHandle {
  if (redisUrl === undefined) {
    // thousands of sockets may listen to one family's topic: that is the design, not a leak
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return {
      pubSub: createPubSub<TopicPayloads>({ eventTarget }),
      kind: 'memory',
      onReconnect: () => {},
      close: async () => {},
    };
  }
  // named, so an operator (CLIENT LIST) can tell a deployment's connections apart
  const publishClient = new Redis(redisUrl, {
    lazyConnect: false,
    maxRetriesPerRequest: 3,
    connectionName: `${keyPrefix}:publish`,
  });
  const subscribeClient = new Redis(redisUrl, {
    lazyConnect: false,
    connectionName: `${keyPrefix}:subscribe`,
  });
  const eventTarget = namespaced(
    createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient }),
    `${keyPrefix}:`,
  );
  const reconnectListeners: (() => void)[] = [];
  let readyBefore = false;
  subscribeClient.on('ready', () => {
    if (readyBefore) for (const listener of reconnectListeners) listener();
    readyBefore = true;
  });
  return {
    pubSub: createPubSub<TopicPayloads>({ eventTarget }),
    kind: 'redis',
    onReconnect: (listener) => reconnectListeners.push(listener),
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
