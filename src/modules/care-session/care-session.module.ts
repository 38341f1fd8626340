import { AiJobKind } from '../ai/ai.enums.js';
import { defineModule } from '../module.js';
import { CareSession, CareSessionTransition } from './care-session.entities.js';
import { CareSessionResolver, CareSessionTransitionResolver } from './care-session.resolver.js';
import { CareSessionService } from './care-session.service.js';

/**
 * Care sessions: a family member commands the Carebot (check-in call, vitals, cognitive
 * assessment), the Carebot reports each step, and a watchdog job ends sessions it abandons.
 */
export const careSessionModule = defineModule<{ careSession: CareSessionService }>({
  name: 'care-session',
  entities: [CareSession, CareSessionTransition],
  resolvers: [CareSessionResolver, CareSessionTransitionResolver],
  services: ({ events, jobs, clock, config, logger }) => ({
    careSession: new CareSessionService({
      events,
      jobs,
      clock,
      config: config.careSessions,
      logger,
    }),
  }),
  jobHandlers: ({ careSession }) => ({
    [AiJobKind.CARE_SESSION_WATCHDOG]: (attempt) => careSession.watchdog(attempt),
  }),
});
