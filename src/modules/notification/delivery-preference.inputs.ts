import { Field, InputType } from 'type-graphql';
import { NotificationGrade } from './notification.enums.js';

@InputType({ description: "Changes to the caller's delivery choices in one family." })
export class DeliveryPreferenceInput {
  @Field(() => NotificationGrade, {
    nullable: true,
    description: 'The lowest grade pushed live (left out: unchanged).',
  })
  liveMinGrade?: NotificationGrade | null;

  @Field(() => NotificationGrade, {
    nullable: true,
    description: 'The lowest grade e-mailed: WARN or CRIT (left out: unchanged).',
  })
  emailMinGrade?: NotificationGrade | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Start of the quiet hours, HH:MM; given together with quietHoursEnd (both null: no quiet hours; left out: unchanged).',
  })
  quietHoursStart?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'End of the quiet hours, HH:MM, not equal to the start; given with quietHoursStart.',
  })
  quietHoursEnd?: string | null;
}
