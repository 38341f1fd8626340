import type { EntityManager } from '../database/orm.js';
import { JobLease } from './job-lease.entity.js';

/**
 * Takes or renews the lease `name` for `holder` until `now + ttlMs`; true when `holder` has it.
 * Insert-or-ignore creates the row the first time; afterwards a conditional UPDATE takes it only
 * when it expired or is already ours, so of two nodes racing for an expired lease exactly one
 * UPDATE matches (the second sees the first one's fresh `expiresAt`). Same SQL on SQLite and
 * MariaDB; every value is a bound parameter.
 */
export async function acquireLease(
  em: EntityManager,
  name: string,
  holder: string,
  ttlMs: number,
  now = new Date(),
): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const inserted = await em
    .createQueryBuilder(JobLease)
    .insert({ name, holder, expiresAt })
    .onConflict('name')
    .ignore()
    .execute<{ affectedRows: number }>('run');
  if (inserted.affectedRows > 0) return true;
  const taken = await em.nativeUpdate(
    JobLease,
    // MariaDB counts changed rows only: a renewal within the same millisecond (`expiresAt`
    // unchanged) reports 0, so a miss is confirmed by reading the row
    { name, $or: [{ expiresAt: { $lt: now } }, { holder }] },
    { holder, expiresAt },
  );
  if (taken > 0) return true;
  const lease = await em.findOne(JobLease, { name }, { fields: ['holder', 'expiresAt'] });
  return lease?.holder === holder && lease.expiresAt.getTime() >= now.getTime();
}

/** Gives the lease up if `holder` has it, so another node may take it at once (clean stop). */
export async function releaseLease(
  em: EntityManager,
  name: string,
  holder: string,
  now = new Date(),
): Promise<void> {
  await em.nativeUpdate(JobLease, { name, holder }, { expiresAt: new Date(now.getTime() - 1) });
}
