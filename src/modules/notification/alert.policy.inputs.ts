import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { AlertChannel } from './alert.enums.js';

/** Whom a step names by standing in the family (the `AudienceRole` of alert.lifecycle.ts). */
export enum AlertPolicyRole {
  MAIN = 'MAIN',
  MANAGER = 'MANAGER',
  CAREGIVER = 'CAREGIVER',
}
registerEnumType(AlertPolicyRole, {
  name: 'AlertPolicyRole',
  description: 'Members an escalation step names by their standing in the family.',
  valuesConfig: {
    MAIN: { description: "The family's main user." },
    MANAGER: { description: 'Every ACTIVE manager.' },
    CAREGIVER: { description: 'Every ACTIVE caregiver.' },
  },
});

const MAX_STEPS = 5;
const MAX_MINUTES = 1440;

@InputType({
  description:
    'One escalation step: reached when a CRIT alert is still unacknowledged `afterMinutes` after delivery started. Name at least one of roles, userIds and emergencyContacts.',
})
export class AlertPolicyStepInput {
  @Field(() => Int, {
    description:
      'Minutes after delivery started, 1–1440, later than the previous step (the first step runs after the immediate live delivery).',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_MINUTES)
  afterMinutes!: number;

  @Field(() => [AlertPolicyRole], {
    nullable: true,
    description: 'Members reached by their standing (each at most once).',
  })
  @IsOptional()
  @ArrayUnique()
  @IsIn(Object.values(AlertPolicyRole), { each: true })
  roles?: AlertPolicyRole[] | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      'Members reached by user id (at most 50, each once): ACTIVE members or the main user when saved; anyone no longer a member when the step runs is skipped.',
  })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  userIds?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Whether the family's emergency contacts are reached too (default false).",
  })
  @IsOptional()
  @IsBoolean()
  emergencyContacts?: boolean | null;

  @Field(() => [AlertChannel], {
    description:
      'How they are reached, at least one, each once: LIVE (members only), EMAIL, WEBHOOK (only while the family has a webhook).',
  })
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(Object.values(AlertChannel), { each: true })
  channels!: AlertChannel[];
}

@InputType({
  description:
    "A family's whole escalation policy: what follows the immediate live delivery of a CRIT alert to every ACTIVE member. Replaces the previous policy.",
})
export class AlertPolicyInput {
  @Field(() => [AlertPolicyStepInput], { description: 'The escalation steps, 1–5, in order.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_STEPS)
  @ValidateNested({ each: true })
  steps!: AlertPolicyStepInput[];

  @Field(() => Int, {
    nullable: true,
    defaultValue: 30,
    description:
      'Minutes, 1–1440, after which an acknowledged CRIT still unresolved re-alerts (the closed loop); null turns it off.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_MINUTES)
  closedLoopMinutes!: number | null;

  @Field(() => Boolean, {
    defaultValue: true,
    description: 'Whether the closed loop re-alerts the member who acknowledged.',
  })
  @IsBoolean()
  closedLoopAcknowledger!: boolean;

  @Field(() => [AlertPolicyRole], {
    defaultValue: [AlertPolicyRole.MAIN, AlertPolicyRole.MANAGER],
    description: 'Whom else the closed loop re-alerts, by standing (each at most once).',
  })
  @ArrayUnique()
  @IsIn(Object.values(AlertPolicyRole), { each: true })
  closedLoopRoles!: AlertPolicyRole[];

  @Field(() => [AlertChannel], {
    nullable: true,
    description:
      'How the closed loop re-alerts, at least one, each once (omitted: LIVE and EMAIL, and WEBHOOK when the family has a webhook).',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(Object.values(AlertChannel), { each: true })
  closedLoopChannels?: AlertChannel[] | null;
}
