import { CheckInAdherenceCounts, CheckInTally } from '../check-in/check-in.adherence.js';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { openData } from '../../auth/type-access.js';
import { AlertOutcome, AlertState } from '../notification/alert.enums.js';
import { NotificationGrade, NotificationKind } from '../notification/notification.enums.js';
import { ActivityAction, Emotion } from '../report/report.enums.js';
import { VitalMetric } from '../routine/routine.enums.js';

// The sections of a digest as GraphQL shows them. Each is a value inside a Digest (guarded by the
// Digest's own family policy), so the types themselves are open.

@ObjectType({ description: 'How many alerts of one grade.' })
export class DigestGradeCount {
  @Field(() => NotificationGrade, { description: 'The grade.' })
  grade!: NotificationGrade;

  @Field(() => Int, { description: 'How many alerts.' })
  count!: number;
}

@ObjectType({ description: 'How many alerts of one kind.' })
export class DigestKindCount {
  @Field(() => NotificationKind, { description: 'The kind.' })
  kind!: NotificationKind;

  @Field(() => Int, { description: 'How many alerts.' })
  count!: number;
}

@ObjectType({ description: 'A CRIT alert of the day and how it stood when the digest was made.' })
export class DigestCriticalAlert {
  @Field(() => ID, { description: 'The alert (a Notification).' })
  notificationId!: string;

  @Field(() => NotificationKind, { description: 'What it was about.' })
  kind!: NotificationKind;

  @Field({ description: 'Its message.' })
  message!: string;

  @Field(() => Date, { description: 'When it was raised.' })
  raisedAt!: Date;

  @Field(() => AlertState, { nullable: true, description: 'Its state when the digest was made.' })
  state!: AlertState | null;

  @Field(() => AlertOutcome, { nullable: true, description: 'How it ended, if it was resolved.' })
  outcome!: AlertOutcome | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When a member acknowledged it, if anyone did.',
  })
  acknowledgedAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Minutes from its delivery to the acknowledgement (null: not acknowledged).',
  })
  minutesToAcknowledge!: number | null;
}

@ObjectType({ description: "The day's alerts (WARN and CRIT) and their outcomes." })
export class DigestAlerts {
  @Field(() => Int, { description: 'How many alerts were raised.' })
  total!: number;

  @Field(() => [DigestGradeCount], { description: 'By grade, most urgent first.' })
  byGrade!: DigestGradeCount[];

  @Field(() => [DigestKindCount], { description: 'By kind, most first.' })
  byKind!: DigestKindCount[];

  @Field(() => Int, { description: 'How many were resolved by the time the digest was made.' })
  resolved!: number;

  @Field(() => [DigestCriticalAlert], { description: 'Each CRIT alert, oldest first (up to 50).' })
  critical!: DigestCriticalAlert[];
}

@ObjectType({ description: 'The range of one vital sign over the day.' })
export class DigestVitalRange {
  @Field(() => VitalMetric, { description: 'The vital sign.' })
  metric!: VitalMetric;

  @Field(() => Float, { description: 'Lowest reading.' })
  min!: number;

  @Field(() => Float, { description: 'Mean of the readings.' })
  avg!: number;

  @Field(() => Float, { description: 'Highest reading.' })
  max!: number;

  @Field(() => Int, { description: 'How many readings.' })
  count!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "Low end of the elder's usual range (personal baseline learned before the day); null while it learns, for metrics without a baseline, and in digests made before baselines existed.",
  })
  usualLow?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "High end of the elder's usual range; null when `usualLow` is.",
  })
  usualHigh?: number | null;
}

@ObjectType({ description: "The day's vital signs: one range per metric that had readings." })
export class DigestVitals {
  @Field(() => Int, { description: 'How many vital-sign readings the day had.' })
  readings!: number;

  @Field(() => [DigestVitalRange], { description: 'Metrics with readings, in a fixed order.' })
  metrics!: DigestVitalRange[];
}

@ObjectType({ description: 'One activity over the day against the 7 days before.' })
export class DigestActivityKind {
  @Field(() => ActivityAction, { description: 'The activity.' })
  action!: ActivityAction;

  @Field(() => Int, { description: 'Reports of it during the day.' })
  count!: number;

  @Field(() => Float, {
    description:
      'Minutes it lasted (a report holds until the next one, at most to the end of the day).',
  })
  minutes!: number;

  @Field(() => Float, { description: 'Mean reports a day over the 7 days before.' })
  previousCount!: number;

  @Field(() => Float, { description: 'Mean minutes a day over the 7 days before.' })
  previousMinutes!: number;
}

@ObjectType({ description: "The day's activity against the 7 days before." })
export class DigestActivity {
  @Field(() => Int, { description: 'Activity reports during the day.' })
  total!: number;

  @Field(() => [DigestActivityKind], {
    description: 'Each activity seen during the day or the 7 days before, most minutes first.',
  })
  kinds!: DigestActivityKind[];
}

@ObjectType({ description: 'How many mood readings had one dominant emotion.' })
export class DigestEmotionCount {
  @Field(() => Emotion, { description: 'The emotion.' })
  emotion!: Emotion;

  @Field(() => Int, { description: 'Readings with it as the dominant emotion.' })
  count!: number;
}

@ObjectType({ description: "The day's mood readings (mental status)." })
export class DigestMood {
  @Field(() => Int, { description: 'How many readings.' })
  readings!: number;

  @Field(() => [DigestEmotionCount], { description: 'Dominant emotions, most frequent first.' })
  emotions!: DigestEmotionCount[];
}

@ObjectType({ description: "The day's check-ins: how the Carebot's questions were answered." })
export class DigestCheckIns extends CheckInTally {
  @Field(() => [CheckInAdherenceCounts], { description: 'Per check-in that fell due, by id.' })
  checkIns!: CheckInAdherenceCounts[];
}

for (const type of [
  DigestCheckIns,
  DigestGradeCount,
  DigestKindCount,
  DigestCriticalAlert,
  DigestAlerts,
  DigestVitalRange,
  DigestVitals,
  DigestActivityKind,
  DigestActivity,
  DigestEmotionCount,
  DigestMood,
])
  openData(type, "part of a Digest, reached only through it (the Digest's family rule)");
