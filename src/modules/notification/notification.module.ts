import type { FileService } from '../file/file.service.js';
import { defineModule } from '../module.js';
import {
  AlertSettings,
  AlertTimelineEntry,
  AlertTimer,
  EmergencyContact,
  FamilyAlertPolicy,
} from './alert.entities.js';
import { AlertContextResolver, FamilyAlertStatsResolver } from './alert.insights.resolver.js';
import { FamilyAlertPolicyResolver } from './alert.policy.resolver.js';
import { AlertResolver, AlertTimelineResolver, FamilyAlertResolver } from './alert.resolver.js';
import { ALERT_TIMER_INTERVAL_MS, AlertService } from './alert.service.js';
import { Notification, NotificationRead } from './notification.entity.js';
import {
  checkInactivity,
  INACTIVITY_CHECK_INTERVAL_MS,
  purgeOldNotifications,
  RETENTION_PURGE_INTERVAL_MS,
} from './notification.jobs.js';
import { FamilyNotificationResolver, NotificationResolver } from './notification.resolver.js';
import { NotificationService } from './notification.service.js';
import { DeliveryPreference } from './delivery-preference.entity.js';
import { DeliveryPreferenceService } from './delivery-preference.js';
import {
  DeliveryPreferenceResolver,
  FamilyDeliveryPreferenceResolver,
} from './delivery-preference.resolver.js';

/** Notifications and alerts: read marks, the alert lifecycle, grace windows and escalation. */
export const notificationModule = defineModule<
  {
    notification: NotificationService;
    alerts: AlertService;
    deliveryPreferences: DeliveryPreferenceService;
  },
  { file: FileService }
>({
  name: 'notification',
  entities: [
    Notification,
    NotificationRead,
    AlertTimelineEntry,
    AlertTimer,
    AlertSettings,
    EmergencyContact,
    DeliveryPreference,
    FamilyAlertPolicy,
  ],
  resolvers: [
    NotificationResolver,
    FamilyNotificationResolver,
    AlertResolver,
    AlertTimelineResolver,
    FamilyAlertResolver,
    FamilyAlertPolicyResolver,
    AlertContextResolver,
    FamilyAlertStatsResolver,
    DeliveryPreferenceResolver,
    FamilyDeliveryPreferenceResolver,
  ],
  services: ({ events, file, clock, orm, mailer, logger }) => ({
    notification: new NotificationService({ events, files: file, clock }),
    alerts: new AlertService({ orm, events, mailer, logger, clock }),
    deliveryPreferences: new DeliveryPreferenceService({ orm, clock }),
  }),
  periodic: ({ orm, events, logger, config, alerts }) => [
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
    {
      // grace windows, escalation steps, closed-loop re-alerts and webhook retries: the timers
      // are rows, so they outlive a node; this run (once per cluster) fires the due ones
      name: 'alert-timers',
      intervalMs: ALERT_TIMER_INTERVAL_MS,
      run: () => alerts.fireDue().then(() => undefined),
    },
  ],
});
