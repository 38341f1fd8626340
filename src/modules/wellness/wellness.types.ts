import { Field, Float, Int, ObjectType } from 'type-graphql';
import { openData } from '../../auth/type-access.js';
import { connectionTypes } from '../../graphql/connection.js';
import { DateScalar } from '../../graphql/scalars.js';
import { Emotion } from '../report/report.enums.js';
import { EmotionEntry } from './wellness.entities.js';
import { MoodSource, StatsBucket } from './wellness.enums.js';

export const { ConnectionType: EmotionEntryConnection, EdgeType: EmotionEntryEdge } =
  connectionTypes('EmotionEntry', EmotionEntry, 'emotion-journal record');

@ObjectType({ description: 'How often one emotion was recorded by one source in the period.' })
export class EmotionCount {
  @Field(() => MoodSource, { description: 'JOURNAL (written) or CAREBOT (heard by the Carebot).' })
  source!: MoodSource;

  @Field(() => Emotion, { description: 'The emotion.' })
  emotion!: Emotion;

  @Field(() => Int, { description: 'How many entries or analyses.' })
  count!: number;
}

@ObjectType({ description: 'One bucket of the period, for one source.' })
export class EmotionBucketStats {
  @Field(() => DateScalar, { description: 'First date of the bucket (a Monday for WEEK).' })
  start!: string;

  @Field(() => MoodSource, { description: 'JOURNAL or CAREBOT.' })
  source!: MoodSource;

  @Field(() => Int, { description: 'Entries (or Carebot analyses) in the bucket.' })
  count!: number;

  @Field(() => Float, {
    description: "Mean intensity, 1–10. For CAREBOT, the dominant emotion's score (0–1) times 10.",
  })
  meanIntensity!: number;
}

@ObjectType({
  description:
    'Emotion statistics of a journal over a period, with the Carebot mood analyses of the family beside it (main user only).',
})
export class EmotionStats {
  @Field(() => DateScalar, { description: 'First date of the period.' })
  from!: string;

  @Field(() => DateScalar, { description: 'Last date of the period.' })
  to!: string;

  @Field(() => StatsBucket, { description: 'How the days are grouped.' })
  bucket!: StatsBucket;

  @Field(() => [EmotionCount], { description: 'Counts per source and emotion.' })
  counts!: EmotionCount[];

  @Field(() => [EmotionBucketStats], {
    description: 'Per bucket and source, oldest first; buckets without records are left out.',
  })
  buckets!: EmotionBucketStats[];

  @Field(() => Int, { description: 'Longest run of consecutive days with a journal entry.' })
  longestStreak!: number;

  @Field(() => Int, {
    description:
      'The run of consecutive days with a journal entry that reaches the last day of the period (or the day before it, when that day has none yet); 0 otherwise.',
  })
  currentStreak!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Least-squares slope of the mean intensity of negative journal entries (SADNESS, ANGER, ANXIETY) per bucket, in intensity points per bucket: above 0 worsening. Null with fewer than two such buckets.',
  })
  negativeTrend!: number | null;
}

for (const type of [EmotionCount, EmotionBucketStats, EmotionStats])
  openData(
    type,
    'statistics computed only after the service allowed the journal (its owner, or READ_SHARED_JOURNAL while the family shares it)',
  );
