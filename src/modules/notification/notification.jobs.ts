import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import { Family } from '../family/family.entity.js';
import { Activity } from '../report/report.entities.js';
import { CarebotSettings } from '../settings/settings.entity.js';
import { Notification } from './notification.entity.js';
import { NotificationGrade, NotificationKind } from './notification.enums.js';
import { toNotificationEvent } from './notification.service.js';

/** How often families are checked for inactivity, and old notifications purged. */
export const INACTIVITY_CHECK_INTERVAL_MS = 5 * 60_000;
export const RETENTION_PURGE_INTERVAL_MS = 60 * 60_000;

/**
 * Raises one INACTIVITY warning per quiet period: when a family has had no activity report for
 * its `inactivityAlertHours` (counted from the last activity, or from the family's creation),
 * and no INACTIVITY notification was raised since that activity. Returns the families warned.
 */
export async function checkInactivity(
  orm: Orm,
  events: EventBus,
  logger: Logger,
  now = new Date(),
): Promise<number[]> {
  const em = orm.em.fork();
  const settings = await em.find(
    CarebotSettings,
    {},
    { fields: ['family', 'inactivityAlertHours'] },
  );
  const warned: Notification[] = [];
  for (const { family, inactivityAlertHours } of settings) {
    const lastActivity = await em.findOne(
      Activity,
      { family: family.id },
      { orderBy: { measuredAt: 'desc' }, fields: ['measuredAt'] },
    );
    const quietSince =
      lastActivity?.measuredAt ??
      (await em.findOne(Family, { id: family.id }, { fields: ['createdAt'] }))?.createdAt;
    if (quietSince === undefined) continue;
    const hours = (now.getTime() - quietSince.getTime()) / 3600_000;
    if (hours < inactivityAlertHours) continue;
    const alreadyWarned = await em.count(Notification, {
      family: family.id,
      kind: NotificationKind.INACTIVITY,
      createdAt: { $gte: quietSince },
    });
    if (alreadyWarned > 0) continue;
    warned.push(
      em.create(Notification, {
        family: em.getReference(Family, family.id),
        grade: NotificationGrade.WARN,
        kind: NotificationKind.INACTIVITY,
        message: `No activity for ${Math.floor(hours)} hours (since ${quietSince.toISOString()}).`,
        createdAt: now,
      }),
    );
  }
  if (warned.length === 0) return [];
  await em.flush();
  for (const notification of warned) events.notificationAdded(toNotificationEvent(notification));
  logger.info({ families: warned.length }, 'inactivity warnings raised');
  return warned.map((n) => n.family.id);
}

/** Deletes notifications older than the retention period (SPEC §5); returns how many. */
export async function purgeOldNotifications(
  orm: Orm,
  retentionDays: number,
  logger: Logger,
  now = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600_000);
  const deleted = await orm.em.fork().nativeDelete(Notification, { createdAt: { $lt: cutoff } });
  if (deleted > 0) logger.info({ deleted, retentionDays }, 'old notifications purged');
  return deleted;
}
