import { defineModule } from '../module.js';
import { File } from './file.entity.js';
import {
  ORPHAN_PURGE_INTERVAL_MS,
  purgeOrphanFiles,
  releaseFilesOfDeletedRecords,
} from './file.jobs.js';
import {
  ActivityFileResolver,
  FamilyBackgroundFileResolver,
  FileResolver,
  MessageFileResolver,
  NotificationFileResolver,
  UserFileResolver,
} from './file.resolver.js';
import { FileService } from './file.service.js';

/** Uploads, verified files and signed URLs; other modules reference files by foreign key. */
export const fileModule = defineModule<{ file: FileService }>({
  name: 'file',
  entities: [File],
  resolvers: [
    FileResolver,
    ActivityFileResolver,
    NotificationFileResolver,
    MessageFileResolver,
    FamilyBackgroundFileResolver,
    UserFileResolver,
  ],
  services: ({ fileStorage, logger, config }) => ({
    file: new FileService({ storage: fileStorage, logger, uploadQuota: config.uploadQuota }),
  }),
  periodic: ({ orm, logger, file }) => [
    {
      name: 'purge-orphan-files',
      intervalMs: ORPHAN_PURGE_INTERVAL_MS,
      run: async (now) => {
        await releaseFilesOfDeletedRecords(orm, logger, now);
        await purgeOrphanFiles(orm, file, logger, now);
      },
    },
  ],
});
