import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { NotificationGrade } from '../notification/notification.enums.js';
import { ActivityAction } from '../report/report.enums.js';
import { BASELINE_LEARNING_DAYS_MAX, BASELINE_LEARNING_DAYS_MIN } from './routine.baseline.js';
import { DEVICE_OFFLINE_MINUTES_MIN } from './routine.device-health.js';
import { RoutineRuleKind } from './routine.enums.js';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmm = { message: 'must be a time written HH:MM (00:00–23:59)' };

@InputType({ description: 'A new routine rule.' })
export class RoutineRuleInput {
  @Field(() => RoutineRuleKind, { description: 'What the rule watches for.' })
  kind!: RoutineRuleKind;

  @Field(() => [ActivityAction], { description: 'The activities it is about, 1–10.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  actions!: ActivityAction[];

  @Field({ description: "Start of the daily window, HH:MM in the family's time zone." })
  @Matches(HH_MM, hhmm)
  startTime!: string;

  @Field({
    description:
      'End of the daily window, HH:MM; at or before the start it ends the next day (22:00–06:00).',
  })
  @Matches(HH_MM, hhmm)
  endTime!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'LONG_ACTIVITY (required there): minutes that are too long, 1–1440.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  minDurationMinutes?: number | null;

  @Field(() => NotificationGrade, { description: 'Grade of the alert (INFO, WARN or CRIT).' })
  grade!: NotificationGrade;

  @Field({ description: 'Message of the alert, 1–200 characters.' })
  @Length(1, 200)
  message!: string;
}

@InputType({ description: 'Changes to how routines and device health are judged.' })
export class CareSettingsInput {
  @Field(() => String, {
    nullable: true,
    description: 'IANA time zone of the elder, e.g. Asia/Seoul.',
  })
  @IsOptional()
  @Length(1, 64)
  timeZone?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Minutes without a sign of life before the Carebot counts as offline, ${DEVICE_OFFLINE_MINUTES_MIN}–1440.`,
  })
  @IsOptional()
  @IsInt()
  @Min(DEVICE_OFFLINE_MINUTES_MIN)
  @Max(1440)
  deviceOfflineMinutes?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: `Days of data a personal baseline learns from, ${BASELINE_LEARNING_DAYS_MIN}–${BASELINE_LEARNING_DAYS_MAX}.`,
  })
  @IsOptional()
  @IsInt()
  @Min(BASELINE_LEARNING_DAYS_MIN)
  @Max(BASELINE_LEARNING_DAYS_MAX)
  baselineLearningDays?: number | null;
}
