import type { FileService } from '../file/file.service.js';
import { defineModule } from '../module.js';
import { Notification, NotificationRead } from './notification.entity.js';
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
});
