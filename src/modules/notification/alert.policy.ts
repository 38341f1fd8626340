import type { EntityManager } from '../../database/orm.js';
import { BadUserInputError } from '../../graphql/errors.js';
import { keyOf } from '../../graphql/ids.js';
import { Family } from '../family/family.entity.js';
import { FamilyRole, Membership, MembershipStatus } from '../family/membership.entity.js';
import { FamilyAlertPolicy } from './alert.entities.js';
import { AlertChannel } from './alert.enums.js';
import { alertSettingsOf, type AudienceRole, type Recipient, schedule } from './alert.lifecycle.js';

/** One escalation step: whom it reaches, how, and when (minutes from the start of delivery). */
export interface EscalationStep {
  afterMinutes: number;
  roles: AudienceRole[];
  userIds: number[];
  emergencyContacts: boolean;
  channels: AlertChannel[];
}

/** Whom an acknowledged but unresolved CRIT re-alerts, how, and after how long (null: never). */
export interface ClosedLoop {
  minutes: number | null;
  acknowledger: boolean;
  roles: AudienceRole[];
  channels: AlertChannel[];
}

/** What follows the immediate live delivery of a CRIT alert. */
export interface EscalationPolicy {
  /** The family never set one (or reset it). */
  isDefault: boolean;
  steps: EscalationStep[];
  closedLoop: ClosedLoop;
  updatedAt: Date | null;
}

const EVERY_ROLE: AudienceRole[] = ['MAIN', FamilyRole.MANAGER, FamilyRole.CAREGIVER];
const MANAGERS: AudienceRole[] = ['MAIN', FamilyRole.MANAGER];

/**
 * The default of SPEC's issue 19: not acknowledged within 2 minutes → e-mail and webhook to every
 * member; within 10 → the emergency contacts; acknowledged but unresolved after 30 → the
 * acknowledger and the managers again, on every channel. The webhook channel of the default is
 * used when the family has a webhook and skipped silently when it has none.
 */
export const DEFAULT_ALERT_POLICY: EscalationPolicy = {
  isDefault: true,
  steps: [
    {
      afterMinutes: 2,
      roles: EVERY_ROLE,
      userIds: [],
      emergencyContacts: false,
      channels: [AlertChannel.EMAIL, AlertChannel.WEBHOOK],
    },
    {
      afterMinutes: 10,
      roles: [],
      userIds: [],
      emergencyContacts: true,
      channels: [AlertChannel.EMAIL, AlertChannel.WEBHOOK],
    },
  ],
  closedLoop: {
    minutes: 30,
    acknowledger: true,
    roles: MANAGERS,
    channels: [AlertChannel.LIVE, AlertChannel.EMAIL, AlertChannel.WEBHOOK],
  },
  updatedAt: null,
};

/** A stored policy as delivery and the API use it. */
export function policyFromColumns(
  row: Pick<
    FamilyAlertPolicy,
    | 'steps'
    | 'closedLoopMinutes'
    | 'closedLoopAcknowledger'
    | 'closedLoopRoles'
    | 'closedLoopChannels'
  > & { updatedAt: Date | null },
): EscalationPolicy {
  return {
    isDefault: false,
    steps: row.steps.map((step) => ({
      afterMinutes: step.afterMinutes,
      roles: step.roles as AudienceRole[],
      userIds: step.userIds,
      emergencyContacts: step.emergencyContacts,
      channels: step.channels as AlertChannel[],
    })),
    closedLoop: {
      minutes: row.closedLoopMinutes,
      acknowledger: row.closedLoopAcknowledger,
      roles: row.closedLoopRoles as AudienceRole[],
      channels: row.closedLoopChannels as AlertChannel[],
    },
    updatedAt: row.updatedAt,
  };
}

/** A family's escalation policy: its own, or the default. */
export async function alertPolicyOf(
  em: EntityManager,
  familyId: number,
): Promise<EscalationPolicy> {
  const row = await em.findOne(FamilyAlertPolicy, { family: familyId });
  return row === null ? DEFAULT_ALERT_POLICY : policyFromColumns(row);
}

/** The escalation policies of several families in one query (the default for those without). */
export async function alertPoliciesFor(
  em: EntityManager,
  familyIds: readonly number[],
): Promise<(familyId: number) => EscalationPolicy> {
  if (familyIds.length === 0) return () => DEFAULT_ALERT_POLICY;
  const rows = await em.find(FamilyAlertPolicy, { family: { $in: [...new Set(familyIds)] } });
  const byFamily = new Map(rows.map((row) => [row.family.id, policyFromColumns(row)]));
  return (familyId) => byFamily.get(familyId) ?? DEFAULT_ALERT_POLICY;
}

/**
 * What an escalation or closed-loop timer carries: the step as it was when the timer was set, so
 * a policy changed (or reset) while an alert escalates does not change that alert; `custom` says
 * whether a missing webhook is worth a timeline entry (the default uses it only when set).
 */
export interface StepSnapshot {
  custom: boolean;
  roles: AudienceRole[];
  userIds: number[];
  emergencyContacts: boolean;
  channels: AlertChannel[];
}

/** The snapshot of escalation step `index` (0-based) of `policy`, for its timer's payload. */
export function stepSnapshot(policy: EscalationPolicy, index: number): StepSnapshot | undefined {
  const step = policy.steps[index];
  if (step === undefined) return undefined;
  return {
    custom: !policy.isDefault,
    roles: step.roles,
    userIds: step.userIds,
    emergencyContacts: step.emergencyContacts,
    channels: step.channels,
  };
}

const ROLE_VALUES = new Set<string>(EVERY_ROLE);
const CHANNEL_VALUES = new Set<string>(Object.values(AlertChannel));

/**
 * Reads a snapshot back from a timer's payload. Timers set before policies existed carry only
 * `{ step }` (an escalation) or nothing (a closed loop): those follow the default, as they did.
 */
export function readSnapshot(
  payload: Record<string, unknown> | null,
  fallback: StepSnapshot | undefined,
): StepSnapshot | undefined {
  const value = payload?.['policy'];
  if (value === null || typeof value !== 'object') return fallback;
  const raw = value as Record<string, unknown>;
  const strings = (list: unknown, allowed: Set<string>) =>
    Array.isArray(list)
      ? list.filter((item): item is string => typeof item === 'string' && allowed.has(item))
      : [];
  return {
    custom: raw['custom'] === true,
    roles: strings(raw['roles'], ROLE_VALUES) as AudienceRole[],
    userIds: Array.isArray(raw['userIds'])
      ? raw['userIds'].filter((id): id is number => typeof id === 'number')
      : [],
    emergencyContacts: raw['emergencyContacts'] === true,
    channels: strings(raw['channels'], CHANNEL_VALUES) as AlertChannel[],
  };
}

/** The members a step (or the closed loop) names, in the family's order. */
export function chosenMembers(
  members: readonly Recipient[],
  step: Pick<StepSnapshot, 'roles' | 'userIds'>,
  also?: number,
): Recipient[] {
  return members.filter(
    (member) =>
      step.roles.includes(member.role) ||
      step.userIds.includes(member.userId) ||
      member.userId === also,
  );
}

function joined(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? 'nobody';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function roleNames(roles: readonly AudienceRole[]): string[] {
  if (EVERY_ROLE.every((role) => roles.includes(role))) return ['every member'];
  if (MANAGERS.every((role) => roles.includes(role)))
    return ['the managers', ...(roles.includes(FamilyRole.CAREGIVER) ? ['caregivers'] : [])];
  return EVERY_ROLE.filter((role) => roles.includes(role)).map((role) =>
    role === 'MAIN' ? 'the main user' : role === FamilyRole.MANAGER ? 'managers' : 'caregivers',
  );
}

/** Whom a step reaches, as its timeline entry says it ("every member", "emergency contacts"). */
export function describeStep(step: Omit<StepSnapshot, 'custom' | 'channels'>): string {
  const chosen = step.userIds.length;
  return joined([
    ...roleNames(step.roles),
    ...(chosen > 0 ? [chosen === 1 ? 'a chosen member' : `${chosen} chosen members`] : []),
    ...(step.emergencyContacts ? ['emergency contacts'] : []),
  ]);
}

/** Whom a closed loop re-alerts ("the acknowledger and the managers"). */
export function describeClosedLoop(loop: Pick<StepSnapshot, 'roles'>, acknowledger: boolean) {
  return joined([...(acknowledger ? ['the acknowledger'] : []), ...roleNames(loop.roles)]);
}

/**
 * Schedules the closed-loop re-alert of a CRIT just acknowledged by `acknowledgerId`, as the
 * family's policy says (nothing when it is off), with the policy's closed loop copied into it.
 */
export async function scheduleClosedLoop(
  em: EntityManager,
  notification: { id: number; family: { id: number } },
  acknowledgerId: number,
  now: Date,
): Promise<void> {
  const policy = await alertPolicyOf(em, notification.family.id);
  const loop = policy.closedLoop;
  if (loop.minutes === null) return;
  await schedule(
    em,
    notification.id,
    'REALERT',
    'closed-loop',
    new Date(now.getTime() + loop.minutes * 60_000),
    {
      acknowledgedBy: acknowledgerId,
      acknowledger: loop.acknowledger,
      policy: closedLoopSnapshot(policy),
    },
  );
}

/** The closed loop of `policy` as a step snapshot (the acknowledger rides beside it). */
export function closedLoopSnapshot(policy: EscalationPolicy): StepSnapshot {
  return {
    custom: !policy.isDefault,
    roles: policy.closedLoop.roles,
    userIds: [],
    emergencyContacts: false,
    channels: policy.closedLoop.channels,
  };
}

/**
 * A policy as a manager submits it, already checked field by field by class-validator (so roles
 * and channels hold only their enums' values).
 */
export interface PolicyDraft {
  steps: {
    afterMinutes: number;
    roles?: readonly string[] | null;
    userIds?: readonly string[] | null;
    emergencyContacts?: boolean | null;
    channels: readonly AlertChannel[];
  }[];
  closedLoopMinutes: number | null;
  closedLoopAcknowledger: boolean;
  closedLoopRoles: readonly string[];
  closedLoopChannels?: readonly AlertChannel[] | null;
}

/**
 * Checks what field-wise rules cannot (order, recipients, membership, the webhook) and stores the
 * policy in place of the family's previous one. Every problem is reported under its input path
 * (`input.steps.1.afterMinutes`) and nothing is written unless all is well.
 */
export async function replaceAlertPolicy(
  em: EntityManager,
  familyId: number,
  draft: PolicyDraft,
  now: Date,
): Promise<EscalationPolicy> {
  const problems: Record<string, string> = {};
  const settings = await alertSettingsOf(em, familyId);
  const hasWebhook = settings.webhookUrl !== null;
  const webhookProblem = 'WEBHOOK needs the family to have a webhook (alertSettings.webhookUrl)';

  const family = await em.findOneOrFail(Family, { id: familyId }, { fields: ['mainUser'] });
  const active = await em.find(
    Membership,
    { family: familyId, status: MembershipStatus.ACTIVE },
    { fields: ['user'] },
  );
  const members = new Set([family.mainUser.id, ...active.map((m) => m.user.id)]);

  const steps: EscalationStep[] = draft.steps.map((step, index) => {
    const path = `input.steps.${index}`;
    const previous = draft.steps[index - 1];
    if (previous !== undefined && step.afterMinutes <= previous.afterMinutes)
      problems[`${path}.afterMinutes`] =
        `must be later than step ${index - 1} (${previous.afterMinutes} minutes)`;
    const userIds: number[] = [];
    for (const raw of step.userIds ?? []) {
      const id = keyOf(raw);
      if (id === undefined || !members.has(id)) {
        problems[`${path}.userIds`] =
          `${String(raw).slice(0, 40)} is not an active member of this family`;
        break;
      }
      if (!userIds.includes(id)) userIds.push(id);
    }
    const roles = [...new Set(step.roles ?? [])] as AudienceRole[];
    const emergencyContacts = step.emergencyContacts ?? false;
    if (roles.length === 0 && (step.userIds ?? []).length === 0 && !emergencyContacts)
      problems[path] = 'names nobody: give roles, userIds or emergencyContacts';
    if (step.channels.includes(AlertChannel.WEBHOOK) && !hasWebhook)
      problems[`${path}.channels`] = webhookProblem;
    // emergency contacts are no members: they have no live channel, so such a step would
    // record an escalation that reached nobody
    else if (
      emergencyContacts &&
      roles.length === 0 &&
      (step.userIds ?? []).length === 0 &&
      step.channels.every((channel) => channel === AlertChannel.LIVE)
    )
      problems[`${path}.channels`] =
        'LIVE reaches members only and this step names only emergency contacts: add EMAIL (or name members)';
    return {
      afterMinutes: step.afterMinutes,
      roles,
      userIds,
      emergencyContacts,
      channels: [...step.channels],
    };
  });

  const closedLoopChannels = draft.closedLoopChannels
    ? [...draft.closedLoopChannels]
    : [AlertChannel.LIVE, AlertChannel.EMAIL, ...(hasWebhook ? [AlertChannel.WEBHOOK] : [])];
  if (draft.closedLoopChannels?.includes(AlertChannel.WEBHOOK) && !hasWebhook)
    problems['input.closedLoopChannels'] = webhookProblem;
  const closedLoopRoles = [...new Set(draft.closedLoopRoles)] as AudienceRole[];
  if (
    draft.closedLoopMinutes !== null &&
    !draft.closedLoopAcknowledger &&
    closedLoopRoles.length === 0
  )
    problems['input.closedLoopRoles'] =
      'names nobody: give roles or set closedLoopAcknowledger (or turn the closed loop off)';

  if (Object.keys(problems).length > 0) throw new BadUserInputError(problems);

  let row = await em.findOne(FamilyAlertPolicy, { family: familyId });
  row ??= em.create(FamilyAlertPolicy, {
    family: em.getReference(Family, familyId),
    steps: [],
    closedLoopMinutes: null,
    closedLoopAcknowledger: true,
    closedLoopRoles: [],
    closedLoopChannels: [],
  });
  row.steps = steps;
  row.closedLoopMinutes = draft.closedLoopMinutes;
  row.closedLoopAcknowledger = draft.closedLoopAcknowledger;
  row.closedLoopRoles = closedLoopRoles;
  row.closedLoopChannels = closedLoopChannels;
  row.updatedAt = now;
  await em.flush();
  return policyFromColumns(row);
}

/** Back to the default policy (timers already set keep the steps they were set with). */
export async function resetAlertPolicy(em: EntityManager, familyId: number): Promise<void> {
  await em.nativeDelete(FamilyAlertPolicy, { family: familyId });
}
