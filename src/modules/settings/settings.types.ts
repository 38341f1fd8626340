import { IsInt, IsNumber, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

/** Physical bounds a threshold may be set within (SPEC §5: sane bounds, min < max). */
export const THRESHOLD_BOUNDS = {
  temperature: { min: -20, max: 60 },
  gas: { min: 0, max: 10_000 },
  dust: { min: 0, max: 1_000 },
  heartRate: { min: 20, max: 250 },
  bloodOxygen: { min: 50, max: 100 },
} as const;

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmm = { message: 'must be a time written HH:MM (00:00–23:59)' };

@ObjectType({ description: 'Readings past these values raise a notification.' })
export class CarebotThresholds {
  @Field(() => Float, {
    description: 'Room temperature below this (°C) is an ENVIRONMENT warning.',
  })
  temperatureMin!: number;

  @Field(() => Float, {
    description: 'Room temperature above this (°C) is an ENVIRONMENT warning (far above: FIRE).',
  })
  temperatureMax!: number;

  @Field(() => Float, { description: 'Gas level above this (ppm) is a FIRE alert.' })
  gasMax!: number;

  @Field(() => Float, { description: 'Fine dust above this (µg/m³) is an ENVIRONMENT notice.' })
  dustMax!: number;

  @Field(() => Int, { description: 'Heart rate below this (bpm) is a HEALTH alert.' })
  heartRateMin!: number;

  @Field(() => Int, { description: 'Heart rate above this (bpm) is a HEALTH alert.' })
  heartRateMax!: number;

  @Field(() => Int, { description: 'Blood oxygen saturation below this (%) is a HEALTH alert.' })
  bloodOxygenMin!: number;
}

@InputType({
  description:
    'Threshold changes; omitted values stay as they are. Each min must stay below its max.',
})
export class ThresholdsInput {
  @Field(() => Float, { nullable: true, description: '°C, -20 to 60.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(THRESHOLD_BOUNDS.temperature.min, { message: 'must be at least -20' })
  @Max(THRESHOLD_BOUNDS.temperature.max, { message: 'must be at most 60' })
  temperatureMin?: number | null;

  @Field(() => Float, { nullable: true, description: '°C, -20 to 60.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(THRESHOLD_BOUNDS.temperature.min, { message: 'must be at least -20' })
  @Max(THRESHOLD_BOUNDS.temperature.max, { message: 'must be at most 60' })
  temperatureMax?: number | null;

  @Field(() => Float, { nullable: true, description: 'ppm, 0 to 10000.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(THRESHOLD_BOUNDS.gas.min, { message: 'must be at least 0' })
  @Max(THRESHOLD_BOUNDS.gas.max, { message: 'must be at most 10000' })
  gasMax?: number | null;

  @Field(() => Float, { nullable: true, description: 'µg/m³, 0 to 1000.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(THRESHOLD_BOUNDS.dust.min, { message: 'must be at least 0' })
  @Max(THRESHOLD_BOUNDS.dust.max, { message: 'must be at most 1000' })
  dustMax?: number | null;

  @Field(() => Int, { nullable: true, description: 'bpm, 20 to 250.' })
  @IsOptional()
  @IsInt()
  @Min(THRESHOLD_BOUNDS.heartRate.min, { message: 'must be at least 20' })
  @Max(THRESHOLD_BOUNDS.heartRate.max, { message: 'must be at most 250' })
  heartRateMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'bpm, 20 to 250.' })
  @IsOptional()
  @IsInt()
  @Min(THRESHOLD_BOUNDS.heartRate.min, { message: 'must be at least 20' })
  @Max(THRESHOLD_BOUNDS.heartRate.max, { message: 'must be at most 250' })
  heartRateMax?: number | null;

  @Field(() => Int, { nullable: true, description: '%, 50 to 100.' })
  @IsOptional()
  @IsInt()
  @Min(THRESHOLD_BOUNDS.bloodOxygen.min, { message: 'must be at least 50' })
  @Max(THRESHOLD_BOUNDS.bloodOxygen.max, { message: 'must be at most 100' })
  bloodOxygenMin?: number | null;
}

@InputType({ description: 'Settings changes; omitted values stay as they are.' })
export class UpdateSettingsInput {
  @Field(() => Boolean, { nullable: true, description: 'Whether the Carebot sounds alarms.' })
  isAlarmEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the camera may be used.' })
  isCameraEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the microphone may be used.' })
  isMicrophoneEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the Carebot may move around.' })
  isDrivingEnabled?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Whether managers and caregivers may read the elder's conversations with the AI companion. Only the main user may change it (else FORBIDDEN).",
  })
  shareConversations?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Whether managers and caregivers may read the main user's emotion journal (read-only). Only the main user may change it (else FORBIDDEN).",
  })
  shareJournal?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Speaker volume, 0–100.' })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'must be at least 0' })
  @Max(100, { message: 'must be at most 100' })
  volume?: number | null;

  @Field(() => String, { nullable: true, description: 'Wake-up time, HH:MM.' })
  @IsOptional()
  @Matches(HH_MM, hhmm)
  wakeUpTime?: string | null;

  @Field(() => String, { nullable: true, description: 'Bedtime, HH:MM.' })
  @IsOptional()
  @Matches(HH_MM, hhmm)
  bedTime?: string | null;

  @Field(() => String, { nullable: true, description: 'Start of quiet hours, HH:MM.' })
  @IsOptional()
  @Matches(HH_MM, hhmm)
  quietHoursStart?: string | null;

  @Field(() => String, { nullable: true, description: 'End of quiet hours, HH:MM.' })
  @IsOptional()
  @Matches(HH_MM, hhmm)
  quietHoursEnd?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Hours without activity before an INACTIVITY warning, 1–72.',
  })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'must be at least 1' })
  @Max(72, { message: 'must be at most 72' })
  inactivityAlertHours?: number | null;

  @Field(() => ThresholdsInput, { nullable: true, description: 'Alert thresholds.' })
  @IsOptional()
  @ValidateNested()
  thresholds?: ThresholdsInput | null;
}
