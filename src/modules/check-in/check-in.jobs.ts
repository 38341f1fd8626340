import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import { CARE_DEFAULTS, CareSettings } from '../routine/routine.entities.js';
import { MINUTE_MS } from '../routine/routine.time.js';
import { CheckIn, CheckInOccurrence } from './check-in.entities.js';
import { OccurrenceState } from './check-in.enums.js';
import { raiseOwedAlert } from './check-in.service.js';
import { instantOf, localDayOf, weekdayOf } from './check-in.time.js';

/** How often the `check-ins` job runs. */
export const CHECK_IN_INTERVAL_MS = MINUTE_MS;

/** Occurrences per INSERT statement (a bound on its length). */
const ROWS_PER_STATEMENT = 200;

/** Owed alerts raised per run (the rest wait for the next run). */
const ALERTS_PER_RUN = 500;

/** What one run did, for logs and tests. */
export interface CheckInRun {
  /** Occurrences this run created (and pushed to the Carebots). */
  created: number[];
  /** Occurrences whose alert this run raised. */
  alerted: number[];
}

/**
 * The `check-ins` job (every minute, once per cluster; any run may repeat without effect):
 *
 * 1. reads the active check-ins and their families' zones (two statements) and inserts every
 *    occurrence due by `now` on the family's local today or yesterday, at or after the check-in's
 *    `scheduleFrom` (multi-row INSERTs that ignore the unique index on check-in, local day and
 *    minute: a second run or node adds nothing), then pushes the new ones to the Carebots;
 * 2. marks every PENDING occurrence whose grace period is over MISSED (one UPDATE);
 * 3. raises each owed alert (missed, or a worrying answer whose alert did not go out) through
 *    `notify` with the key `check-in:<occurrence>`: once per occurrence whatever runs it.
 */
export async function runCheckIns(
  orm: Orm,
  events: EventBus,
  logger: Logger,
  now: Date,
): Promise<CheckInRun> {
  const em = orm.em.fork();
  const checkIns = await em.find(CheckIn, { active: true, scheduleFrom: { $lte: now } });
  const created: number[] = [];
  if (checkIns.length > 0) {
    const familyIds = [...new Set(checkIns.map((checkIn) => checkIn.family.id))];
    const zones = new Map(
      (
        await em.find(
          CareSettings,
          { family: { $in: familyIds } },
          { fields: ['family', 'timeZone'] },
        )
      ).map((settings) => [settings.family.id, settings.timeZone]),
    );
    const rows = checkIns.flatMap((checkIn) => {
      const zone = zones.get(checkIn.family.id) ?? CARE_DEFAULTS.timeZone;
      const today = localDayOf(zone, now);
      return [today - 1, today].flatMap((day) => {
        if ((checkIn.weekdayMask & (1 << weekdayOf(day))) === 0) return [];
        const dueAt = instantOf(zone, day, checkIn.minute);
        if (dueAt > now || dueAt < checkIn.scheduleFrom) return [];
        return [
          {
            checkIn: checkIn.id,
            family: checkIn.family.id,
            localDay: day,
            minute: checkIn.minute,
            dueAt,
            expiresAt: new Date(dueAt.getTime() + checkIn.graceMinutes * MINUTE_MS),
            state: OccurrenceState.PENDING,
            createdAt: now,
          },
        ];
      });
    });
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
      await em
        .createQueryBuilder(CheckInOccurrence)
        .insert(rows.slice(i, i + ROWS_PER_STATEMENT))
        .onConflict(['checkIn', 'localDay', 'minute'])
        .ignore()
        .execute('run');
    if (rows.length > 0) {
      // those this run stored (a repeat run at the same instant pushes them again: each
      // subscriber takes an id once)
      const fresh = await em.find(
        CheckInOccurrence,
        { createdAt: now, state: OccurrenceState.PENDING, expiresAt: { $gt: now } },
        { fields: ['id', 'family'], orderBy: { id: 'asc' } },
      );
      for (const occurrence of fresh) {
        events.checkInDue({ id: occurrence.id, familyId: occurrence.family.id });
        created.push(occurrence.id);
      }
    }
  }

  await em.nativeUpdate(
    CheckInOccurrence,
    { state: OccurrenceState.PENDING, expiresAt: { $lte: now } },
    { state: OccurrenceState.MISSED, needsAlert: true },
  );
  const owed = await em.find(
    CheckInOccurrence,
    { needsAlert: true },
    { populate: ['checkIn'], orderBy: { id: 'asc' }, limit: ALERTS_PER_RUN },
  );
  const alerted: number[] = [];
  for (const occurrence of owed) {
    if (await raiseOwedAlert(em, events, occurrence.checkIn.getEntity(), occurrence, now))
      alerted.push(occurrence.id);
  }
  if (created.length > 0 || alerted.length > 0)
    logger.info({ created: created.length, alerted: alerted.length }, 'check-ins run');
  return { created, alerted };
}
