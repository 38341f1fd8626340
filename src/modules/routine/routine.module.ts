import { defineModule } from '../module.js';
import { checkDeviceHealth, DEVICE_HEALTH_INTERVAL_MS } from './routine.device-health.js';
import { BASELINE_INTERVAL_MS, updateBaselines } from './routine.baseline.js';
import {
  BaselineDay,
  BaselineWatermark,
  CareSettings,
  DeviceOfflinePeriod,
  RoutineRule,
} from './routine.entities.js';
import {
  DeviceHealthResolver,
  FamilyRoutineResolver,
  RoutineResolver,
  RoutineRuleResolver,
} from './routine.resolver.js';
import { checkRoutines, ROUTINE_CHECK_INTERVAL_MS } from './routine.rules.js';
import { RoutineService } from './routine.service.js';

/** Routine rules, device health, personal baselines and chart series: what the elder's normal day looks like. */
export const routineModule = defineModule<{ routine: RoutineService }>({
  name: 'routine',
  entities: [CareSettings, DeviceOfflinePeriod, RoutineRule, BaselineDay, BaselineWatermark],
  resolvers: [RoutineResolver, FamilyRoutineResolver, DeviceHealthResolver, RoutineRuleResolver],
  services: ({ clock }) => ({ routine: new RoutineService({ clock }) }),
  periodic: ({ orm, events, logger }) => [
    {
      name: 'device-health',
      intervalMs: DEVICE_HEALTH_INTERVAL_MS,
      run: (now) => checkDeviceHealth(orm, events, logger, now).then(() => undefined),
    },
    {
      name: 'routine-rules',
      intervalMs: ROUTINE_CHECK_INTERVAL_MS,
      run: (now) => checkRoutines(orm, events, logger, now).then(() => undefined),
    },
    {
      name: 'baselines',
      intervalMs: BASELINE_INTERVAL_MS,
      run: (now) => updateBaselines(orm.em, events, logger, now).then(() => undefined),
    },
  ],
});
