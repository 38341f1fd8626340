import type { FilterQuery, QueryResult } from '@mikro-orm/core';
import { type FamilyGrant, requireDevice, requireUser } from '../../auth/access.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import type { FileService } from '../file/file.service.js';
import type { EntityManager } from '../../database/orm.js';
import { BadUserInputError, NotFoundError } from '../../graphql/errors.js';
import type { NotificationEvent } from '../../realtime/pubsub.js';
import { FilePurpose } from '../file/file.entity.js';
import { Notification, NotificationRead } from './notification.entity.js';
import type { RaiseNotificationInput } from './notification.inputs.js';
import { notify } from './notify.js';

/** At most this many ids in one bulk call. */
export const BULK_MAX = 100;

export function toNotificationEvent(notification: Notification): NotificationEvent {
  return {
    id: notification.id,
    familyId: notification.family.id,
    grade: notification.grade,
    kind: notification.kind,
    message: notification.message,
    imageId: notification.imageId,
    createdAt: notification.createdAt.toISOString(),
  };
}

/** Notifications and their per-user read state (SPEC §5 "Notifications"). */
export class NotificationService {
  constructor(private readonly deps: { events: EventBus; files: FileService }) {}

  /** A device raises a notification for its family (e.g. the elder pressed the help button). */
  async raise(ctx: Scope, input: RaiseNotificationInput): Promise<Notification> {
    const device = requireDevice(ctx.viewer);
    if (input.imageId !== undefined && input.imageId !== null) {
      // the file's referencedAt is written by the same flush as the notification
      await this.deps.files.reference(ctx.em, {
        fileId: input.imageId,
        familyId: device.familyId,
        purpose: FilePurpose.NOTIFICATION_IMAGE,
        field: 'input.imageId',
      });
    }
    // no dedupe key: notify() always stores it
    const notification = await notify(ctx.em, this.deps.events, {
      familyId: device.familyId,
      grade: input.grade,
      kind: input.kind,
      message: input.message.trim(),
      imageId: input.imageId ?? null,
    });
    return notification!;
  }

  /** Marks notifications read for the viewer; only unread ones of the viewer's families count. */
  async markRead(ctx: Scope, ids: number[]): Promise<number> {
    const viewer = requireUser(ctx.viewer);
    if (ids.length > BULK_MAX)
      throw BadUserInputError.field('ids', `must hold at most ${BULK_MAX} ids`);
    const families = await ctx.access.familiesAllowed('VIEW');
    if (ids.length === 0 || families.length === 0) return 0;
    return this.markUnreadRead(ctx, viewer.userId, { id: { $in: ids }, family: { $in: families } });
  }

  async markAllRead(ctx: Scope, { familyId }: FamilyGrant<'VIEW'>): Promise<number> {
    const viewer = requireUser(ctx.viewer);
    return this.markUnreadRead(ctx, viewer.userId, { family: familyId });
  }

  /** Marks read, for `userId`, the notifications of `where` they have not read; announces a change. */
  private async markUnreadRead(
    ctx: Scope,
    userId: number,
    where: FilterQuery<Notification>,
  ): Promise<number> {
    const added = await ctx.em.transactional(async (em) => {
      const unread = await em.find(
        Notification,
        { $and: [where, { reads: { $none: { user: userId } } }] },
        { fields: ['id'] },
      );
      return this.insertReads(
        em,
        userId,
        unread.map((n) => n.id),
      );
    });
    if (added > 0) this.deps.events.unreadCountsChanged([userId]);
    return added;
  }

  /**
   * Records that `userId` read these notifications and returns how many marks are new. The
   * unique (notification, user) index decides: a mark another request wrote meanwhile is
   * skipped, not an error, so concurrent marks of one notification count it once.
   */
  private async insertReads(
    em: EntityManager,
    userId: number,
    notificationIds: number[],
  ): Promise<number> {
    if (notificationIds.length === 0) return 0;
    const readAt = new Date();
    // ascending ids: concurrent multi-row inserts take their row locks in one order (no deadlock)
    const sorted = [...new Set(notificationIds)].sort((a, b) => a - b);
    const result = await em
      .createQueryBuilder(NotificationRead)
      .insert(sorted.map((id) => ({ notification: id, user: userId, readAt })))
      .onConflict(['notification', 'user'])
      .ignore()
      .execute<QueryResult>('run');
    return result.affectedRows;
  }

  /** Someone takes responsibility for an alert; the first acknowledgement stands. Reads it too. */
  async acknowledge(ctx: Scope, notificationId: number): Promise<Notification> {
    const viewer = requireUser(ctx.viewer);
    const notification = await ctx.em.findOne(Notification, { id: notificationId });
    if (notification === null) throw new NotFoundError('Notification', notificationId);
    await ctx.access.requireFamily(notification.family.id, 'VIEW', 'Notification', notificationId);
    const now = new Date();
    const { acknowledged, read } = await ctx.em.transactional(async (em) => {
      // the conditional UPDATE comes first: it locks the notification row before the read mark's
      // foreign-key check does, so concurrent acknowledgements queue instead of deadlocking
      const claimed = await em.nativeUpdate(
        Notification,
        { id: notificationId, acknowledgedAt: null },
        { acknowledgedAt: now, acknowledgedBy: viewer.userId },
      );
      return {
        acknowledged: claimed > 0,
        read: await this.insertReads(em, viewer.userId, [notificationId]),
      };
    });
    // whoever came first, every caller answers with the stored acknowledgement
    await ctx.em.refresh(notification);
    if (read > 0) this.deps.events.unreadCountsChanged([viewer.userId]);
    if (acknowledged) ctx.log.info({ notificationId }, 'notification acknowledged');
    return notification;
  }

  async delete(ctx: Scope, grant: FamilyGrant<'MANAGE'>, notificationId: number): Promise<boolean> {
    await ctx.em.nativeDelete(Notification, { id: notificationId, family: grant.familyId });
    return true;
  }

  /** Unread notifications of the viewer across their families (or one family). */
  async unreadCount(ctx: Scope, familyId?: number): Promise<number> {
    if (ctx.viewer.kind !== 'user') return 0;
    const families = familyId === undefined ? await ctx.access.familiesAllowed('VIEW') : [familyId];
    if (families.length === 0) return 0;
    return ctx.em.count(Notification, {
      family: { $in: families },
      reads: { $none: { user: ctx.viewer.userId } },
    });
  }
}
