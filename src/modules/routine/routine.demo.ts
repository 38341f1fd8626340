import type { EntityManager } from '../../database/orm.js';
import type { Family } from '../family/family.entity.js';
import { NotificationGrade } from '../notification/notification.enums.js';
import { ActivityAction } from '../report/report.enums.js';
import { CareSettings, RoutineRule } from './routine.entities.js';
import { RoutineRuleKind } from './routine.enums.js';

/**
 * The demo family's routine (npm run seed:demo): its care settings and a breakfast rule the
 * seeded days keep (the elder eats between 07:00 and 10:00), staged on `em` for the seed's flush.
 */
export function seedRoutineDemo(em: EntityManager, family: Family, since: Date): void {
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
}
