import { defineModule } from '../module.js';
import { CheckIn, CheckInOccurrence } from './check-in.entities.js';
import { CHECK_IN_INTERVAL_MS, runCheckIns } from './check-in.jobs.js';
import {
  CheckInOccurrenceResolver,
  CheckInResolver,
  FamilyCheckInResolver,
} from './check-in.resolver.js';
import { CheckInService } from './check-in.service.js';

/**
 * Check-ins and medication: caregivers schedule questions and measurements on the Carebot, the
 * `check-ins` job makes them due and pushes them live, the Carebot answers, and a missed or
 * worrying answer raises an alert.
 */
export const checkInModule = defineModule<{ checkIn: CheckInService }>({
  name: 'check-in',
  entities: [CheckIn, CheckInOccurrence],
  resolvers: [CheckInResolver, CheckInOccurrenceResolver, FamilyCheckInResolver],
  services: ({ events, clock }) => ({ checkIn: new CheckInService({ events, clock }) }),
  periodic: ({ orm, events, logger }) => [
    {
      name: 'check-ins',
      intervalMs: CHECK_IN_INTERVAL_MS,
      run: (now) => runCheckIns(orm, events, logger, now).then(() => undefined),
    },
  ],
});
