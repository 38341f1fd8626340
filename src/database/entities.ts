import { JobLease } from '../jobs/job-lease.entity.js';
import { MODULES } from '../modules/index.js';

/**
 * Every MikroORM entity of the application: the modules' own, and the job lease. Listed
 * explicitly (not discovered by glob) so the same list works from TypeScript sources under
 * vitest and from the compiled `dist/` build.
 */
export const entities: Function[] = [...MODULES.flatMap((module) => module.entities), JobLease];
