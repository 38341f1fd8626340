import {
  type AppPubSub,
  type SupportMessageEvent,
  type CareSessionEvent,
  type ChatReplyEvent,
  type FamilyStateEvent,
  type LiveAccessEvent,
  type MessageEvent,
  type NotificationEvent,
  type NotificationUpdatedEvent,
  Topic,
} from './pubsub.js';

/**
 * The one way domain code announces a change. Call it after the transaction that made the
 * change has committed, so a subscriber that reads the database sees it. Transport (graphql-ws,
 * Redis fan-out, per-subscriber filtering) is the subscriptions' business, not the caller's.
 */
export class EventBus {
  private readonly familyStateListeners = new Set<(event: FamilyStateEvent) => void>();
  private readonly accessListeners = new Set<(event: LiveAccessEvent) => void>();

  constructor(private readonly pubSub: AppPubSub) {}

  /**
   * Hears every change of a family's devices or settings: synchronously when announced on this
   * process (so its caches are right before the mutation answers), and through pub/sub when
   * announced on another (see {@link listenForFamilyState}). Returns the unsubscriber.
   */
  onFamilyStateChanged(listener: (event: FamilyStateEvent) => void): () => void {
    this.familyStateListeners.add(listener);
    return () => this.familyStateListeners.delete(listener);
  }

  /** Tells this process's listeners of a change announced elsewhere (or here: harmless twice). */
  familyStateChangedElsewhere(event: FamilyStateEvent): void {
    for (const listener of this.familyStateListeners) listener(event);
  }

  private familyStateChanged(event: FamilyStateEvent): void {
    this.familyStateChangedElsewhere(event);
    this.pubSub.publish(Topic.FamilyStateChanged, event);
  }

  /**
   * Hears every ended session and changed standing: synchronously when announced on this process
   * (the live caches are right before the mutation answers), through pub/sub when announced on
   * another. Returns the unsubscriber.
   */
  onLiveAccessChanged(listener: (event: LiveAccessEvent) => void): () => void {
    this.accessListeners.add(listener);
    return () => this.accessListeners.delete(listener);
  }

  /** Tells this process's listeners of a change announced elsewhere (or here: harmless twice). */
  liveAccessChangedElsewhere(event: LiveAccessEvent): void {
    for (const listener of this.accessListeners) listener(event);
  }

  /**
   * Sessions of `userIds` ended or were cut down (log-out, revocation, password change, account
   * deletion), or standings in `familyIds` changed (membership added, approved, re-roled,
   * removed; family deleted). Call it after the commit: the next live event is authorised anew.
   */
  liveAccessChanged(change: { userIds?: number[]; familyIds?: number[] }): void {
    const event = { userIds: change.userIds ?? [], familyIds: change.familyIds ?? [] };
    this.liveAccessChangedElsewhere(event);
    this.pubSub.publish(Topic.LiveAccessChanged, event);
  }

  /** A device of the family was revoked, confirmed or deleted; null: of any family. */
  devicesChanged(familyId: number | null): void {
    this.familyStateChanged({ familyId, what: 'devices' });
  }

  notificationAdded(event: NotificationEvent): void {
    this.pubSub.publish(Topic.NotificationAdded, event.familyId, event);
  }

  notificationUpdated(event: NotificationUpdatedEvent): void {
    this.pubSub.publish(Topic.NotificationUpdated, event.familyId, event);
  }

  messageReceived(event: MessageEvent): void {
    this.pubSub.publish(Topic.MessageReceived, event.toUserId, event);
  }

  /** The user's unread messages or notifications may have changed. */
  unreadCountsChanged(userIds: Iterable<number>): void {
    for (const userId of new Set(userIds))
      this.pubSub.publish(Topic.UnreadCountsChanged, userId, { userId });
  }

  settingsChanged(familyId: number): void {
    this.familyStateChanged({ familyId, what: 'settings' });
    this.pubSub.publish(Topic.SettingsChanged, familyId, { familyId });
  }

  /** An admin ended these users' sessions: every API process closes their open sockets. */
  accountsSuspended(userIds: number[]): void {
    if (userIds.length === 0) return;
    this.liveAccessChanged({ userIds });
    this.pubSub.publish(Topic.AccountsSuspended, { userIds });
  }

  /** A message was added to a support conversation. */
  supportMessageAdded(event: SupportMessageEvent): void {
    this.pubSub.publish(Topic.SupportMessageAdded, event.conversationId, event);
  }

  /** A care session moved; a step that commands the Carebot also goes to the device. */
  careSessionUpdated(event: CareSessionEvent): void {
    this.pubSub.publish(Topic.CareSessionUpdated, event.sessionId, event);
    if (event.command) this.pubSub.publish(Topic.DeviceCommand, event.deviceId, event);
  }

  /** A check-in fell due on the family's Carebot (`id`: the occurrence). */
  checkInDue(event: { id: number; familyId: number }): void {
    this.pubSub.publish(Topic.CheckInDue, event.familyId, event);
  }

  /** The AI companion replied in a conversation. */
  chatReply(event: ChatReplyEvent): void {
    this.pubSub.publish(Topic.ChatReply, event.conversationId, event);
  }
}

/**
 * Relays changes announced on other API processes to this one's listeners until `stop()`. The
 * relay is at most once (Redis pub/sub keeps nothing for a reconnecting subscriber): caches built
 * on it also expire by themselves.
 */
export function listenForFamilyState(
  pubSub: AppPubSub,
  events: EventBus,
): { stop(): Promise<void> } {
  const relay = <T>(source: AsyncIterable<T>, tell: (event: T) => void) => {
    const iterator = source[Symbol.asyncIterator]();
    const loop = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        tell(next.value);
      }
    })();
    return async () => {
      await iterator.return?.();
      await loop;
    };
  };
  const stops = [
    relay(pubSub.subscribe(Topic.FamilyStateChanged), (event) =>
      events.familyStateChangedElsewhere(event),
    ),
    relay(pubSub.subscribe(Topic.LiveAccessChanged), (event) =>
      events.liveAccessChangedElsewhere(event),
    ),
  ];
  return {
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
