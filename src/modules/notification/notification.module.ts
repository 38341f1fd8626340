import type { FileService } from '../file/file.service.js';
import { defineModule } from '../module.js';
import { Notification, NotificationRead } from './notification.entity.js';
import {
  checkInactivity,
  INACTIVITY_CHECK_INTERVAL_MS,
  purgeOldNotifications,
  RETENTION_PURGE_INTERVAL_MS,
} from './notification.jobs.js';
import { FamilyNotificationResolver, NotificationResolver } from './notification.resolver.js';
import { NotificationService } from './notification.service.js';

/** Notifications and alerts, read marks and acknowledgements. */
export const notificationModule = defineModule<
  { notification: NotificationService },
  { file: FileService }
>({
  name: 'notification',
  entities: [Notification, NotificationRead],
  resolvers: [NotificationResolver, FamilyNotificationResolver],
  services: ({ events, file }) => ({
    notification: new NotificationService({ events, files: file }),
  }),
  periodic: ({ orm, events, logger, config }) => [
    {
      name: 'inactivity',
      intervalMs: INACTIVITY_CHECK_INTERVAL_MS,
      run: (now) => checkInactivity(orm, events, logger, now).then(() => undefined),
    },
    {
      name: 'purge-notifications',
      intervalMs: RETENTION_PURGE_INTERVAL_MS,
      run: (now) =>
        purgeOldNotifications(orm, config.notificationRetentionDays, logger, now).then(
          () => undefined,
        ),
    },
  ],
});
