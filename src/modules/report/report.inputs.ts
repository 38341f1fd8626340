import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Field, Float, InputType, Int } from 'type-graphql';
import { CharLength } from '../../graphql/validators.js';
import { ActivityAction, Emotion, MentalSource, RiskLevel } from './report.enums.js';
import { IsFileId } from '../file/file.id.js';

/**
 * SPEC §2: a device's `measuredAt` is accepted within [now − 7 days, now + 5 minutes]. Checked
 * by the report service against the server's clock (which a test may move), not here.
 */
export const MEASURED_AT_WINDOW = { pastMs: 7 * 24 * 3600_000, futureMs: 5 * 60_000 } as const;

const MEASURED_AT =
  'within the last 7 days and at most 5 minutes ahead; omitted or null (a device without a clock) means the time the server received it';

const number = { allowNaN: false, allowInfinity: false } as const;
const between = (min: number, max: number) => [
  Min(min, { message: `must be at least ${min}` }),
  Max(max, { message: `must be at most ${max}` }),
];

function Range(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    for (const decorator of between(min, max)) decorator(target, key);
  };
}

const REPORT_ID =
  'A client-chosen UUID: a retry with the same id returns the first record and stores nothing.';

@InputType({ description: 'A home environment reading.' })
export class HomeStatusInput {
  @Field(() => Float, { description: 'Room temperature, °C (-40 to 80).' })
  @IsNumber(number)
  @Range(-40, 80)
  temperature!: number;

  @Field(() => Float, { description: 'Relative humidity, % (0 to 100).' })
  @IsNumber(number)
  @Range(0, 100)
  humidity!: number;

  @Field(() => Float, { description: 'Fine dust density, µg/m³ (0 to 2000).' })
  @IsNumber(number)
  @Range(0, 2000)
  dustDensity!: number;

  @Field(() => Float, { description: 'Gas level, ppm (0 to 100000).' })
  @IsNumber(number)
  @Range(0, 100_000)
  gasLevel!: number;

  @Field(() => Date, { nullable: true, description: `When it was measured: ${MEASURED_AT}.` })
  measuredAt?: Date | null;

  @Field(() => String, { nullable: true, description: REPORT_ID })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  reportId?: string | null;
}

@InputType({ description: 'A vital-signs reading; at least one value.' })
export class HealthStatusInput {
  @Field(() => Int, { nullable: true, description: 'Heart rate, bpm (20 to 250).' })
  @IsOptional()
  @IsInt()
  @Range(20, 250)
  heartRate?: number | null;

  @Field(() => Int, { nullable: true, description: 'Blood oxygen saturation, % (50 to 100).' })
  @IsOptional()
  @IsInt()
  @Range(50, 100)
  bloodOxygen?: number | null;

  @Field(() => Float, { nullable: true, description: 'Body temperature, °C (30 to 45).' })
  @IsOptional()
  @IsNumber(number)
  @Range(30, 45)
  bodyTemperature?: number | null;

  @Field(() => Int, { nullable: true, description: 'Systolic blood pressure, mmHg (50 to 260).' })
  @IsOptional()
  @IsInt()
  @Range(50, 260)
  systolic?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Diastolic blood pressure, mmHg (30 to 160), below systolic.',
  })
  @IsOptional()
  @IsInt()
  @Range(30, 160)
  diastolic?: number | null;

  @Field(() => Date, { nullable: true, description: `When it was measured: ${MEASURED_AT}.` })
  measuredAt?: Date | null;

  @Field(() => String, { nullable: true, description: REPORT_ID })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  reportId?: string | null;
}

@InputType({ description: 'An activity the Carebot saw.' })
export class ActivityInput {
  @Field(() => ActivityAction, { description: 'The activity (FALL raises a CRIT alert).' })
  @IsIn(Object.values(ActivityAction))
  action!: ActivityAction;

  @Field(() => Float, { nullable: true, description: 'Confidence, 0 to 1.' })
  @IsOptional()
  @IsNumber(number)
  @Range(0, 1)
  score?: number | null;

  @Field(() => String, { nullable: true, description: 'A snapshot (file id).' })
  @IsOptional()
  @IsFileId()
  imageId?: string | null;

  @Field(() => Date, { nullable: true, description: `When it happened: ${MEASURED_AT}.` })
  measuredAt?: Date | null;

  @Field(() => String, { nullable: true, description: REPORT_ID })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  reportId?: string | null;
}

@InputType({ description: 'Scores of each emotion, 0 to 1.' })
export class EmotionScoresInput {
  @Field(() => Float, { description: 'Joy.' })
  @IsNumber(number)
  @Range(0, 1)
  joy!: number;

  @Field(() => Float, { description: 'Sadness.' })
  @IsNumber(number)
  @Range(0, 1)
  sadness!: number;

  @Field(() => Float, { description: 'Anger.' })
  @IsNumber(number)
  @Range(0, 1)
  anger!: number;

  @Field(() => Float, { description: 'Anxiety.' })
  @IsNumber(number)
  @Range(0, 1)
  anxiety!: number;

  @Field(() => Float, { description: 'Neutral.' })
  @IsNumber(number)
  @Range(0, 1)
  neutral!: number;
}

@InputType({ description: 'A mental-state reading.' })
export class MentalStatusInput {
  @Field(() => Emotion, { description: 'The dominant emotion.' })
  @IsIn(Object.values(Emotion))
  emotion!: Emotion;

  @Field(() => EmotionScoresInput, { description: 'Scores of each emotion.' })
  @ValidateNested()
  scores!: EmotionScoresInput;

  @Field(() => MentalSource, { description: 'Where it came from.' })
  @IsIn(Object.values(MentalSource))
  source!: MentalSource;

  @Field(() => Date, { nullable: true, description: `When it was measured: ${MEASURED_AT}.` })
  measuredAt?: Date | null;

  @Field(() => String, { nullable: true, description: REPORT_ID })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  reportId?: string | null;
}

@InputType({ description: "A summary of the elder's mental state over a period." })
export class MentalReportInput {
  @Field(() => Date, { description: 'Start of the period.' })
  periodStart!: Date;

  @Field(() => Date, { description: 'End of the period (after the start, not in the future).' })
  periodEnd!: Date;

  @Field({ description: 'Summary, 1 to 5,000 characters.' })
  @CharLength(1, 5000)
  summary!: string;

  @Field(() => RiskLevel, { description: 'Assessed risk.' })
  @IsIn(Object.values(RiskLevel))
  riskLevel!: RiskLevel;

  @Field(() => [String], { description: 'Recommendations, at most 20 of 1 to 500 characters.' })
  @ArrayMaxSize(20, { message: 'must have at most 20 items' })
  @CharLength(1, 500, { each: true })
  recommendations!: string[];

  @Field(() => String, { nullable: true, description: REPORT_ID })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  reportId?: string | null;
}

/** SPEC §5: an offline buffer holds at most this many readings. */
export const BATCH_MAX = 1000;

@InputType({
  description:
    'Readings buffered offline, stored all together or not at all (at most 1,000 in all).',
})
export class ReportBatchInput {
  @Field(() => [HomeStatusInput], { nullable: true, description: 'Home environment readings.' })
  @IsOptional()
  @ValidateNested({ each: true })
  home?: HomeStatusInput[] | null;

  @Field(() => [HealthStatusInput], { nullable: true, description: 'Vital-signs readings.' })
  @IsOptional()
  @ValidateNested({ each: true })
  health?: HealthStatusInput[] | null;

  @Field(() => [ActivityInput], { nullable: true, description: 'Activities.' })
  @IsOptional()
  @ValidateNested({ each: true })
  activities?: ActivityInput[] | null;

  @Field(() => [MentalStatusInput], { nullable: true, description: 'Mental-state readings.' })
  @IsOptional()
  @ValidateNested({ each: true })
  mental?: MentalStatusInput[] | null;
}
