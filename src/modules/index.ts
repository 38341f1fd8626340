import { accountModule } from './account/account.module.js';
import { adminModule } from './admin/admin.module.js';
import { supportModule } from './support/support.module.js';
import { aiModule } from './ai/ai.module.js';
import { assessmentModule } from './assessment/assessment.module.js';
import { careSessionModule } from './care-session/care-session.module.js';
import { checkInModule } from './check-in/check-in.module.js';
import { communityModule } from './community/community.module.js';
import { deviceModule } from './device/device.module.js';
import { familyModule } from './family/family.module.js';
import { fileModule } from './file/file.module.js';
import { liveModule } from './live/live.module.js';
import { messageModule } from './message/message.module.js';
import { type ServicesOf } from './module.js';
import { newsModule } from './news/news.module.js';
import { notificationModule } from './notification/notification.module.js';
import { oauthModule } from './oauth/oauth.module.js';
import { regionModule } from './region/region.module.js';
import { reportModule } from './report/report.module.js';
import { routineModule } from './routine/routine.module.js';
import { serverModule } from './server/server.module.js';
import { settingsModule } from './settings/settings.module.js';
import { weatherModule } from './weather/weather.module.js';
import { wellnessModule } from './wellness/wellness.module.js';
import { digestModule } from './digest/digest.module.js';

/**
 * Every feature of the API, in dependency order (a module's services may take the services of
 * modules above it). The composition root: adding a module is one line here.
 */
export const MODULES = [
  serverModule,
  regionModule,
  fileModule,
  accountModule,
  oauthModule,
  messageModule,
  familyModule,
  deviceModule,
  settingsModule,
  notificationModule,
  reportModule,
  routineModule,
  aiModule,
  liveModule,
  careSessionModule,
  assessmentModule,
  weatherModule,
  newsModule,
  adminModule,
  communityModule,
  supportModule,
  wellnessModule,
  checkInModule,
  digestModule,
] as const;

/** The services of every module, by name. */
export type Services = ServicesOf<typeof MODULES>;
