import type { EntityManager } from '../../database/orm.js';
import type { Family } from '../family/family.entity.js';
import { NotificationGrade } from '../notification/notification.enums.js';
import { Activity, HealthStatus } from '../report/report.entities.js';
import { ActivityAction } from '../report/report.enums.js';
import { updateBaselines } from './routine.baseline.js';
import { CareSettings, RoutineRule } from './routine.entities.js';
import { seededRandom } from '../../util/seeded-random.js';
import { RoutineRuleKind } from './routine.enums.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const KST_OFFSET_MS = 9 * HOUR_MS;
/** Days of readings before the seeded week, so the demo's baselines have learned (14 needed). */
const BASELINE_DEMO_DAYS = 14;

/**
 * The demo family's routine (npm run seed:demo): its care settings, a breakfast rule the seeded
 * days keep (the elder eats between 07:00 and 10:00), and two quiet weeks of vitals and activity
 * before `since` in the seeded week's rhythm, staged on `em` for the seed's flush. After that
 * flush, `learnBaselines` folds every reading into the baselines (learning only, no alerts), so
 * `Family.baselines` shows READY bands.
 */
export function seedRoutineDemo(
  em: EntityManager,
  family: Family,
  since: Date,
  until: Date,
): { learnBaselines: () => Promise<void> } {
  em.create(CareSettings, { family, updatedAt: since });
  em.create(RoutineRule, {
    family,
    kind: RoutineRuleKind.NO_ACTIVITY,
    actions: [ActivityAction.EATING],
    startMinute: 7 * 60,
    endMinute: 10 * 60,
    grade: NotificationGrade.WARN,
    message: '어머님이 아침 식사를 하지 않으셨어요 (no breakfast between 07:00 and 10:00).',
    createdAt: since,
  });

  const random = seededRandom(20_261_201);
  const between = (min: number, max: number) => min + random() * (max - min);
  const step = 30 * 60_000;
  const first = Math.ceil((since.getTime() - BASELINE_DEMO_DAYS * DAY_MS) / step) * step;
  for (let t = first; t < since.getTime(); t += step) {
    const measuredAt = new Date(t);
    const hour = ((t + KST_OFFSET_MS) % DAY_MS) / HOUR_MS;
    const asleep = hour < 6.5 || hour >= 22;
    const active = hour >= 10 && hour < 11;
    em.create(HealthStatus, {
      family,
      heartRate: Math.round(asleep ? between(55, 62) : active ? between(84, 98) : between(64, 78)),
      bloodOxygen: Math.round(between(95, 99)),
      bodyTemperature: t % (2 * HOUR_MS) === 0 ? Math.round(between(36.3, 36.9) * 10) / 10 : null,
      measuredAt,
      createdAt: measuredAt,
    });
    if (!asleep || t % (2 * HOUR_MS) === 0)
      em.create(Activity, {
        family,
        action: asleep ? ActivityAction.SLEEPING : demoAction(hour),
        score: Math.round(between(0.72, 0.98) * 100) / 100,
        measuredAt,
        createdAt: measuredAt,
      });
  }
  return {
    learnBaselines: async () => {
      while ((await updateBaselines(em, null, null, until)).more);
    },
  };
}

/** The seeded week's daily rhythm, coarsely. */
function demoAction(hour: number): ActivityAction {
  if (hour < 7.5) return ActivityAction.WALKING;
  if ((hour >= 7.5 && hour < 8.25) || (hour >= 12 && hour < 12.75) || (hour >= 18 && hour < 18.5))
    return ActivityAction.EATING;
  if (hour >= 10 && hour < 11) return ActivityAction.OUTING;
  return hour < 14.5 ? ActivityAction.SITTING : ActivityAction.TALKING;
}
