import { Family } from '../../src/modules/family/family.entity.js';
import { File, FilePurpose, FileStatus } from '../../src/modules/file/file.entity.js';
import { newFileId } from '../../src/modules/file/file.id.js';
import type { SeedTarget } from '../helpers/test-server.js';

/**
 * A verified file row of a family, written straight to the database (no stored bytes): for
 * tests of records that reference a file, not of the upload flow itself.
 */
export async function createReadyFile(
  t: SeedTarget,
  familyId: number,
  purpose: FilePurpose = FilePurpose.FAMILY_BACKGROUND,
  overrides: Partial<Pick<File, 'status' | 'referencedAt' | 'createdAt'>> = {},
): Promise<File> {
  const em = t.server.app.orm.em.fork();
  const id = newFileId();
  const file = em.create(File, {
    id,
    family: em.getReference(Family, familyId),
    purpose,
    contentType: 'image/png',
    byteSize: 68,
    width: 1,
    height: 1,
    status: FileStatus.READY,
    storageKey: id,
    ...overrides,
  });
  await em.flush();
  return file;
}
