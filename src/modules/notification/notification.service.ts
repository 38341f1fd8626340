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
import { afterCommit, notify } from './notify.js';
import { announceUpdate, record } from './alert.lifecycle.js';
import { scheduleClosedLoop } from './alert.policy.js';
import { AlertEventType, AlertState } from './alert.enums.js';
import { NotificationGrade } from './notification.enums.js';
import { audienceFilter, hears, NotificationAudience } from './notification.audience.js';

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
    // left out for the family: the payload every existing subscriber knows
    ...(notification.audience === NotificationAudience.MANAGERS
      ? { audience: notification.audience }
      : {}),
  };
}

/**
 * The event of an alert whose delivery started at `deliveredAt`: the live push judges members'
 * quiet hours then, as delivery did, not when it reaches them.
 */
export function deliveredEvent(notification: Notification, deliveredAt: Date): NotificationEvent {
  return { ...toNotificationEvent(notification), deliveredAt: deliveredAt.toISOString() };
}

/** Notifications and their per-user read state (SPEC §5 "Notifications"). */
export class NotificationService {
  constructor(
    private readonly deps: { events: EventBus; files: FileService; clock?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** A device raises a notification for its family (e.g. the elder pressed the help button). */
  async raise(ctx: Scope, input: RaiseNotificationInput): Promise<Notification> {
    const device = requireDevice(ctx.viewer);
    return ctx.em.transactional(async (em) => {
      if (input.imageId !== undefined && input.imageId !== null) {
        // the file's referencedAt is written by the same flush as the notification
        await this.deps.files.reference(em, {
          fileId: input.imageId,
          familyId: device.familyId,
          purpose: FilePurpose.NOTIFICATION_IMAGE,
          field: 'input.imageId',
        });
      }
      // no dedupe key: notify() always stores it (or adds an occurrence to an open alert)
      const notification = await notify(em, this.deps.events, {
        familyId: device.familyId,
        grade: input.grade,
        kind: input.kind,
        message: input.message.trim(),
        imageId: input.imageId ?? null,
        createdAt: this.now(),
        byDevice: true,
      });
      return notification!;
    });
  }

  /** Marks notifications read for the viewer; only unread ones of the viewer's families count. */
  async markRead(ctx: Scope, ids: number[]): Promise<number> {
    const viewer = requireUser(ctx.viewer);
    if (ids.length > BULK_MAX)
      throw BadUserInputError.field('ids', `must hold at most ${BULK_MAX} ids`);
    const families = await ctx.access.familiesAllowed('VIEW');
    if (ids.length === 0 || families.length === 0) return 0;
    return this.markUnreadRead(ctx, viewer.userId, {
      id: { $in: ids },
      family: { $in: families },
      deviceOnly: false,
      ...(await audienceFilter(ctx)),
    });
  }

  async markAllRead(ctx: Scope, { familyId }: FamilyGrant<'VIEW'>): Promise<number> {
    const viewer = requireUser(ctx.viewer);
    return this.markUnreadRead(ctx, viewer.userId, {
      family: familyId,
      deviceOnly: false,
      ...(await audienceFilter(ctx)),
    });
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
        { fields: ['id', 'family', 'state', 'deviceOnly', 'audience'] },
      );
      const added = await this.insertReads(
        em,
        userId,
        unread.map((n) => n.id),
      );
      await this.recordSeen(em, userId, unread);
      return added;
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

  /** Alerts among `notifications` that `userId` has just read: SEEN in their timelines. */
  private async recordSeen(
    em: EntityManager,
    userId: number,
    notifications: readonly Pick<
      Notification,
      'id' | 'family' | 'state' | 'deviceOnly' | 'audience'
    >[],
  ): Promise<void> {
    const alerts = notifications.filter((n) => n.state !== null);
    if (alerts.length === 0) return;
    const now = this.now();
    for (const alert of alerts)
      record(em, alert as Notification, AlertEventType.SEEN, now, { actorId: userId });
    await em.flush();
    for (const alert of alerts) announceUpdate(em, this.deps.events, alert, now, afterCommit);
  }

  /**
   * An alert (or notice) a member may act on: NOT_FOUND for another family's, and for one only
   * the Carebot may see yet (its grace window is running, or it was cancelled there), and for a
   * MANAGERS one to a caregiver.
   */
  async findForMember(ctx: Scope, notificationId: number): Promise<Notification> {
    const notification = await ctx.em.findOne(Notification, { id: notificationId });
    if (notification === null || notification.deviceOnly)
      throw new NotFoundError('Notification', notificationId);
    const grant = await ctx.access.requireFamily(
      notification.family.id,
      'VIEW',
      'Notification',
      notificationId,
    );
    if (!hears(grant.standing, notification.audience))
      throw new NotFoundError('Notification', notificationId);
    return notification;
  }

  /** Someone takes responsibility for an alert; the first acknowledgement stands. Reads it too. */
  async acknowledge(ctx: Scope, notificationId: number): Promise<Notification> {
    const viewer = requireUser(ctx.viewer);
    const notification = await this.findForMember(ctx, notificationId);
    const now = this.now();
    const { acknowledged, read } = await ctx.em.transactional(async (em) => {
      // the conditional UPDATE comes first: it locks the notification row before the read mark's
      // foreign-key check does, so concurrent acknowledgements queue instead of deadlocking
      const claimed = await em.nativeUpdate(
        Notification,
        { id: notificationId, acknowledgedAt: null },
        { acknowledgedAt: now, acknowledgedBy: viewer.userId },
      );
      const read = await this.insertReads(em, viewer.userId, [notificationId]);
      // an alert moves OPEN → ACKNOWLEDGED with the first acknowledgement (not once resolved)
      const moved =
        claimed > 0 && notification.state !== null
          ? await em.nativeUpdate(
              Notification,
              { id: notificationId, state: AlertState.OPEN },
              { state: AlertState.ACKNOWLEDGED },
            )
          : 0;
      if (read > 0 && notification.state !== null)
        record(em, notification, AlertEventType.SEEN, now, { actorId: viewer.userId });
      if (moved > 0) {
        record(em, notification, AlertEventType.ACKNOWLEDGED, now, { actorId: viewer.userId });
        if (notification.grade === NotificationGrade.CRIT)
          await scheduleClosedLoop(em, notification, viewer.userId, now);
      }
      await em.flush();
      if (notification.state !== null && (moved > 0 || read > 0))
        announceUpdate(em, this.deps.events, notification, now, afterCommit);
      return { acknowledged: claimed > 0, read };
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
      deviceOnly: false,
      reads: { $none: { user: ctx.viewer.userId } },
      ...(await audienceFilter(ctx)),
    });
  }
}
