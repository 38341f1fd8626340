import type { EntityManager, Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import { File } from './file.entity.js';
import { unreferenced } from './file.references.js';
import { type FileService, keysOf } from './file.service.js';

/** How often orphaned uploads are removed, and how long an upload may stay unreferenced. */
export const ORPHAN_PURGE_INTERVAL_MS = 60 * 60_000;
export const ORPHAN_AFTER_MS = 24 * 3600_000;
/**
 * How long after its latest reference a file is left alone by the release sweep. `referencedAt`
 * is stamped when the reference is checked, not when the referencing record commits: a record
 * still in flight while the sweep reads the records is not found, and without this grace its
 * file would be released and then purged under it. An hour outlasts any transaction.
 */
export const RELEASE_GRACE_MS = 60 * 60_000;
const BATCH = 500;

/** The File filter "no record's foreign key points at this file", for `em`. */
const noRecordHolds = (em: EntityManager) => unreferenced(em.getMetadata(), em.getPlatform());

/**
 * Releases referenced files whose records are gone (a deleted notification, message, activity or
 * background, a purged notification, a replaced avatar), so the orphan purge removes them. Records
 * are deleted in many ways (by a user, by retention, by cascade) and a file may be shared by
 * several, so this asks "does anything still point at it?" rather than trusting each delete path.
 * Only files last referenced at least {@link RELEASE_GRACE_MS} ago are considered, in the select
 * and again in the conditional update: a reference taken meanwhile, committed or not, keeps its
 * file. Returns how many were released.
 */
export async function releaseFilesOfDeletedRecords(
  orm: Orm,
  logger: Logger,
  now = new Date(),
): Promise<number> {
  const em = orm.em.fork();
  const settled = new Date(now.getTime() - RELEASE_GRACE_MS);
  let released = 0;
  let after = '';
  for (;;) {
    // every foreign key to File counts, whatever the file's purpose: the metadata lists them
    const batch = await em.find(
      File,
      {
        referencedAt: { $ne: null, $lte: settled },
        id: { $gt: after },
        ...noRecordHolds(em),
      },
      { fields: ['id'], orderBy: { id: 'asc' }, limit: BATCH },
    );
    if (batch.length === 0) break;
    const ids = batch.map((file) => file.id);
    released += await em.nativeUpdate(
      File,
      { id: { $in: ids }, referencedAt: { $lte: settled }, ...noRecordHolds(em) },
      { referencedAt: null },
    );
    if (batch.length < BATCH) break;
    after = ids.at(-1)!;
  }
  if (released > 0) logger.info({ files: released }, 'released files of deleted records');
  return released;
}

/**
 * Deletes uploads unreferenced 24 hours after their upload (pending, rejected, unused, or let go
 * of like a replaced avatar or a deleted record's picture): rows first, each only if still
 * unreferenced, then the stored objects of the rows actually deleted, so a file referenced again
 * at that moment keeps its bytes (a crash in between can leave an object without a row, never a
 * row without its object). Returns how many.
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
      {
        referencedAt: null,
        createdAt: { $lte: new Date(now.getTime() - ORPHAN_AFTER_MS) },
        ...noRecordHolds(em),
      },
      { fields: ['id', 'storageKey', 'thumbnailKey'], limit: BATCH },
    );
    if (orphans.length === 0) break;
    const ids = orphans.map((file) => file.id);
    // never a file some record points at, whether or not its reference stamped `referencedAt`:
    // the foreign keys would clear that record's reference (or take the record) with the file
    const deleted = await em.nativeDelete(File, {
      id: { $in: ids },
      referencedAt: null,
      ...noRecordHolds(em),
    });
    if (deleted > 0) {
      const kept = new Set(
        deleted === ids.length
          ? []
          : (await em.find(File, { id: { $in: ids } }, { fields: ['id'] })).map((f) => f.id),
      );
      await files.removeObjects(orphans.filter((file) => !kept.has(file.id)).flatMap(keysOf));
    }
    purged += deleted;
    if (orphans.length < BATCH) break;
  }
  if (purged > 0) logger.info({ files: purged }, 'purged orphaned uploads');
  return purged;
}
