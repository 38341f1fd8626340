import type { EntityClass } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { familyData, openData } from '../../auth/type-access.js';
import type { Loaders } from '../../database/loaders.js';
import type { EntityManager } from '../../database/orm.js';
import { marks, type PlainReader, type RawRow } from '../../database/plain.js';
import { BadUserInputError } from '../../graphql/errors.js';
import { Activity, HealthStatus, HomeStatus, MentalStatus } from '../report/report.entities.js';
import { isMySql } from '../../database/sql.js';
import { AlertTimelineEntry } from './alert.entities.js';
import { AlertEventType, AlertOutcome, AlertState } from './alert.enums.js';
import { Notification } from './notification.entity.js';
import { GRADE_RANK, NotificationGrade, NotificationKind } from './notification.enums.js';

/** How far either side of an alert's `createdAt` its context reaches. */
export const CONTEXT_WINDOW_MS = 15 * 60_000;
/** The most readings of one kind a context holds (the oldest ones; `truncated` says so). */
export const CONTEXT_CAP = 200;
/** The widest range `alertStats` covers. */
export const ALERT_STATS_MAX_DAYS = 366;

@ObjectType({
  description:
    "The family's readings around an alert: every kind, from 15 minutes before it was raised to 15 minutes after, oldest first, at most 200 of each kind.",
})
export class AlertContext {
  /** Whose readings (what the type's access policy reads). */
  familyId!: number;

  @Field(() => Date, { description: 'Start of the window: 15 minutes before the alert.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the window (inclusive): 15 minutes after it.' })
  to!: Date;

  @Field(() => [HomeStatus], { description: 'Home environment readings, oldest first.' })
  homeStatuses!: HomeStatus[];

  @Field(() => [HealthStatus], { description: 'Vital-signs readings, oldest first.' })
  healthStatuses!: HealthStatus[];

  @Field(() => [Activity], { description: 'Activities, oldest first.' })
  activities!: Activity[];

  @Field(() => [MentalStatus], { description: 'Mental-state readings, oldest first.' })
  mentalStatuses!: MentalStatus[];

  @Field({
    description:
      'Whether a kind had more than 200 readings in the window (its list holds the oldest 200).',
  })
  truncated!: boolean;
}

// the readings are family data READ like the notification; each one is guarded by its own type
familyData(AlertContext, { familyOf: (context) => context.familyId, read: 'READ' });

/** The readings of one alert's window, by kind, as one batch of statements returns them. */
export type ContextReadings = Pick<
  AlertContext,
  'homeStatuses' | 'healthStatuses' | 'activities' | 'mentalStatuses' | 'truncated'
>;

const CONTEXT_KINDS = [
  ['homeStatuses', HomeStatus],
  ['healthStatuses', HealthStatus],
  ['activities', Activity],
  ['mentalStatuses', MentalStatus],
] as const;

/** `column ± 15 minutes` in SQL: SQLite keeps epoch milliseconds, MariaDB a datetime. */
function shifted(em: EntityManager, column: string, sign: '+' | '-'): string {
  return isMySql(em)
    ? `${column} ${sign} interval ${CONTEXT_WINDOW_MS / 1000} second`
    : `${column} ${sign} ${CONTEXT_WINDOW_MS}`;
}

/**
 * One statement for the readings of one kind around every alert asked: a range read of the
 * (family, measuredAt) index per alert, numbered per alert so each keeps its oldest
 * `CONTEXT_CAP` (one more is read to tell a cut list).
 */
async function readingsAround<T extends object>(
  em: EntityManager,
  plain: PlainReader,
  entity: EntityClass<T>,
  ids: readonly number[],
): Promise<Map<number, T[]>> {
  const rows = await plain.query(
    `select x.* from (select n.id as n__id, ${plain.columns(entity, 't', 'r__')}, ` +
      `row_number() over (partition by n.id order by t.measured_at, t.id) as n__rn ` +
      `from ${plain.table(Notification)} n join ${plain.table(entity)} t ` +
      `on t.family_id = n.family_id ` +
      `and t.measured_at >= ${shifted(em, 'n.created_at', '-')} ` +
      `and t.measured_at <= ${shifted(em, 'n.created_at', '+')} ` +
      `where n.id in (${marks(ids)})) x where x.n__rn <= ? order by x.n__id, x.n__rn`,
    [...ids, CONTEXT_CAP + 1],
  );
  const byAlert = new Map<number, T[]>();
  for (const row of rows) {
    const id = Number(row['n__id']);
    let list = byAlert.get(id);
    if (list === undefined) byAlert.set(id, (list = []));
    list.push(plain.row(entity, row, 'r__')!);
  }
  return byAlert;
}

/** Per request: DataLoaders that must not cache (a mutation may change what they read). */
const requestLoaders = new WeakMap<Loaders, Map<string, DataLoader<number, unknown>>>();

function uncached<V>(
  loaders: Loaders,
  name: string,
  batch: (ids: readonly number[]) => Promise<V[]>,
): DataLoader<number, V> {
  let map = requestLoaders.get(loaders);
  if (map === undefined)
    requestLoaders.set(loaders, (map = new Map<string, DataLoader<number, unknown>>()));
  let loader = map.get(name) as DataLoader<number, V> | undefined;
  if (loader === undefined) {
    // batched within a tick (a page of alerts), never cached: a later mutation of the same
    // request (acknowledge, then resolve) must see its own steps
    loader = new DataLoader<number, V>(batch, { cache: false });
    map.set(name, loader);
  }
  return loader;
}

/** The readings around each alert: one statement per reading kind for a whole page of alerts. */
export function alertContextLoader(
  em: EntityManager,
  loaders: Loaders,
): DataLoader<number, ContextReadings> {
  return uncached(loaders, 'alertContext', async (ids) => {
    const unique = [...new Set(ids)];
    const lists = await Promise.all(
      CONTEXT_KINDS.map(([, entity]) =>
        readingsAround(em, loaders.plain, entity as EntityClass<object>, unique),
      ),
    );
    return ids.map((id) => {
      const result = { truncated: false } as ContextReadings;
      CONTEXT_KINDS.forEach(([field], index) => {
        const list = lists[index]!.get(id) ?? [];
        if (list.length > CONTEXT_CAP) {
          result.truncated = true;
          list.length = CONTEXT_CAP;
        }
        (result as unknown as Record<string, unknown>)[field] = list;
      });
      return result;
    });
  });
}

/** Each alert's timeline, oldest first: one statement for a page of alerts. */
export function alertTimelineLoader(loaders: Loaders): DataLoader<number, AlertTimelineEntry[]> {
  return uncached(loaders, 'alertTimeline', async (ids) => {
    const { plain } = loaders;
    const unique = [...new Set(ids)];
    const rows = await plain.query(
      `select ${plain.columns(AlertTimelineEntry, 'e')} from ${plain.table(AlertTimelineEntry)} e ` +
        `where e.notification_id in (${marks(unique)}) order by e.notification_id, e.at, e.id`,
      unique,
    );
    const byAlert = new Map<number, AlertTimelineEntry[]>(unique.map((id) => [id, []]));
    for (const row of rows) {
      const entry = plain.row(AlertTimelineEntry, row)!;
      byAlert.get(entry.notification.id)?.push(entry);
    }
    return ids.map((id) => byAlert.get(id) ?? []);
  });
}

@ObjectType({ description: 'How many alerts of one grade.' })
export class AlertGradeCount {
  @Field(() => NotificationGrade, { description: 'The grade (WARN or CRIT).' })
  grade!: NotificationGrade;

  @Field(() => Int, { description: 'How many alerts.' })
  count!: number;
}

@ObjectType({ description: 'How many alerts of one kind.' })
export class AlertKindCount {
  @Field(() => NotificationKind, { description: 'The kind.' })
  kind!: NotificationKind;

  @Field(() => Int, { description: 'How many alerts.' })
  count!: number;
}

@ObjectType({ description: 'How many alerts stand in one state.' })
export class AlertStateCount {
  @Field(() => AlertState, { description: 'The state.' })
  state!: AlertState;

  @Field(() => Int, { description: 'How many alerts.' })
  count!: number;
}

@ObjectType({ description: 'How many resolved alerts ended one way.' })
export class AlertOutcomeCount {
  @Field(() => AlertOutcome, { description: 'The outcome.' })
  outcome!: AlertOutcome;

  @Field(() => Int, { description: 'How many alerts.' })
  count!: number;
}

@ObjectType({
  description:
    "A family's alerts (WARN and CRIT) raised in a range: counts, response times and false alarms. Alerts the Carebot cancelled in their grace window (and ones still in it) are not counted, as members never saw them.",
})
export class AlertStats {
  /** Whose alerts (what the type's access policy reads). */
  familyId!: number;

  @Field(() => Date, { description: 'Start of the range (inclusive).' })
  from!: Date;

  @Field(() => Date, { description: 'End of the range (exclusive).' })
  to!: Date;

  @Field(() => Int, { description: 'Alerts raised in the range.' })
  total!: number;

  @Field(() => [AlertGradeCount], {
    description: 'By grade, CRIT first; grades without alerts left out.',
  })
  byGrade!: AlertGradeCount[];

  @Field(() => [AlertKindCount], {
    description: 'By kind, most first; kinds without alerts left out.',
  })
  byKind!: AlertKindCount[];

  @Field(() => [AlertStateCount], {
    description: 'By current state; states without alerts left out.',
  })
  byState!: AlertStateCount[];

  @Field(() => [AlertOutcomeCount], {
    description: 'Resolved alerts by outcome; outcomes without alerts left out.',
  })
  byOutcome!: AlertOutcomeCount[];

  @Field(() => Int, { description: 'Alerts that were acknowledged.' })
  acknowledged!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median seconds from delivery start (the end of the grace window, else when it was raised) to the first ACKNOWLEDGED timeline entry, over acknowledged alerts; null when none.',
  })
  medianSecondsToAcknowledge!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The 90th percentile of the same (linear interpolation); null when none.',
  })
  p90SecondsToAcknowledge!: number | null;

  @Field(() => Int, { description: 'Alerts resolved (state RESOLVED).' })
  resolved!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median seconds from delivery start to resolution (`resolvedAt`), over resolved alerts; null when none.',
  })
  medianSecondsToResolve!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The 90th percentile of the same (linear interpolation); null when none.',
  })
  p90SecondsToResolve!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Share of resolved alerts whose outcome was FALSE_ALARM, 0–1; null when none resolved.',
  })
  falseAlarmShare!: number | null;
}

familyData(AlertStats, { familyOf: (stats) => stats.familyId, read: 'VIEW' });
openData(AlertGradeCount, 'part of AlertStats, reached only through it');
openData(AlertKindCount, 'part of AlertStats, reached only through it');
openData(AlertStateCount, 'part of AlertStats, reached only through it');
openData(AlertOutcomeCount, 'part of AlertStats, reached only through it');

/** The percentiles `alertStats` reports, as fractions. */
const PERCENTILES = { median: 0.5, p90: 0.9 } as const;

/**
 * The value at fraction `p` of an ascending list of `count` values, interpolated linearly
 * between the two nearest ranks (what `percentile_cont` computes), from the only rows the
 * statement returns: those whose 0-based rank lies within 1 of `(count − 1)·p`.
 */
export function percentileOf(
  ranked: ReadonlyMap<number, number>,
  count: number,
  p: number,
): number | null {
  if (count === 0) return null;
  const position = (count - 1) * p;
  const low = Math.floor(position);
  const lowValue = ranked.get(low);
  const highValue = ranked.get(Math.ceil(position)) ?? lowValue;
  if (lowValue === undefined || highValue === undefined) return null;
  return lowValue + (position - low) * (highValue - lowValue);
}

/** SQL: whether a 0-based rank `r` of `n` values lies within 1 of `(n − 1)·p`, p = num/10. */
function nearRank(tenths: number): string {
  return `(10 * (r.rn - 1) > ${tenths} * (r.cnt - 1) - 10 and 10 * (r.rn - 1) < ${tenths} * (r.cnt - 1) + 10)`;
}

function checkStatsRange(from: Date, to: Date): void {
  if (Number.isNaN(from.getTime())) throw BadUserInputError.field('from', 'is not a time');
  if (Number.isNaN(to.getTime())) throw BadUserInputError.field('to', 'is not a time');
  if (to.getTime() <= from.getTime()) throw BadUserInputError.field('to', 'must be after from');
  if (to.getTime() - from.getTime() > ALERT_STATS_MAX_DAYS * 86_400_000)
    throw BadUserInputError.field('to', `must be at most ${ALERT_STATS_MAX_DAYS} days after from`);
}

function counted<K extends string, T>(
  rows: readonly RawRow[],
  column: string,
  make: (key: K, count: number) => T,
  order: (a: [K, number], b: [K, number]) => number,
): T[] {
  const counts = new Map<K, number>();
  for (const row of rows) {
    const key = row[column] as K | null;
    if (key === null) continue;
    counts.set(key, (counts.get(key) ?? 0) + Number(row['n']));
  }
  return [...counts.entries()].sort(order).map(([key, count]) => make(key, count));
}

const byCountThenName = <K extends string>(a: [K, number], b: [K, number]): number =>
  b[1] - a[1] || a[0].localeCompare(b[0]);

/**
 * A family's alert statistics over [from, to), two statements whatever the range: the counts
 * grouped by grade, kind, state and outcome together (a handful of rows), and the response times
 * computed, ranked and picked by the database (window functions, on both drivers), which returns
 * only the rows next to each percentile's rank; the interpolation happens here.
 */
export async function alertStats(
  em: EntityManager,
  plain: PlainReader,
  familyId: number,
  from: Date,
  to: Date,
  /** Whether the viewer hears of the family's MANAGERS alerts (a caregiver does not). */
  managersToo = true,
): Promise<AlertStats> {
  checkStatsRange(from, to);
  const mysql = isMySql(em);
  const where =
    `n.family_id = ? and n.grade in (?, ?) and n.created_at >= ? and n.created_at < ? ` +
    // never delivered (grace window, cancelled): not the members' alerts
    `and n.device_only = 0${managersToo ? '' : " and n.audience = 'FAMILY'"}`;
  const params = [
    familyId,
    NotificationGrade.WARN,
    NotificationGrade.CRIT,
    plain.date(from),
    plain.date(to),
  ];
  /** Seconds between two datetime expressions. */
  const seconds = (start: string, end: string): string =>
    mysql
      ? `timestampdiff(microsecond, ${start}, ${end}) / 1000000`
      : `(${end} - ${start}) / 1000.0`;
  const timeline = plain.table(AlertTimelineEntry);
  const [counts, ranked] = await Promise.all([
    plain.query(
      `select n.grade, n.kind, n.state, n.outcome, count(*) as n ` +
        `from ${plain.table(Notification)} n where ${where} ` +
        `group by n.grade, n.kind, n.state, n.outcome`,
      params,
    ),
    plain.query(
      `with d as (select n.id, coalesce(n.deliver_at, n.created_at) as s, n.state, n.resolved_at, ` +
        `(select min(e.at) from ${timeline} e where e.notification_id = n.id and e.type = ?) as ack ` +
        `from ${plain.table(Notification)} n where ${where}), ` +
        `m as (select 'ACK' as measure, id, ${seconds('s', 'ack')} as v from d where ack is not null ` +
        `union all select 'RESOLVE' as measure, id, ${seconds('s', 'resolved_at')} as v from d ` +
        `where state = ? and resolved_at is not null), ` +
        `r as (select measure, v, row_number() over (partition by measure order by v, id) as rn, ` +
        `count(*) over (partition by measure) as cnt from m) ` +
        `select r.measure, r.v, r.rn, r.cnt from r ` +
        `where ${nearRank(PERCENTILES.median * 10)} or ${nearRank(PERCENTILES.p90 * 10)}`,
      [AlertEventType.ACKNOWLEDGED, ...params, AlertState.RESOLVED],
    ),
  ]);

  const measures = new Map<string, { count: number; ranked: Map<number, number> }>();
  for (const row of ranked) {
    const measure = String(row['measure']);
    let entry = measures.get(measure);
    if (entry === undefined) measures.set(measure, (entry = { count: 0, ranked: new Map() }));
    entry.count = Number(row['cnt']);
    entry.ranked.set(Number(row['rn']) - 1, Number(row['v']));
  }
  const percentile = (measure: string, p: number): number | null => {
    const entry = measures.get(measure);
    return entry === undefined ? null : percentileOf(entry.ranked, entry.count, p);
  };

  const byOutcome = counted<AlertOutcome, AlertOutcomeCount>(
    counts.filter((row) => row['state'] === AlertState.RESOLVED),
    'outcome',
    (outcome, count) => ({ outcome, count }),
    byCountThenName,
  );
  const resolved = counts
    .filter((row) => row['state'] === AlertState.RESOLVED)
    .reduce((sum, row) => sum + Number(row['n']), 0);
  const falseAlarms = byOutcome.find((row) => row.outcome === AlertOutcome.FALSE_ALARM)?.count ?? 0;
  return {
    familyId,
    from,
    to,
    total: counts.reduce((sum, row) => sum + Number(row['n']), 0),
    byGrade: counted<NotificationGrade, AlertGradeCount>(
      counts,
      'grade',
      (grade, count) => ({ grade, count }),
      // CRIT first
      (a, b) => GRADE_RANK[b[0]] - GRADE_RANK[a[0]],
    ),
    byKind: counted<NotificationKind, AlertKindCount>(
      counts,
      'kind',
      (kind, count) => ({ kind, count }),
      byCountThenName,
    ),
    byState: counted<AlertState, AlertStateCount>(
      counts,
      'state',
      (state, count) => ({ state, count }),
      byCountThenName,
    ),
    byOutcome,
    acknowledged: measures.get('ACK')?.count ?? 0,
    medianSecondsToAcknowledge: percentile('ACK', PERCENTILES.median),
    p90SecondsToAcknowledge: percentile('ACK', PERCENTILES.p90),
    resolved,
    medianSecondsToResolve: percentile('RESOLVE', PERCENTILES.median),
    p90SecondsToResolve: percentile('RESOLVE', PERCENTILES.p90),
    falseAlarmShare: resolved === 0 ? null : falseAlarms / resolved,
  };
}
