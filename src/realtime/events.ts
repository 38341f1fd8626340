import {
  type AppPubSub,
  type ChatReplyEvent,
  type MessageEvent,
  type NotificationEvent,
  Topic,
} from './pubsub.js';

/**
 * The one way domain code announces a change. Call it after the transaction that made the
 * change has committed, so a subscriber that reads the database sees it. Transport (graphql-ws,
 * Redis fan-out, per-subscriber filtering) is the subscriptions' business, not the caller's.
 */
export class EventBus {
  constructor(private readonly pubSub: AppPubSub) {}

  notificationAdded(event: NotificationEvent): void {
    this.pubSub.publish(Topic.NotificationAdded, event.familyId, event);
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
    this.pubSub.publish(Topic.SettingsChanged, familyId, { familyId });
  }

  /** The AI companion replied in a conversation. */
  chatReply(event: ChatReplyEvent): void {
    this.pubSub.publish(Topic.ChatReply, event.conversationId, event);
  }
}
