import type { FamilyGrant } from '../../auth/access.js';
import type { EntityManager } from '../../database/orm.js';
import { BadUserInputError, NotFoundError } from '../../graphql/errors.js';
import type { Scope } from '../../scope.js';
import type { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { NotificationGrade } from '../notification/notification.enums.js';
import {
  CARE_DEFAULTS,
  CareSettings,
  DeviceOfflinePeriod,
  RoutineRule,
} from './routine.entities.js';
import { RoutineRuleKind, type SeriesBucket, type VitalMetric } from './routine.enums.js';
import type { CareSettingsInput, RoutineRuleInput } from './routine.inputs.js';
import { type Baseline, baselineBands } from './routine.baseline.js';
import { activitySeries, vitalsSeries } from './routine.series.js';
import { isTimeZone, MINUTE_MS, parseTimeOfDay } from './routine.time.js';

/** At most this many routine rules per family. */
export const RULES_PER_FAMILY_MAX = 50;

/** How many offline periods `Device.offlinePeriods` lists, newest first. */
export const OFFLINE_PERIODS_LISTED = 50;

/** Routine rules, device health and chart series of a family (issue 20). */
export class RoutineService {
  constructor(private readonly deps: { clock: () => Date }) {}

  /** The family's settings, or the defaults (not stored) when it never changed them. */
  async careSettings(em: EntityManager, familyId: number): Promise<CareSettings> {
    return (
      (await em.findOne(CareSettings, { family: familyId })) ??
      em.create(
        CareSettings,
        { family: em.getReference(Family, familyId), ...CARE_DEFAULTS },
        { persist: false },
      )
    );
  }

  async updateCareSettings(
    ctx: Scope,
    { familyId }: FamilyGrant<'MANAGE'>,
    input: CareSettingsInput,
  ): Promise<CareSettings> {
    if (input.timeZone !== undefined && input.timeZone !== null && !isTimeZone(input.timeZone))
      throw BadUserInputError.field('input.timeZone', 'is not an IANA time zone');
    const existing = await ctx.em.findOne(CareSettings, { family: familyId });
    const settings =
      existing ?? ctx.em.create(CareSettings, { family: ctx.em.getReference(Family, familyId) });
    if (input.timeZone !== undefined && input.timeZone !== null) settings.timeZone = input.timeZone;
    if (input.deviceOfflineMinutes !== undefined && input.deviceOfflineMinutes !== null)
      settings.deviceOfflineMinutes = input.deviceOfflineMinutes;
    if (input.baselineLearningDays !== undefined && input.baselineLearningDays !== null)
      settings.baselineLearningDays = input.baselineLearningDays;
    settings.updatedAt = this.deps.clock();
    await ctx.em.flush();
    return settings;
  }

  rules(em: EntityManager, familyId: number): Promise<RoutineRule[]> {
    return em.find(RoutineRule, { family: familyId }, { orderBy: { id: 'asc' } });
  }

  async createRule(
    ctx: Scope,
    { familyId }: FamilyGrant<'MANAGE'>,
    input: RoutineRuleInput,
  ): Promise<RoutineRule> {
    const startMinute = parseTimeOfDay(input.startTime);
    const endMinute = parseTimeOfDay(input.endTime);
    if (startMinute === null) throw BadUserInputError.field('input.startTime', 'must be HH:MM');
    if (endMinute === null) throw BadUserInputError.field('input.endTime', 'must be HH:MM');
    const minDuration = input.minDurationMinutes ?? null;
    if (input.kind === RoutineRuleKind.LONG_ACTIVITY) {
      if (minDuration === null)
        throw BadUserInputError.field('input.minDurationMinutes', 'is required for LONG_ACTIVITY');
      const windowMinutes = (endMinute - startMinute + 1440) % 1440 || 1440;
      if (minDuration >= windowMinutes)
        throw BadUserInputError.field(
          'input.minDurationMinutes',
          'must be shorter than the window',
        );
    } else if (minDuration !== null) {
      throw BadUserInputError.field('input.minDurationMinutes', 'is only for LONG_ACTIVITY');
    }
    if (input.grade === NotificationGrade.NONE)
      throw BadUserInputError.field('input.grade', 'must be INFO, WARN or CRIT');
    if (input.message.trim() === '')
      throw BadUserInputError.field('input.message', 'must not be blank');
    if ((await ctx.em.count(RoutineRule, { family: familyId })) >= RULES_PER_FAMILY_MAX)
      throw BadUserInputError.field(
        'input',
        `a family has at most ${RULES_PER_FAMILY_MAX} routine rules`,
      );
    const rule = ctx.em.create(RoutineRule, {
      family: ctx.em.getReference(Family, familyId),
      kind: input.kind,
      actions: [...new Set(input.actions)],
      startMinute,
      endMinute,
      minDurationMinutes: minDuration,
      grade: input.grade,
      message: input.message.trim(),
      createdAt: this.deps.clock(),
    });
    await ctx.em.flush();
    return rule;
  }

  /** Deletes a rule of the family; NOT_FOUND for a rule of another family. */
  async deleteRule(
    ctx: Scope,
    { familyId }: FamilyGrant<'MANAGE'>,
    ruleId: number,
  ): Promise<boolean> {
    const deleted = await ctx.em.nativeDelete(RoutineRule, { id: ruleId, family: familyId });
    if (deleted === 0) throw new NotFoundError('RoutineRule', ruleId);
    return true;
  }

  async vitalsSeries(
    em: EntityManager,
    familyId: number,
    metric: VitalMetric,
    args: { from: Date; to: Date; bucket: SeriesBucket },
  ) {
    const { timeZone } = await this.careSettings(em, familyId);
    return vitalsSeries(em, familyId, metric, { ...args, timeZone });
  }

  async activitySeries(
    em: EntityManager,
    familyId: number,
    args: { from: Date; to: Date; bucket: SeriesBucket },
  ) {
    const { timeZone } = await this.careSettings(em, familyId);
    return activitySeries(em, familyId, { ...args, timeZone });
  }

  /** The family's personal baselines as of now, one per metric. */
  async baselines(em: EntityManager, familyId: number): Promise<Baseline[]> {
    return (await baselineBands(em, [familyId], this.deps.clock())).get(familyId)!;
  }

  /**
   * Whether the device has been heard from within its family's `deviceOfflineMinutes` (a
   * revoked one is never online). Read live, so it changes before the periodic check runs.
   */
  async online(em: EntityManager, device: Device): Promise<boolean> {
    if (device.revokedAt !== null) return false;
    const { deviceOfflineMinutes } = await this.careSettings(em, device.family.id);
    const seenAt = device.lastSeenAt ?? device.createdAt;
    return this.deps.clock().getTime() - seenAt.getTime() < deviceOfflineMinutes * MINUTE_MS;
  }

  offlinePeriods(em: EntityManager, deviceId: number): Promise<DeviceOfflinePeriod[]> {
    return em.find(
      DeviceOfflinePeriod,
      { device: deviceId },
      { orderBy: { startedAt: 'desc', id: 'desc' }, limit: OFFLINE_PERIODS_LISTED },
    );
  }
}
