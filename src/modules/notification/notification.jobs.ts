import { familiesWithDevicesOffline } from '../routine/routine.device-health.js';
import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import { raw } from '@mikro-orm/core';
import { Activity } from '../report/report.entities.js';
import { CarebotSettings } from '../settings/settings.entity.js';
import { Notification } from './notification.entity.js';
import { NotificationGrade, NotificationKind } from './notification.enums.js';
import { notify } from './notify.js';

/** How often families are checked for inactivity, and old notifications purged. */
export const INACTIVITY_CHECK_INTERVAL_MS = 5 * 60_000;
export const RETENTION_PURGE_INTERVAL_MS = 60 * 60_000;

/** A date read by a raw aggregate (`max(...)`): drivers give a Date, an epoch number or text. */
function dateOf(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value !== 'string') return undefined;
  const text = value;
  // MariaDB's `YYYY-MM-DD hh:mm:ss.mmm` is UTC here (the connection's time zone is +00:00)
  return new Date(
    /^\d+$/.test(text) ? Number(text) : text.includes('T') ? text : `${text.replace(' ', 'T')}Z`,
  );
}

/**
 * Raises one INACTIVITY warning per quiet period: when a family has had no activity report for
 * its `inactivityAlertHours` (counted from the last activity, or from the family's creation).
 * Idempotent by construction: the warning's dedupe key names the quiet period
 * (`inactivity:<quiet since>`), unique per family, so overlapping runs on several nodes store
 * and announce one warning. Two queries whatever the number of families (settings with the
 * family's creation, and the last activity of every family), plus one insert per warning.
 * Returns the families warned by this run.
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
    { populate: ['family'], fields: ['inactivityAlertHours', 'family.createdAt'] },
  );
  if (settings.length === 0) return [];
  const rows = await em
    .createQueryBuilder(Activity)
    .select(['family', raw('max(measured_at) as last_activity')] as never)
    .groupBy('family' as never)
    .execute<{ family_id: number; last_activity: unknown }[]>('all', false);
  const lastActivity = new Map(
    rows.map((row) => [Number(row.family_id), dateOf(row.last_activity)]),
  );
  // a Carebot that sends nothing says nothing about the elder: its own SYSTEM alert covers it
  const offline = await familiesWithDevicesOffline(
    em,
    settings.map((s) => s.family.id),
  );
  const warned: number[] = [];
  for (const { family, inactivityAlertHours } of settings) {
    if (offline.has(family.id)) continue;
    const quietSince = lastActivity.get(family.id) ?? family.getEntity().createdAt;
    const hours = (now.getTime() - quietSince.getTime()) / 3600_000;
    if (hours < inactivityAlertHours) continue;
    const raised = await notify(em, events, {
      familyId: family.id,
      grade: NotificationGrade.WARN,
      kind: NotificationKind.INACTIVITY,
      message: `No activity for ${Math.floor(hours)} hours (since ${quietSince.toISOString()}).`,
      createdAt: now,
      dedupeKey: `inactivity:${quietSince.toISOString()}`,
    });
    if (raised !== null) warned.push(family.id);
  }
  if (warned.length > 0) logger.info({ families: warned.length }, 'inactivity warnings raised');
  return warned;
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
