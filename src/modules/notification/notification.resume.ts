import type { EntityManager } from '../../database/orm.js';
import { deliveryKey, Notification } from './notification.entity.js';
import type { NotificationGrade } from './notification.enums.js';
import { NotificationAudience } from './notification.audience.js';

/**
 * The notifications a `notificationAdded` subscriber resuming after notification `after` missed,
 * in delivery order, at most `limit` (+1, so the caller can tell there were more).
 *
 * Order is delivery order, not id order: an alert held in its grace window keeps the id it got
 * when raised but reaches members only when the window ends, possibly after notifications with
 * larger ids. Its `deliverySeq` (largest id at delivery + 0.5) places it there, so a cursor past
 * those later ids still replays it, and a cursor on it does not replay them again. A Carebot
 * hears of its alerts when they are raised, so its order stays the id.
 */
export async function missedNotifications(
  em: EntityManager,
  options: {
    familyIds: readonly number[];
    after: number;
    grades: readonly NotificationGrade[];
    device: boolean;
    /** Families whose MANAGERS notifications the subscriber hears of (see notification.audience.ts). */
    managed: readonly number[];
    limit: number;
  },
): Promise<Notification[]> {
  const { familyIds, after, grades, device, managed, limit } = options;
  const base = { family: { $in: [...familyIds] }, grade: { $in: [...grades] } };
  if (device)
    return em.find(
      Notification,
      { ...base, id: { $gt: after } },
      { orderBy: { id: 'asc' }, limit: limit + 1 },
    );
  const cursor = await em.findOne(Notification, { id: after }, { fields: ['id', 'deliverySeq'] });
  // a deleted cursor row: its id is the best place left
  const key = cursor === null ? after : deliveryKey(cursor);
  const missed = await em.find(
    Notification,
    {
      ...base,
      // an alert in its grace window is its Carebot's alone
      deviceOnly: false,
      $and: [
        { $or: [{ id: { $gt: key } }, { deliverySeq: { $gt: key } }] },
        { $or: [{ audience: NotificationAudience.FAMILY }, { family: { $in: [...managed] } }] },
      ],
    },
    { orderBy: { id: 'asc' }, limit: limit + 1 },
  );
  return missed.sort((a, b) => deliveryKey(a) - deliveryKey(b) || a.id - b.id);
}
