import type { EntityManager } from '../../database/orm.js';
import type { EventBus } from '../../realtime/events.js';
import { Family } from '../family/family.entity.js';
import { Notification } from './notification.entity.js';
import type { NotificationGrade, NotificationKind } from './notification.enums.js';
import { toNotificationEvent } from './notification.service.js';

/** What a notification says; the family is the one it is raised for. */
export interface NotificationDraft {
  familyId: number;
  grade: NotificationGrade;
  kind: NotificationKind;
  message: string;
  imageId?: string | null;
  createdAt?: Date;
  /**
   * Makes the notification idempotent: unique per family, so a second `notify` with the same key
   * (another node, another run, a retried job) stores nothing and announces nothing.
   */
  dedupeKey?: string;
}

/**
 * Runs `publish` once the changes `em` is making are visible to every reader: after the
 * outermost transaction commits when `em` is inside one (nothing when it rolls back), else at
 * once (the caller's flush has committed). Publishing from a savepoint is refused: its release
 * is not a commit, and the outer transaction's commit is not observable from the nested fork.
 */
export function afterCommit(em: EntityManager, publish: () => void): void {
  const transaction = em.getTransactionContext<object>();
  if (transaction === undefined) {
    publish();
    return;
  }
  if ('savepointName' in transaction)
    throw new Error('afterCommit() inside a nested transaction: call it in the outermost one');
  // `em.transactional` forks with its own (cloned) event manager: the subscriber lives and dies
  // with this transaction's fork and sees only its commit
  em.getEventManager().registerSubscriber({
    afterTransactionCommit: (args) => {
      if (args.transaction === transaction) publish();
    },
  });
}

/**
 * Adds notifications to `em`'s transaction without flushing (so they share the caller's flush,
 * e.g. one multi-row INSERT with the readings that raised them) and announces them after the
 * transaction commits. Refused outside a transaction: there the announcement could precede the
 * write. Prefer {@link notify}, which flushes, unless the caller flushes anyway.
 */
export function stageNotifications(
  em: EntityManager,
  events: EventBus,
  drafts: readonly Omit<NotificationDraft, 'dedupeKey'>[],
): Notification[] {
  if (!em.isInTransaction())
    throw new Error('stageNotifications() outside a transaction: use notify()');
  const created = drafts.map((draft) =>
    em.create(Notification, {
      family: em.getReference(Family, draft.familyId),
      grade: draft.grade,
      kind: draft.kind,
      message: draft.message,
      imageId: draft.imageId ?? null,
      createdAt: draft.createdAt ?? new Date(),
    }),
  );
  if (created.length > 0)
    afterCommit(em, () => {
      for (const notification of created)
        events.notificationAdded(toNotificationEvent(notification));
    });
  return created;
}

/**
 * The one way to raise a notification: stores it through `em` (flushing it; inside the caller's
 * transaction when there is one) and announces it to subscribers only after it has committed, so
 * a subscriber never hears of a notification it cannot read or that was rolled back. With a
 * `dedupeKey` the insert ignores a conflict; returns null when the key was already used.
 */
export async function notify(
  em: EntityManager,
  events: EventBus,
  draft: NotificationDraft,
): Promise<Notification | null> {
  const row = {
    grade: draft.grade,
    kind: draft.kind,
    message: draft.message,
    imageId: draft.imageId ?? null,
    createdAt: draft.createdAt ?? new Date(),
  };
  let notification: Notification;
  if (draft.dedupeKey === undefined) {
    notification = em.create(Notification, {
      ...row,
      family: em.getReference(Family, draft.familyId),
    });
    await em.flush();
  } else {
    const inserted = await em
      .createQueryBuilder(Notification)
      .insert({ ...row, family: draft.familyId, dedupeKey: draft.dedupeKey })
      .onConflict(['family', 'dedupeKey'])
      .ignore()
      .execute<{ affectedRows: number }>('run');
    if (inserted.affectedRows === 0) return null;
    notification = await em.findOneOrFail(Notification, {
      family: draft.familyId,
      dedupeKey: draft.dedupeKey,
    });
  }
  afterCommit(em, () => events.notificationAdded(toNotificationEvent(notification)));
  return notification;
}
