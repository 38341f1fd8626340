import type { EntityManager, Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import { NotificationGrade, NotificationKind } from '../notification/notification.enums.js';
import { notify } from '../notification/notify.js';
import { NotificationAudience } from '../notification/notification.audience.js';
import { CARE_DEFAULTS, DeviceOfflinePeriod } from './routine.entities.js';
import { marks } from '../../database/plain.js';
import { dbDate, query, readDate } from '../../database/sql.js';
import { MINUTE_MS } from './routine.time.js';

/** How often device health is checked; also the finest resolution of `deviceOfflineMinutes`. */
export const DEVICE_HEALTH_INTERVAL_MS = MINUTE_MS;

/** The smallest `deviceOfflineMinutes` a family may set. */
export const DEVICE_OFFLINE_MINUTES_MIN = 5;

/**
 * Finds the Carebots that fell silent and the ones that came back, for every family at once:
 * two reads whatever the number of families, then one write per change. A device counts as
 * silent when its last sign of life (`lastSeenAt`, else its registration) is older than its
 * family's `deviceOfflineMinutes`; it then gets an open offline period and the family one SYSTEM
 * warning (deduplicated per period, so overlapping runs on several nodes raise one). A period
 * ends at the device's next sign of life, or at its revocation.
 */
export async function checkDeviceHealth(
  orm: Orm,
  events: EventBus,
  logger: Logger,
  now: Date,
): Promise<{ wentOffline: number[]; cameBack: number[] }> {
  const em = orm.em.fork();
  // no device is silent for less than the smallest setting: the rest is filtered below
  const floor = new Date(now.getTime() - DEVICE_OFFLINE_MINUTES_MIN * MINUTE_MS);
  const silent = await query(
    em,
    'select d.id, d.family_id, d.name, coalesce(d.last_seen_at, d.created_at) as seen_at, ' +
      'coalesce(s.device_offline_minutes, ?) as minutes from `device` d ' +
      'left join `care_settings` s on s.family_id = d.family_id ' +
      'where d.revoked_at is null and coalesce(d.last_seen_at, d.created_at) < ? ' +
      'and not exists (select 1 from `device_offline_period` p ' +
      'where p.device_id = d.id and p.ended_at is null)',
    [CARE_DEFAULTS.deviceOfflineMinutes, dbDate(em, floor)],
  );
  const wentOffline: number[] = [];
  for (const row of silent) {
    const seenAt = readDate(row['seen_at'])!;
    const minutes = Number(row['minutes']);
    if (now.getTime() - seenAt.getTime() < minutes * MINUTE_MS) continue;
    const deviceId = Number(row['id']);
    const familyId = Number(row['family_id']);
    await em.transactional(async (tx) => {
      tx.create(DeviceOfflinePeriod, {
        device: deviceId,
        family: familyId,
        startedAt: seenAt,
        detectedAt: now,
      });
      await tx.flush();
      await notify(tx, events, {
        familyId,
        grade: NotificationGrade.WARN,
        kind: NotificationKind.SYSTEM,
        message: `The Carebot "${String(row['name'])}" is offline: nothing heard since ${seenAt.toISOString()}.`,
        createdAt: now,
        dedupeKey: `device-offline:${deviceId}:${seenAt.toISOString()}`,
        // the managers look after the Carebot; a caregiver cannot act on it
        audience: NotificationAudience.MANAGERS,
      });
    });
    wentOffline.push(deviceId);
  }

  const open = await query(
    em,
    'select p.id, p.device_id, p.started_at, d.last_seen_at, d.revoked_at ' +
      'from `device_offline_period` p join `device` d on d.id = p.device_id ' +
      'where p.ended_at is null and (d.revoked_at is not null or d.last_seen_at > p.started_at)',
    [],
  );
  const cameBack: number[] = [];
  for (const row of open) {
    const endedAt = readDate(row['revoked_at']) ?? readDate(row['last_seen_at'])!;
    await em.nativeUpdate(
      DeviceOfflinePeriod,
      { id: Number(row['id']), endedAt: null },
      { endedAt },
    );
    cameBack.push(Number(row['device_id']));
  }
  if (wentOffline.length + cameBack.length > 0)
    logger.info({ wentOffline: wentOffline.length, cameBack: cameBack.length }, 'device health');
  return { wentOffline, cameBack };
}

/**
 * The families, of those given, whose Carebots are all offline (each active device has an open
 * offline period): there, no report is not the same as no activity, and inactivity checks
 * should hold their alerts. One statement.
 */
export async function familiesWithDevicesOffline(
  em: EntityManager,
  familyIds: readonly number[],
): Promise<Set<number>> {
  if (familyIds.length === 0) return new Set();
  const rows = await query(
    em,
    `select d.family_id from \`device\` d where d.revoked_at is null and d.family_id in (${marks(familyIds)}) ` +
      'group by d.family_id having count(*) = sum(case when exists (select 1 from `device_offline_period` p ' +
      'where p.device_id = d.id and p.ended_at is null) then 1 else 0 end)',
    [...familyIds],
  );
  return new Set(rows.map((row) => Number(row['family_id'])));
}

/**
 * The offline periods of the given families that overlap [from, to), by family: one statement.
 * A window a family's Carebot was silent in proves nothing about the elder.
 */
export async function offlinePeriodsDuring(
  em: EntityManager,
  familyIds: readonly number[],
  from: Date,
  to: Date,
): Promise<Map<number, { start: Date; end: Date | null }[]>> {
  const periods = new Map<number, { start: Date; end: Date | null }[]>();
  if (familyIds.length === 0) return periods;
  const rows = await query(
    em,
    `select family_id, started_at, ended_at from \`device_offline_period\` ` +
      `where family_id in (${marks(familyIds)}) and started_at < ? ` +
      'and (ended_at is null or ended_at > ?)',
    [...familyIds, dbDate(em, to), dbDate(em, from)],
  );
  for (const row of rows) {
    const familyId = Number(row['family_id']);
    periods.set(familyId, [
      ...(periods.get(familyId) ?? []),
      { start: readDate(row['started_at'])!, end: readDate(row['ended_at']) },
    ]);
  }
  return periods;
}
