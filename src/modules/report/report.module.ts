import type { FileService } from '../file/file.service.js';
import { defineModule } from '../module.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalReport,
  MentalStatus,
} from './report.entities.js';
import { FamilyStatusResolver, MentalStatusResolver, ReportResolver } from './report.resolver.js';
import { ReportService } from './report.service.js';

/** What the Carebot reports: environment, vitals, activity, mood, and the alerts they raise. */
export const reportModule = defineModule<{ report: ReportService }, { file: FileService }>({
  name: 'report',
  entities: [HomeStatus, HealthStatus, Activity, MentalStatus, MentalReport],
  resolvers: [ReportResolver, MentalStatusResolver, FamilyStatusResolver],
  services: ({ orm, events, file, clock }) => ({
    report: new ReportService({ orm, events, files: file, clock }),
  }),
});
