import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import { Family } from '../family/family.entity.js';
import { AiJob } from './ai.entities.js';
import { AiJobKind } from './ai.enums.js';
import { lastCompleteWeek, seoulDate } from '../../util/seoul-time.js';

/** How often the scheduler makes sure last week's reports are queued. */
export const WEEKLY_REPORT_CHECK_INTERVAL_MS = 60 * 60_000;

/**
 * Queues the weekly mental report of the last complete week for every family that existed
 * before the week ended. Idempotent across replicas and ticks: each job carries the dedupe key
 * `weekly:<monday>`, unique per family, and a conflicting insert is ignored. Returns how many
 * jobs were new.
 */
export async function queueWeeklyMentalReports(
  orm: Orm,
  logger: Logger,
  now = new Date(),
): Promise<number> {
  const { from, to } = lastCompleteWeek(now);
  const dedupeKey = `weekly:${seoulDate(from)}`;
  const em = orm.em.fork();
  const queued = await em.find(AiJob, { dedupeKey }, { fields: ['family'] });
  const done = new Set(queued.map((job) => job.family.id));
  const families = await em.find(Family, { createdAt: { $lt: to } }, { fields: ['id'] });
  const missing = families.filter((family) => !done.has(family.id));
  if (missing.length === 0) return 0;
  const payload = { from: from.toISOString(), to: to.toISOString() };
  const result = await em
    .createQueryBuilder(AiJob)
    .insert(
      missing.map((family) => ({
        family: family.id,
        kind: AiJobKind.MENTAL_REPORT,
        payload,
        dedupeKey,
        runAfter: now,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflict(['family', 'dedupeKey'])
    .ignore()
    .execute<{ affectedRows: number }>('run');
  const added = result.affectedRows;
  if (added > 0) logger.info({ added, dedupeKey }, 'weekly mental reports queued');
  return added;
}
