import {
  ArrayMaxSize,
  IsInt,
  IsOptional,
  IsNumber,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Field, Float, InputType, Int } from 'type-graphql';
import { CheckInKind, CheckInSchedule, MeasurementKind, Weekday } from './check-in.enums.js';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmm = { message: 'must be a time written HH:MM (00:00–23:59)' };

/** Grace period bounds, minutes. */
export const GRACE_MIN = 5;
export const GRACE_MAX = 240;
export const GRACE_DEFAULT = 30;

/**
 * The fields a new check-in and a change to one share, alike in both (optional, same checks);
 * each input adds the fields whose required-ness or wording differ.
 */
@InputType()
abstract class CheckInSharedFields {
  @Field(() => Float, {
    nullable: true,
    description: 'MEASUREMENT only: a value below this raises an alert (within the sane range).',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  alertBelow?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'MEASUREMENT only: a value above this raises an alert (within the sane range).',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  alertAbove?: number | null;

  @Field(() => [Weekday], {
    nullable: true,
    description: 'WEEKDAYS (required there, 1–7 days); not with DAILY.',
  })
  @IsOptional()
  @ArrayMaxSize(7)
  weekdays?: Weekday[] | null;

  @Field(() => Int, {
    nullable: true,
    description: `Minutes the elder has to answer, ${GRACE_MIN}–${GRACE_MAX} (default ${GRACE_DEFAULT}).`,
  })
  @IsOptional()
  @IsInt()
  @Min(GRACE_MIN)
  @Max(GRACE_MAX)
  graceMinutes?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether it falls due (default true).' })
  @IsOptional()
  active?: boolean | null;
}

@InputType({ description: 'Changes to a check-in (fields left out stay as they are).' })
export class CheckInUpdateInput extends CheckInSharedFields {
  @Field(() => String, { nullable: true, description: 'What the Carebot asks, 1–200 characters.' })
  @IsOptional()
  @Length(1, 200)
  prompt?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'QUESTION only: a medication question (NO raises an alert).',
  })
  @IsOptional()
  medication?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: "Time of day it falls due, HH:MM in the family's zone.",
  })
  @IsOptional()
  @Matches(HH_MM, hhmm)
  time?: string | null;

  @Field(() => CheckInSchedule, { nullable: true, description: 'Every day, or some weekdays.' })
  @IsOptional()
  schedule?: CheckInSchedule | null;
}

@InputType({ description: 'A new check-in.' })
export class CheckInInput extends CheckInSharedFields {
  @Field(() => CheckInKind, { description: 'A yes/no question or a measurement.' })
  kind!: CheckInKind;

  @Field({ description: 'What the Carebot asks, 1–200 characters.' })
  @Length(1, 200)
  prompt!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'QUESTION only: a medication question (NO raises an alert); default false.',
  })
  @IsOptional()
  medication?: boolean | null;

  @Field(() => MeasurementKind, {
    nullable: true,
    description: 'MEASUREMENT (required there): what is measured; not for a QUESTION.',
  })
  @IsOptional()
  measurement?: MeasurementKind | null;

  @Field({ description: "Time of day it falls due, HH:MM in the family's time zone." })
  @Matches(HH_MM, hhmm)
  time!: string;

  @Field(() => CheckInSchedule, {
    nullable: true,
    description: 'Every day (default), or some weekdays.',
  })
  @IsOptional()
  schedule?: CheckInSchedule | null;
}

@InputType({ description: "The Carebot's answer to a due check-in." })
export class CheckInAnswerInput {
  @Field(() => Boolean, { nullable: true, description: 'QUESTION (required there): yes or no.' })
  @IsOptional()
  yes?: boolean | null;

  @Field(() => Float, {
    nullable: true,
    description: "MEASUREMENT (required there): the value in the measurement's unit.",
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value?: number | null;
}
