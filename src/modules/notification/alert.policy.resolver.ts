import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import type { FamilyGrant } from '../../auth/access.js';
import { FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import { familyData, openData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { Family } from '../family/family.entity.js';
import { AlertChannel } from './alert.enums.js';
import {
  alertPolicyOf,
  DEFAULT_ALERT_POLICY,
  type EscalationPolicy,
  replaceAlertPolicy,
  resetAlertPolicy,
} from './alert.policy.js';
import { AlertPolicyInput, AlertPolicyRole } from './alert.policy.inputs.js';

@ObjectType({ description: "One escalation step of a family's alert policy." })
export class AlertPolicyStep {
  @Field(() => Int, {
    description: 'Minutes after delivery started at which a still unacknowledged CRIT reaches it.',
  })
  afterMinutes!: number;

  @Field(() => [AlertPolicyRole], { description: 'Members it reaches by standing.' })
  roles!: AlertPolicyRole[];

  @Field(() => [ID], {
    description: 'Members it reaches by user id (skipped once no longer members).',
  })
  userIds!: string[];

  @Field({ description: "Whether it reaches the family's emergency contacts." })
  emergencyContacts!: boolean;

  @Field(() => [AlertChannel], { description: 'How it reaches them.' })
  channels!: AlertChannel[];
}

@ObjectType({
  description:
    "What follows the immediate live delivery of a family's CRIT alerts: escalation steps while nobody acknowledges, and the closed loop while an acknowledged alert stays unresolved. An alert keeps the policy it started with.",
})
export class AlertPolicy {
  /** The family (what the type's access policy reads). */
  familyId!: number;

  @Field({ description: 'Whether this is the default policy (the family has none of its own).' })
  isDefault!: boolean;

  @Field(() => [AlertPolicyStep], { description: 'The escalation steps, in order.' })
  steps!: AlertPolicyStep[];

  @Field(() => Int, {
    nullable: true,
    description:
      'Minutes after an acknowledgement before a still unresolved CRIT re-alerts (null: never).',
  })
  closedLoopMinutes!: number | null;

  @Field({ description: 'Whether the closed loop re-alerts the member who acknowledged.' })
  closedLoopAcknowledger!: boolean;

  @Field(() => [AlertPolicyRole], { description: 'Whom else the closed loop re-alerts.' })
  closedLoopRoles!: AlertPolicyRole[];

  @Field(() => [AlertChannel], { description: 'How the closed loop re-alerts.' })
  closedLoopChannels!: AlertChannel[];

  @Field(() => Date, { nullable: true, description: 'When a manager last set it (null: default).' })
  updatedAt!: Date | null;
}

const toRoles = (roles: readonly string[]) => roles.map((role) => role as AlertPolicyRole);

function toGraphQL(familyId: number, policy: EscalationPolicy): AlertPolicy {
  return {
    familyId,
    isDefault: policy.isDefault,
    steps: policy.steps.map((step) => ({
      afterMinutes: step.afterMinutes,
      roles: toRoles(step.roles),
      userIds: step.userIds.map(String),
      emergencyContacts: step.emergencyContacts,
      channels: step.channels,
    })),
    closedLoopMinutes: policy.closedLoop.minutes,
    closedLoopAcknowledger: policy.closedLoop.acknowledger,
    closedLoopRoles: toRoles(policy.closedLoop.roles),
    closedLoopChannels: policy.closedLoop.channels,
    updatedAt: policy.updatedAt,
  };
}

/** A family's escalation policy (read like its alert settings; changed by MANAGE). */
@Resolver(() => Family)
export class FamilyAlertPolicyResolver {
  @FieldResolver(() => AlertPolicy, {
    description: "The family's escalation policy (the default until a manager sets one).",
  })
  async alertPolicy(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<AlertPolicy> {
    return toGraphQL(family.id, await alertPolicyOf(ctx.em, family.id));
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => AlertPolicy, {
    description:
      "Replaces a family's escalation policy (MANAGER). Alerts already escalating keep the policy they started with.",
  })
  async updateAlertPolicy(
    @Arg('familyId', () => ID, { description: 'The family.' }) _familyId: string,
    @Arg('input', () => AlertPolicyInput, { description: 'The whole new policy.' })
    input: AlertPolicyInput,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<AlertPolicy> {
    const policy = await replaceAlertPolicy(
      ctx.em,
      grant.familyId,
      input,
      ctx.app.services.alerts.now(),
    );
    return toGraphQL(grant.familyId, policy);
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => AlertPolicy, {
    description:
      "Puts a family's escalation policy back to the default (MANAGER). Alerts already escalating keep the policy they started with.",
  })
  async resetAlertPolicy(
    @Arg('familyId', () => ID, { description: 'The family.' }) _familyId: string,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<AlertPolicy> {
    await resetAlertPolicy(ctx.em, grant.familyId);
    return toGraphQL(grant.familyId, DEFAULT_ALERT_POLICY);
  }
}

familyData(AlertPolicy, { familyOf: (policy) => policy.familyId, read: 'VIEW' });
openData(AlertPolicyStep, 'part of AlertPolicy, whose policy guards it');
