import { DeviceOnly } from '../../auth/operation-access.js';
import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../context.js';
import {
  connectionTypes,
  type Connection,
  paginate,
  TimeRangeArgs,
} from '../../graphql/connection.js';
import { Family } from '../family/family.entity.js';
import {
  Activity,
  EmotionScores,
  HealthStatus,
  HomeStatus,
  MentalReport,
  MentalStatus,
} from './report.entities.js';
import { StatusKind } from './report.enums.js';
import {
  ActivityInput,
  HealthStatusInput,
  HomeStatusInput,
  MentalReportInput,
  MentalStatusInput,
  ReportBatchInput,
} from './report.inputs.js';
import { familyData, openData } from '../../auth/type-access.js';
import type { Plain } from '../../database/plain.js';

@ObjectType({ description: 'What a `reportBatch` stored.' })
export class BatchReportResult {
  @Field(() => Int, { description: 'Readings stored now.' })
  stored!: number;

  @Field(() => Int, {
    description: 'Readings skipped because an earlier attempt stored them (same reportId).',
  })
  duplicates!: number;

  @Field(() => Int, { description: 'Notifications the readings raised.' })
  notificationsRaised!: number;
}

export const HomeStatusConnection = connectionTypes(
  'HomeStatus',
  HomeStatus,
  'home environment reading',
).ConnectionType;
export const HealthStatusConnection = connectionTypes(
  'HealthStatus',
  HealthStatus,
  'vital-signs reading',
).ConnectionType;
export const ActivityConnection = connectionTypes('Activity', Activity, 'activity').ConnectionType;
export const MentalStatusConnection = connectionTypes(
  'MentalStatus',
  MentalStatus,
  'mental-state reading',
).ConnectionType;
export const MentalReportConnection = connectionTypes(
  'MentalReport',
  MentalReport,
  'mental report',
).ConnectionType;

const INPUT = { description: 'The reading.' };

@Resolver()
export class ReportResolver {
  @DeviceOnly()
  @Mutation(() => HomeStatus, {
    description: 'Device: reports the home environment (alerts on thresholds).',
  })
  reportHomeStatus(
    @Arg('input', () => HomeStatusInput, INPUT) input: HomeStatusInput,
    @Ctx() ctx: Context,
  ): Promise<HomeStatus> {
    return ctx.app.services.report.reportHome(ctx, input);
  }

  @DeviceOnly()
  @Mutation(() => HealthStatus, {
    description: 'Device: reports vital signs (alerts on thresholds).',
  })
  reportHealthStatus(
    @Arg('input', () => HealthStatusInput, INPUT) input: HealthStatusInput,
    @Ctx() ctx: Context,
  ): Promise<HealthStatus> {
    return ctx.app.services.report.reportHealth(ctx, input);
  }

  @DeviceOnly()
  @Mutation(() => Activity, {
    description: 'Device: reports an activity (a FALL raises a CRIT alert).',
  })
  reportActivity(
    @Arg('input', () => ActivityInput, INPUT) input: ActivityInput,
    @Ctx() ctx: Context,
  ): Promise<Activity> {
    return ctx.app.services.report.reportActivity(ctx, input);
  }

  @DeviceOnly()
  @Mutation(() => MentalStatus, { description: 'Device: reports a mental-state reading.' })
  reportMentalStatus(
    @Arg('input', () => MentalStatusInput, INPUT) input: MentalStatusInput,
    @Ctx() ctx: Context,
  ): Promise<MentalStatus> {
    return ctx.app.services.report.reportMental(ctx, input);
  }

  @DeviceOnly()
  @Mutation(() => MentalReport, { description: 'Device: submits a mental report for a period.' })
  submitMentalReport(
    @Arg('input', () => MentalReportInput, { description: 'The report.' }) input: MentalReportInput,
    @Ctx() ctx: Context,
  ): Promise<MentalReport> {
    return ctx.app.services.report.submitMentalReport(ctx, input);
  }

  @DeviceOnly()
  @Mutation(() => BatchReportResult, {
    description: 'Device: stores up to 1,000 buffered readings, all or nothing.',
  })
  reportBatch(
    @Arg('input', () => ReportBatchInput, { description: 'The readings.' }) input: ReportBatchInput,
    @Ctx() ctx: Context,
  ): Promise<BatchReportResult> {
    return ctx.app.services.report.reportBatch(ctx, input);
  }

  @DeviceOnly()
  @Mutation(() => Boolean, {
    description:
      'Device: deletes its newest reading of a kind (a correction); false when there is none.',
  })
  deleteLatestStatus(
    @Arg('kind', () => StatusKind, { description: 'Which kind.' }) kind: StatusKind,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.report.deleteLatest(ctx, kind);
  }
}

@Resolver(() => MentalStatus)
export class MentalStatusResolver {
  @FieldResolver(() => EmotionScores, { description: 'Scores of each emotion.' })
  scores(@Root() status: Plain<MentalStatus>): EmotionScores {
    return {
      joy: status.joy,
      sadness: status.sadness,
      anger: status.anger,
      anxiety: status.anxiety,
      neutral: status.neutral,
    };
  }
}

/** The readings of a family: latest values and time-range connections (VIEW). */
@Resolver(() => Family)
export class FamilyStatusResolver {
  private async latest<T extends { id: number }>(
    ctx: Context,
    family: Family,
    entity: new () => T,
    timeField?: string,
  ): Promise<T | null> {
    return (await ctx.loaders.latest(entity, timeField).load(family.id)) as T | null;
  }

  private async list<T extends { id: number }>(
    ctx: Context,
    family: Family,
    entity: new () => T,
    args: TimeRangeArgs,
    timeField: string,
  ): Promise<Connection<T>> {
    return paginate({
      em: ctx.em,
      entity,
      where: { family: family.id } as never,
      timeField: timeField as keyof T & string,
      args,
    });
  }

  @FieldResolver(() => HomeStatus, {
    nullable: true,
    description: 'Newest home environment reading (by measuredAt).',
  })
  latestHomeStatus(@Root() family: Plain<Family>, @Ctx() ctx: Context) {
    return this.latest(ctx, family, HomeStatus);
  }

  @FieldResolver(() => HealthStatus, {
    nullable: true,
    description: 'Newest vital-signs reading (by measuredAt).',
  })
  latestHealthStatus(@Root() family: Plain<Family>, @Ctx() ctx: Context) {
    return this.latest(ctx, family, HealthStatus);
  }

  @FieldResolver(() => Activity, {
    nullable: true,
    description: 'Newest activity (by measuredAt).',
  })
  latestActivity(@Root() family: Plain<Family>, @Ctx() ctx: Context) {
    return this.latest(ctx, family, Activity);
  }

  @FieldResolver(() => MentalStatus, {
    nullable: true,
    description: 'Newest mental-state reading (by measuredAt).',
  })
  latestMentalStatus(@Root() family: Plain<Family>, @Ctx() ctx: Context) {
    return this.latest(ctx, family, MentalStatus);
  }

  @FieldResolver(() => MentalReport, { nullable: true, description: 'Newest mental report.' })
  latestMentalReport(@Root() family: Plain<Family>, @Ctx() ctx: Context) {
    return this.latest(ctx, family, MentalReport, 'createdAt');
  }

  @FieldResolver(() => HomeStatusConnection, {
    description: 'Home environment readings, by measuredAt.',
  })
  homeStatuses(@Root() family: Plain<Family>, @Args() args: TimeRangeArgs, @Ctx() ctx: Context) {
    return this.list(ctx, family, HomeStatus, args, 'measuredAt');
  }

  @FieldResolver(() => HealthStatusConnection, {
    description: 'Vital-signs readings, by measuredAt.',
  })
  healthStatuses(@Root() family: Plain<Family>, @Args() args: TimeRangeArgs, @Ctx() ctx: Context) {
    return this.list(ctx, family, HealthStatus, args, 'measuredAt');
  }

  @FieldResolver(() => ActivityConnection, { description: 'Activities, by measuredAt.' })
  activities(@Root() family: Plain<Family>, @Args() args: TimeRangeArgs, @Ctx() ctx: Context) {
    return this.list(ctx, family, Activity, args, 'measuredAt');
  }

  @FieldResolver(() => MentalStatusConnection, {
    description: 'Mental-state readings, by measuredAt.',
  })
  mentalStatuses(@Root() family: Plain<Family>, @Args() args: TimeRangeArgs, @Ctx() ctx: Context) {
    return this.list(ctx, family, MentalStatus, args, 'measuredAt');
  }

  @FieldResolver(() => MentalReportConnection, {
    description: 'Mental reports, by submission time.',
  })
  mentalReports(@Root() family: Plain<Family>, @Args() args: TimeRangeArgs, @Ctx() ctx: Context) {
    return this.list(ctx, family, MentalReport, args, 'createdAt');
  }
}

for (const type of [HomeStatus, HealthStatus, Activity, MentalStatus, MentalReport] as const) {
  familyData(type as typeof HomeStatus, { familyOf: (reading) => reading.family.id, read: 'READ' });
}
openData(EmotionScores, 'part of MentalStatus, reached only through it');
openData(BatchReportResult, 'counts returned to the reporting device');
