import { JobLease } from '../jobs/job-lease.entity.js';
import { AiJob, ChatMessage, Conversation, MoodWatch } from '../modules/ai/ai.entities.js';
import { PasswordReset } from '../modules/account/password-reset.entity.js';
import { Device } from '../modules/device/device.entity.js';
import { FamilyBackground } from '../modules/family/family-background.entity.js';
import { FamilyInvite } from '../modules/family/family-invite.entity.js';
import { Family } from '../modules/family/family.entity.js';
import { File } from '../modules/file/file.entity.js';
import { Membership } from '../modules/family/membership.entity.js';
import { Message } from '../modules/message/message.entity.js';
import { NewsItem } from '../modules/news/news.entity.js';
import { Notification, NotificationRead } from '../modules/notification/notification.entity.js';
import { Region } from '../modules/region/region.entity.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalReport,
  MentalStatus,
} from '../modules/report/report.entities.js';
import { CarebotSettings } from '../modules/settings/settings.entity.js';
import { Session } from '../modules/account/session.entity.js';
import { User } from '../modules/account/user.entity.js';

/**
 * Every MikroORM entity of the application. Listed explicitly (not discovered by glob) so the
 * same list works from TypeScript sources under vitest and from the compiled `dist/` build.
 */
export const entities: Function[] = [
  User,
  Session,
  PasswordReset,
  Family,
  Membership,
  FamilyInvite,
  FamilyBackground,
  Device,
  CarebotSettings,
  Region,
  HomeStatus,
  HealthStatus,
  Activity,
  MentalStatus,
  MentalReport,
  Notification,
  NotificationRead,
  Message,
  File,
  Conversation,
  ChatMessage,
  AiJob,
  MoodWatch,
  NewsItem,
  JobLease,
];
