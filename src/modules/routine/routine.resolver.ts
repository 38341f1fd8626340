import type { FamilyGrant } from '../../auth/access.js';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import { familyData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { parseId } from '../../graphql/ids.js';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { Baseline } from './routine.baseline.js';
import { CareSettings, DeviceOfflinePeriod, RoutineRule } from './routine.entities.js';
import { SeriesBucket, VitalMetric } from './routine.enums.js';
import { CareSettingsInput, RoutineRuleInput } from './routine.inputs.js';
import { ActivityBucket, VitalsBucket } from './routine.series.js';
import { formatTimeOfDay } from './routine.time.js';

const FAMILY_ID = { description: 'The family.' };
const FROM = { description: 'Start of the range (inclusive).' };
const TO = {
  description: 'End of the range (exclusive): at most 31 days after `from` for HOUR, 366 for DAY.',
};
const BUCKET = { description: "Bucket width, aligned to the family's time zone." };

@Resolver()
export class RoutineResolver {
  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => CareSettings, {
    description: "Changes how a family's routines and device health are judged (MANAGER).",
  })
  updateCareSettings(
    @Arg('familyId', () => ID, FAMILY_ID) _familyId: string,
    @Arg('input', () => CareSettingsInput, { description: 'The changes.' })
    input: CareSettingsInput,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<CareSettings> {
    return ctx.app.services.routine.updateCareSettings(ctx, grant, input);
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => RoutineRule, { description: 'Adds a routine rule to a family (MANAGER).' })
  createRoutineRule(
    @Arg('familyId', () => ID, FAMILY_ID) _familyId: string,
    @Arg('input', () => RoutineRuleInput, { description: 'The rule.' }) input: RoutineRuleInput,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<RoutineRule> {
    return ctx.app.services.routine.createRule(ctx, grant, input);
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => Boolean, { description: "Deletes one of a family's routine rules (MANAGER)." })
  deleteRoutineRule(
    @Arg('familyId', () => ID, FAMILY_ID) _familyId: string,
    @Arg('ruleId', () => ID, { description: 'The rule.' }) ruleId: string,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.routine.deleteRule(ctx, grant, parseId(ruleId, 'RoutineRule'));
  }
}

/** A family's routine rules, care settings and chart series (VIEW, like its readings). */
@Resolver(() => Family)
export class FamilyRoutineResolver {
  @FieldResolver(() => CareSettings, {
    description: 'How routines and device health are judged (defaults until changed).',
  })
  careSettings(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<CareSettings> {
    return ctx.app.services.routine.careSettings(ctx.em, family.id);
  }

  @FieldResolver(() => [RoutineRule], { description: 'Routine rules, oldest first.' })
  routineRules(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<RoutineRule[]> {
    return ctx.app.services.routine.rules(ctx.em, family.id);
  }

  @FieldResolver(() => [Baseline], {
    description:
      "Personal baselines, one per metric: learning progress, or the usual range learned from the days before today (family's zone).",
  })
  baselines(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<Baseline[]> {
    return ctx.app.services.routine.baselines(ctx.em, family.id);
  }

  @FieldResolver(() => [VitalsBucket], {
    description:
      'Min, mean, max and count of a vital sign per bucket, computed in the database (one statement); buckets without readings are left out.',
  })
  vitalsSeries(
    @Root() family: Plain<Family>,
    @Arg('metric', () => VitalMetric, { description: 'The vital sign.' }) metric: VitalMetric,
    @Arg('from', () => Date, FROM) from: Date,
    @Arg('to', () => Date, TO) to: Date,
    @Arg('bucket', () => SeriesBucket, BUCKET) bucket: SeriesBucket,
    @Ctx() ctx: Context,
  ): Promise<VitalsBucket[]> {
    return ctx.app.services.routine.vitalsSeries(ctx.em, family.id, metric, { from, to, bucket });
  }

  @FieldResolver(() => [ActivityBucket], {
    description:
      'Activity reports per bucket and activity, computed in the database (one statement); buckets without reports are left out.',
  })
  activitySeries(
    @Root() family: Plain<Family>,
    @Arg('from', () => Date, FROM) from: Date,
    @Arg('to', () => Date, TO) to: Date,
    @Arg('bucket', () => SeriesBucket, BUCKET) bucket: SeriesBucket,
    @Ctx() ctx: Context,
  ): Promise<ActivityBucket[]> {
    return ctx.app.services.routine.activitySeries(ctx.em, family.id, { from, to, bucket });
  }
}

/** Device health (VIEW, like the device). */
@Resolver(() => Device)
export class DeviceHealthResolver {
  @FieldResolver(() => Boolean, {
    description:
      "Heard from within the family's `deviceOfflineMinutes` (a revoked device is never online).",
  })
  online(@Root() device: Plain<Device>, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.app.services.routine.online(ctx.em, device);
  }

  @FieldResolver(() => [DeviceOfflinePeriod], {
    description: 'Periods it was offline, newest first (up to 50).',
  })
  offlinePeriods(
    @Root() device: Plain<Device>,
    @Ctx() ctx: Context,
  ): Promise<DeviceOfflinePeriod[]> {
    return ctx.app.services.routine.offlinePeriods(ctx.em, device.id);
  }
}

@Resolver(() => RoutineRule)
export class RoutineRuleResolver {
  @FieldResolver(() => String, { description: "Start of the window, HH:MM (family's zone)." })
  startTime(@Root() rule: Plain<RoutineRule>): string {
    return formatTimeOfDay(rule.startMinute);
  }

  @FieldResolver(() => String, {
    description: 'End of the window, HH:MM; at or before the start: the next day.',
  })
  endTime(@Root() rule: Plain<RoutineRule>): string {
    return formatTimeOfDay(rule.endMinute);
  }
}

familyData(CareSettings, { familyOf: (settings) => settings.family.id, read: 'VIEW' });
familyData(RoutineRule, { familyOf: (rule) => rule.family.id, read: 'VIEW' });
familyData(DeviceOfflinePeriod, { familyOf: (period) => period.family.id, read: 'VIEW' });
