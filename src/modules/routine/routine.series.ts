import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { EntityManager } from '../../database/orm.js';
import { BadUserInputError } from '../../graphql/errors.js';
import { openData } from '../../auth/type-access.js';
import { ActivityAction } from '../report/report.enums.js';
import { METRIC_COLUMN, SeriesBucket, type VitalMetric } from './routine.enums.js';
import { dbDate, epochSeconds, isMySql, query } from '../../database/sql.js';
import { zoneOffsetMs } from './routine.time.js';

@ObjectType({ description: 'The readings of one metric in one chart bucket.' })
export class VitalsBucket {
  @Field(() => Date, { description: 'Start of the bucket.' })
  start!: Date;

  @Field(() => Date, { description: 'End of the bucket (exclusive).' })
  end!: Date;

  @Field(() => Float, { description: 'Lowest reading.' })
  min!: number;

  @Field(() => Float, { description: 'Mean of the readings.' })
  avg!: number;

  @Field(() => Float, { description: 'Highest reading.' })
  max!: number;

  @Field(() => Int, { description: 'How many readings.' })
  count!: number;
}

@ObjectType({ description: 'How often one activity was reported in a bucket.' })
export class ActivityActionCount {
  @Field(() => ActivityAction, { description: 'The activity.' })
  action!: ActivityAction;

  @Field(() => Int, { description: 'How many reports of it.' })
  count!: number;
}

@ObjectType({ description: 'The activity reports of one chart bucket.' })
export class ActivityBucket {
  @Field(() => Date, { description: 'Start of the bucket.' })
  start!: Date;

  @Field(() => Date, { description: 'End of the bucket (exclusive).' })
  end!: Date;

  @Field(() => Int, { description: 'How many activity reports.' })
  count!: number;

  @Field(() => [ActivityActionCount], { description: 'The reports by activity, most first.' })
  byAction!: ActivityActionCount[];
}

openData(VitalsBucket, 'part of Family.vitalsSeries, reached only through it');
openData(ActivityActionCount, 'part of ActivityBucket, reached only through it');
openData(ActivityBucket, 'part of Family.activitySeries, reached only through it');

const BUCKET_SECONDS: Readonly<Record<SeriesBucket, number>> = { HOUR: 3600, DAY: 86_400 };

/** The widest range a series may span, per bucket: about a month of hours, a year of days. */
export const SERIES_MAX_RANGE_DAYS: Readonly<Record<SeriesBucket, number>> = { HOUR: 31, DAY: 366 };

interface Range {
  from: Date;
  to: Date;
  bucket: SeriesBucket;
  timeZone: string;
}

function checkRange({ from, to, bucket }: Range): void {
  if (Number.isNaN(from.getTime())) throw BadUserInputError.field('from', 'is not a time');
  if (Number.isNaN(to.getTime())) throw BadUserInputError.field('to', 'is not a time');
  if (to.getTime() <= from.getTime()) throw BadUserInputError.field('to', 'must be after from');
  const maxDays = SERIES_MAX_RANGE_DAYS[bucket];
  if (to.getTime() - from.getTime() > maxDays * 86_400_000)
    throw BadUserInputError.field('to', `must be at most ${maxDays} days after from for ${bucket}`);
}

/**
 * The SQL of a bucket number and the way back to its start. Buckets are aligned to the family's
 * wall clock with the zone's offset at `from` (exact for Asia/Seoul, which has no daylight saving;
 * elsewhere a range across a change keeps the first offset).
 */
function bucketing(em: EntityManager, range: Range) {
  const offset = zoneOffsetMs(range.timeZone, range.from) / 1000;
  const width = BUCKET_SECONDS[range.bucket];
  return {
    // SQLite divides integers as integers (epoch times are positive: that is floor)
    sql: isMySql(em)
      ? `floor((${epochSeconds(em, 'measured_at')} + ?) / ?)`
      : `((${epochSeconds(em, 'measured_at')} + ?) / ?)`,
    params: [offset, width],
    bounds(bucket: unknown) {
      const start = (Number(bucket) * width - offset) * 1000;
      return { start: new Date(start), end: new Date(start + width * 1000) };
    },
  };
}

/** One statement: min, mean, max and count of a metric per bucket, buckets without readings left out. */
export async function vitalsSeries(
  em: EntityManager,
  familyId: number,
  metric: VitalMetric,
  range: Range,
): Promise<VitalsBucket[]> {
  checkRange(range);
  const column = METRIC_COLUMN[metric];
  const b = bucketing(em, range);
  const rows = await query(
    em,
    `select ${b.sql} as bucket, min(${column}) as min_value, sum(${column}) as sum_value, ` +
      `max(${column}) as max_value, count(${column}) as n from \`health_status\` ` +
      `where family_id = ? and measured_at >= ? and measured_at < ? and ${column} is not null ` +
      `group by bucket order by bucket`,
    [...b.params, familyId, dbDate(em, range.from), dbDate(em, range.to)],
  );
  return rows.map((row) => ({
    ...b.bounds(row['bucket']),
    min: Number(row['min_value']),
    // the mean from the sum: MariaDB rounds avg() of integers to 4 decimals
    avg: Number(row['sum_value']) / Number(row['n']),
    max: Number(row['max_value']),
    count: Number(row['n']),
  }));
}

/** One statement: activity reports per bucket and activity, buckets without reports left out. */
export async function activitySeries(
  em: EntityManager,
  familyId: number,
  range: Range,
): Promise<ActivityBucket[]> {
  checkRange(range);
  const b = bucketing(em, range);
  const rows = await query(
    em,
    `select ${b.sql} as bucket, action, count(*) as n from \`activity\` ` +
      `where family_id = ? and measured_at >= ? and measured_at < ? ` +
      `group by bucket, action order by bucket`,
    [...b.params, familyId, dbDate(em, range.from), dbDate(em, range.to)],
  );
  const buckets = new Map<number, ActivityBucket>();
  for (const row of rows) {
    const key = Number(row['bucket']);
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { ...b.bounds(key), count: 0, byAction: [] };
      buckets.set(key, bucket);
    }
    const count = Number(row['n']);
    bucket.count += count;
    bucket.byAction.push({ action: row['action'] as ActivityAction, count });
  }
  for (const bucket of buckets.values())
    bucket.byAction.sort((x, y) => y.count - x.count || x.action.localeCompare(y.action));
  return [...buckets.values()];
}
