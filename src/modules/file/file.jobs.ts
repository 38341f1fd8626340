import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import { File } from './file.entity.js';
import { type FileService, keysOf } from './file.service.js';

/** How often orphaned uploads are removed, and how long an upload may stay unreferenced. */
export const ORPHAN_PURGE_INTERVAL_MS = 60 * 60_000;
export const ORPHAN_AFTER_MS = 24 * 3600_000;
const BATCH = 500;

/**
 * Deletes uploads unreferenced 24 hours after their upload (pending, rejected, unused, or let go
 * of like a replaced avatar), objects first
 * and then rows, so a crash in between leaves rows the next run retries. Returns how many.
 */
export async function purgeOrphanFiles(
  orm: Orm,
  files: FileService,
  logger: Logger,
  now = new Date(),
): Promise<number> {
  const em = orm.em.fork();
  let purged = 0;
  for (;;) {
    const orphans = await em.find(
      File,
      { referencedAt: null, createdAt: { $lte: new Date(now.getTime() - ORPHAN_AFTER_MS) } },
      { fields: ['id', 'storageKey', 'thumbnailKey'], limit: BATCH },
    );
    if (orphans.length === 0) break;
    await files.storage.remove(orphans.flatMap(keysOf));
    purged += await em.nativeDelete(File, {
      id: { $in: orphans.map((file) => file.id) },
      referencedAt: null,
    });
    if (orphans.length < BATCH) break;
  }
  if (purged > 0) logger.info({ files: purged }, 'purged orphaned uploads');
  return purged;
}
