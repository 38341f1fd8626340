import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager, Orm } from '../../database/orm.js';
import { PostView } from './community.entities.js';

/*
 * View counts (seed 003: "counters that change often but need not be live are flushed
 * together"). A read inserts one row per (post, viewer, clock hour) into `post_view` — a
 * repeated read within the hour hits the unique index and writes nothing — and never touches
 * the post row, so readers do not queue on a popular post's lock. The flush job adds the
 * uncounted rows to `post.view_count` in batches, one UPDATE per post per run.
 *
 * Why a table rather than Redis or memory: it is shared by every API process with or without
 * Redis, survives restarts, and the periodic job (run once per cluster) sees every node's views.
 */

class TakenMeanwhile extends Error {}

/** How often the flush job runs. */
export const VIEW_FLUSH_INTERVAL_MS = 60_000;
const HOUR_MS = 3600_000;
const BATCH = 1000;

/** The clock hour a view falls in (epoch hours). */
export function viewHour(at: Date): number {
  return Math.floor(at.getTime() / HOUR_MS);
}

/** Records that `viewerId` read the post at `at` (once per viewer per clock hour). */
export async function recordView(
  em: EntityManager,
  postId: number,
  viewerId: number,
  at: Date,
): Promise<void> {
  await em
    .createQueryBuilder(PostView)
    .insert({ post: postId, viewer: viewerId, hour: viewHour(at) })
    .onConflict(['post', 'viewer', 'hour'])
    .ignore()
    .execute<QueryResult>('run');
}

/**
 * Adds uncounted views to their posts, in batches; then drops counted rows of past hours (the
 * current hour's rows still deduplicate its readers). Idempotent: a batch is claimed by a
 * conditional UPDATE in the same transaction that adds it, so a repeated or concurrent run
 * never counts a view twice. Returns how many views it added.
 */
export async function flushPostViews(orm: Orm, now: Date): Promise<number> {
  let added = 0;
  for (;;) {
    const em = orm.em.fork();
    const rows = await em.find(
      PostView,
      { counted: false },
      { fields: ['id', 'post'], orderBy: { id: 'asc' }, limit: BATCH },
    );
    if (rows.length === 0) break;
    const ids = rows.map((row) => row.id);
    const perPost = new Map<number, number>();
    for (const row of rows) perPost.set(row.post.id, (perPost.get(row.post.id) ?? 0) + 1);
    const claimed = await em
      .transactional(async (tx) => {
        const marked = await tx.nativeUpdate(
          PostView,
          { id: { $in: ids }, counted: false },
          { counted: true },
        );
        // another run took some of these meanwhile: roll back (throwing) and read again
        if (marked !== ids.length) throw new TakenMeanwhile();
        // ascending post ids: concurrent flushes lock posts in one order
        for (const postId of [...perPost.keys()].sort((a, b) => a - b)) {
          await tx.execute('update `post` set `view_count` = `view_count` + ? where `id` = ?', [
            perPost.get(postId),
            postId,
          ]);
        }
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof TakenMeanwhile) return false;
        throw error;
      });
    if (!claimed) continue;
    added += ids.length;
    if (rows.length < BATCH) break;
  }
  await orm.em.fork().nativeDelete(PostView, { counted: true, hour: { $lt: viewHour(now) } });
  return added;
}
