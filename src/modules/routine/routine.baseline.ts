import { Field, Float, Int, ObjectType } from 'type-graphql';
import { openData } from '../../auth/type-access.js';
import type { EntityManager } from '../../database/orm.js';
import { marks } from '../../database/plain.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import { NotificationGrade, NotificationKind } from '../notification/notification.enums.js';
import { notify } from '../notification/notify.js';
import { offlinePeriodsDuring } from './routine.device-health.js';
import { BaselineDay, BaselineWatermark, CARE_DEFAULTS } from './routine.entities.js';
import { BaselineMetric, BaselineStatus } from './routine.enums.js';
import { epochSeconds, isMySql, query } from '../../database/sql.js';
import { MINUTE_MS, zoneOffsetMs } from './routine.time.js';

/** How often the `baselines` job folds new readings in and judges them. */
export const BASELINE_INTERVAL_MS = 5 * MINUTE_MS;
export const BASELINE_LEARNING_DAYS_MIN = 7;
export const BASELINE_LEARNING_DAYS_MAX = 60;
/** The band is median ± BAND_MADS × 1.4826 × MAD (1.4826 × MAD estimates σ of a normal sample). */
export const BAND_MADS = 3;
const MAD_TO_SIGMA = 1.4826;
/** At most this many ids of each readings table are folded in per run. */
export const BASELINE_BATCH_IDS = 50_000;
/** A band learns from the last N days with data, looking back at most LOOKBACK × N days. */
const LOOKBACK = 3;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface MetricSpec {
  label: string;
  unit: string;
  /** Histogram steps per unit (0.1 °C steps: 10). */
  scale: number;
  /** The narrowest half band: a very steady signal must not make every small change an alert. */
  minHalfWidth: number;
  /** Its `health_status` column (vitals). */
  column: string | null;
  /** The highest value it can take (a band above it means nothing). */
  max?: number;
}

const SPECS: Readonly<Record<BaselineMetric, MetricSpec>> = {
  HEART_RATE: { label: 'Heart rate', unit: 'bpm', scale: 1, minHalfWidth: 5, column: 'heart_rate' },
  BLOOD_OXYGEN: {
    label: 'Blood oxygen',
    unit: '%',
    scale: 1,
    minHalfWidth: 2,
    column: 'blood_oxygen',
    max: 100,
  },
  BODY_TEMPERATURE: {
    label: 'Body temperature',
    unit: '°C',
    scale: 10,
    minHalfWidth: 0.3,
    column: 'body_temperature',
  },
  ACTIVITY: { label: 'Activity', unit: 'reports', scale: 1, minHalfWidth: 3, column: null },
};
const VITALS = [
  BaselineMetric.HEART_RATE,
  BaselineMetric.BLOOD_OXYGEN,
  BaselineMetric.BODY_TEMPERATURE,
] as const;
/** The narrowest half band of one hour's activity count. */
const HOUR_MIN_HALF_WIDTH = 1;

@ObjectType({ description: 'The usual number of activity reports in one hour of the day.' })
export class BaselineHour {
  @Field(() => Int, { description: "Hour of the day, 0–23, in the family's time zone." })
  hour!: number;

  @Field(() => Float, { description: 'Median count in that hour.' })
  median!: number;

  @Field(() => Float, { description: 'Low end of the usual range.' })
  low!: number;

  @Field(() => Float, { description: 'High end of the usual range.' })
  high!: number;
}

@ObjectType({
  description:
    "A personal baseline: the elder's usual range of one metric, learned from their data.",
})
export class Baseline {
  @Field(() => BaselineMetric, { description: 'What it learns.' })
  metric!: BaselineMetric;

  @Field(() => BaselineStatus, { description: 'Still learning, or ready to judge.' })
  status!: BaselineStatus;

  @Field(() => Int, {
    description: 'Days with data it has learned from (at most `daysRequired`).',
  })
  daysOfData!: number;

  @Field(() => Int, { description: "Days of data it needs: the family's learning period." })
  daysRequired!: number;

  @Field(() => Float, { nullable: true, description: 'Median (null while learning).' })
  median!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Low end of the usual range (null while learning).',
  })
  low!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'High end of the usual range (null while learning).',
  })
  high!: number | null;

  @Field({ description: 'Unit of median, low and high (bpm, %, °C; reports a day).' })
  unit!: string;

  @Field(() => Int, {
    description:
      'Readings (vitals) or days (ACTIVITY) the band was learned from; 0 while learning.',
  })
  samples!: number;

  @Field(() => Date, {
    nullable: true,
    description: 'When its newest daily summary last changed (null without data).',
  })
  updatedAt!: Date | null;

  @Field(() => [BaselineHour], {
    description: 'ACTIVITY when ready: the usual reports per hour of the day; otherwise empty.',
  })
  hours!: BaselineHour[];
}

openData(Baseline, 'part of Family.baselines, reached only through it');
openData(BaselineHour, 'part of Baseline, reached only through it');

/** A daily summary as the band computation needs it. */
interface Summary {
  familyId: number;
  metric: BaselineMetric;
  day: number;
  count: number;
  histogram: Record<string, number>;
  updatedAt: Date;
}

interface FamilyBaselineSettings {
  zone: string;
  learningDays: number;
}

/** Local calendar day number (days since 1970-01-01 on the zone's wall clock) of an instant. */
export function localDay(zone: string, at: Date): number {
  return Math.floor((at.getTime() + zoneOffsetMs(zone, at)) / DAY_MS);
}

/** `YYYY-MM-DD` of a local day number. */
export const dayText = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The instants a local day begins and ends (offset at its start). */
function dayBounds(zone: string, day: number): { start: Date; end: Date } {
  const wall = day * DAY_MS;
  const start = wall - zoneOffsetMs(zone, new Date(wall));
  return { start: new Date(start), end: new Date(start + DAY_MS) };
}

/** The weighted median of value → count pairs (mean of the two middle values for an even n). */
function weightedMedian(weights: ReadonlyMap<number, number>): number {
  const sorted = [...weights].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const n = sorted.reduce((sum, [, count]) => sum + count, 0);
  const at = (rank: number) => {
    let seen = 0;
    for (const [value, count] of sorted) {
      seen += count;
      if (rank < seen) return value;
    }
    return sorted.at(-1)![0];
  };
  return (at(Math.floor((n - 1) / 2)) + at(Math.ceil((n - 1) / 2))) / 2;
}

/**
 * The robust band of a weighted sample: median ± BAND_MADS × 1.4826 × MAD, at least
 * ± `minHalfWidth`, widened outward to the metric's step so a value on the printed edge is inside.
 */
export function robustBand(
  weights: ReadonlyMap<number, number>,
  minHalfWidth: number,
  scale: number,
  floorAtZero = false,
): { median: number; low: number; high: number } {
  const median = weightedMedian(weights);
  const deviations = new Map<number, number>();
  for (const [value, count] of weights) {
    const deviation = Math.abs(value - median);
    deviations.set(deviation, (deviations.get(deviation) ?? 0) + count);
  }
  const half = Math.max(BAND_MADS * MAD_TO_SIGMA * weightedMedian(deviations), minHalfWidth);
  // the epsilon keeps 36.3 × 10 = 362.99999… from stepping a whole step outward
  const low = Math.floor((median - half) * scale + 1e-9) / scale;
  return {
    median,
    low: floorAtZero ? Math.max(0, low) : low,
    high: Math.ceil((median + half) * scale - 1e-9) / scale,
  };
}

/** A metric's baseline from a family's daily summaries of it, newest first, before the cutoff. */
function learn(metric: BaselineMetric, days: readonly Summary[], required: number): Baseline {
  const spec = SPECS[metric];
  const used = days.slice(0, required);
  const updatedAt = used.reduce<Date | null>(
    (latest, day) => (latest === null || day.updatedAt > latest ? day.updatedAt : latest),
    null,
  );
  const base = { metric, daysRequired: required, unit: spec.unit, updatedAt };
  if (used.length < required)
    return {
      ...base,
      status: BaselineStatus.LEARNING,
      daysOfData: used.length,
      median: null,
      low: null,
      high: null,
      samples: 0,
      hours: [],
    };
  if (metric !== BaselineMetric.ACTIVITY) {
    const weights = new Map<number, number>();
    for (const day of used)
      for (const [step, count] of Object.entries(day.histogram)) {
        const value = Number(step) / spec.scale;
        weights.set(value, (weights.get(value) ?? 0) + count);
      }
    const band = robustBand(weights, spec.minHalfWidth, spec.scale);
    return {
      ...base,
      status: BaselineStatus.READY,
      daysOfData: used.length,
      ...band,
      high: Math.min(band.high, spec.max ?? Infinity),
      samples: used.reduce((sum, day) => sum + day.count, 0),
      hours: [],
    };
  }
  const tally = (values: number[]) => {
    const weights = new Map<number, number>();
    for (const value of values) weights.set(value, (weights.get(value) ?? 0) + 1);
    return weights;
  };
  return {
    ...base,
    status: BaselineStatus.READY,
    daysOfData: used.length,
    ...robustBand(tally(used.map((day) => day.count)), spec.minHalfWidth, spec.scale, true),
    samples: used.length,
    hours: Array.from({ length: 24 }, (_, hour) => ({
      hour,
      ...robustBand(
        tally(used.map((day) => day.histogram[String(hour)] ?? 0)),
        HOUR_MIN_HALF_WIDTH,
        1,
        true,
      ),
    })),
  };
}

/** Time zone and learning period of each family (defaults without a row): one statement. */
async function settingsOf(
  em: EntityManager,
  familyIds: readonly number[],
): Promise<Map<number, FamilyBaselineSettings>> {
  const settings = new Map<number, FamilyBaselineSettings>(
    familyIds.map((id) => [
      id,
      { zone: CARE_DEFAULTS.timeZone, learningDays: CARE_DEFAULTS.baselineLearningDays },
    ]),
  );
  if (familyIds.length === 0) return settings;
  const rows = await query(
    em,
    'select family_id, time_zone, baseline_learning_days from `care_settings` ' +
      `where family_id in (${marks(familyIds)})`,
    familyIds,
  );
  for (const row of rows)
    settings.set(Number(row['family_id']), {
      zone: String(row['time_zone']),
      learningDays: Number(row['baseline_learning_days']),
    });
  return settings;
}

/**
 * The daily summaries of the given families that a band before `cutoff` (per family) may use:
 * one statement over the union of their look-back ranges, split by family and metric, newest
 * day first.
 */
async function summariesBefore(
  em: EntityManager,
  cutoffs: ReadonlyMap<number, { cutoff: number; learningDays: number }>,
): Promise<Map<string, Summary[]>> {
  const byKey = new Map<string, Summary[]>();
  if (cutoffs.size === 0) return byKey;
  const from = (c: { cutoff: number; learningDays: number }) =>
    c.cutoff - LOOKBACK * c.learningDays;
  const all = [...cutoffs.values()];
  const rows = await em.find(
    BaselineDay,
    {
      family: { $in: [...cutoffs.keys()] },
      day: { $gte: Math.min(...all.map(from)), $lt: Math.max(...all.map((c) => c.cutoff)) },
    },
    { orderBy: { day: 'desc' } },
  );
  for (const row of rows) {
    const c = cutoffs.get(row.family.id)!;
    if (row.day >= c.cutoff || row.day < from(c)) continue;
    const key = `${row.family.id}:${row.metric}`;
    byKey.set(key, [
      ...(byKey.get(key) ?? []),
      {
        familyId: row.family.id,
        metric: row.metric,
        day: row.day,
        count: row.count,
        histogram: row.histogram,
        updatedAt: row.updatedAt,
      },
    ]);
  }
  return byKey;
}

const METRICS = Object.values(BaselineMetric);

/**
 * Every baseline of the given families as of `now` (learned from the days before the family's
 * today), by family, in {@link BaselineMetric} order: two statements whatever the number of
 * families. For other modules too (the daily digest's "vitals against the baseline").
 */
export async function baselineBands(
  em: EntityManager,
  familyIds: readonly number[],
  now: Date,
): Promise<Map<number, Baseline[]>> {
  const settings = await settingsOf(em, [...new Set(familyIds)]);
  const cutoffs = new Map(
    [...settings].map(([id, s]) => [
      id,
      { cutoff: localDay(s.zone, now), learningDays: s.learningDays },
    ]),
  );
  const summaries = await summariesBefore(em, cutoffs);
  return new Map(
    [...settings].map(([id, s]) => [
      id,
      METRICS.map((metric) =>
        learn(metric, summaries.get(`${id}:${metric}`) ?? [], s.learningDays),
      ),
    ]),
  );
}

/** What one run of the `baselines` job did. */
export interface BaselineRun {
  /** Readings (grouped rows' counts) folded in, per source table. */
  read: { health: number; activity: number };
  /** The largest id folded in, per source table, after the run. */
  watermarks: { health: number; activity: number };
  /** Baseline alerts raised. */
  alerts: number;
  /** Newer readings are left for the next run (the batch was full). */
  more: boolean;
}

const SOURCES = { health: 'health_status', activity: 'activity' } as const;

/** Grouped new readings: count per family, UTC hour and value step. */
interface NewReadings {
  familyId: number;
  metric: BaselineMetric;
  /** Hours since the epoch (UTC). */
  hour: number;
  /** Histogram step (vitals); null for ACTIVITY. */
  step: number | null;
  count: number;
}

/**
 * The `baselines` job (SPEC: issue 20, personal baselines), in one transaction: reads the
 * readings stored since the watermarks (per vital one GROUP BY over the id range for all
 * families, one for activity), folds them into the per-day summaries (`baseline_day`), moves the
 * watermarks, then judges what is new against the READY bands: a reading of today outside the
 * band raises one WARN per family, metric and day; a finished day's activity count outside the
 * band (yesterday, Carebot online all day) raises one WARN. `events` null: learn only (the demo
 * seed; `logger` null: silent). The statements of a run do not grow with history, only with what is new.
 */
export async function updateBaselines(
  root: EntityManager,
  events: EventBus | null,
  logger: Logger | null,
  now: Date,
): Promise<BaselineRun> {
  return root.fork().transactional(async (em) => {
    await em
      .createQueryBuilder(BaselineWatermark)
      .insert(Object.values(SOURCES).map((source) => ({ source, lastId: 0, updatedAt: now })))
      .onConflict('source')
      .ignore()
      .execute('run');
    const marksNow = new Map(
      (await em.find(BaselineWatermark, {})).map((mark) => [mark.source, mark.lastId]),
    );
    const [upper] = await query(
      em,
      'select (select max(id) from `health_status`) as health, (select max(id) from `activity`) as activity',
      [],
    );
    // a bounded id range per run: a first run over years of history takes several runs, not one
    // huge transaction
    const span = (from: number, newest: unknown) => ({
      from,
      to: Math.min(Number(newest ?? 0), from + BASELINE_BATCH_IDS),
      more: Number(newest ?? 0) > from + BASELINE_BATCH_IDS,
    });
    const range = {
      health: span(marksNow.get(SOURCES.health) ?? 0, upper?.['health']),
      activity: span(marksNow.get(SOURCES.activity) ?? 0, upper?.['activity']),
    };
    const hourSql = isMySql(em)
      ? `floor(${epochSeconds(em, 'measured_at')} / 3600)`
      : `(${epochSeconds(em, 'measured_at')} / 3600)`;

    const fresh: NewReadings[] = [];
    if (range.health.to > range.health.from)
      for (const metric of VITALS) {
        const { column, scale } = SPECS[metric];
        const rows = await query(
          em,
          `select family_id, ${hourSql} as hour, round(${column} * ${scale}) as step, count(*) as n ` +
            `from \`health_status\` where id > ? and id <= ? and ${column} is not null ` +
            'group by family_id, hour, step',
          [range.health.from, range.health.to],
        );
        for (const row of rows)
          fresh.push({
            familyId: Number(row['family_id']),
            metric,
            hour: Number(row['hour']),
            step: Number(row['step']),
            count: Number(row['n']),
          });
      }
    if (range.activity.to > range.activity.from) {
      const rows = await query(
        em,
        `select family_id, ${hourSql} as hour, count(*) as n from \`activity\` ` +
          'where id > ? and id <= ? group by family_id, hour',
        [range.activity.from, range.activity.to],
      );
      for (const row of rows)
        fresh.push({
          familyId: Number(row['family_id']),
          metric: BaselineMetric.ACTIVITY,
          hour: Number(row['hour']),
          step: null,
          count: Number(row['n']),
        });
    }

    const settings = await settingsOf(em, [...new Set(fresh.map((r) => r.familyId))]);
    // UTC hour → local day and hour (exact for zones with whole-hour offsets)
    const placed = fresh.map((reading) => {
      const zone = settings.get(reading.familyId)!.zone;
      const start = reading.hour * HOUR_MS;
      const local = start + zoneOffsetMs(zone, new Date(start));
      const day = Math.floor(local / DAY_MS);
      return { ...reading, day, localHour: Math.floor((local - day * DAY_MS) / HOUR_MS) };
    });
    await fold(em, placed, now);

    for (const [key, source] of Object.entries(SOURCES) as [keyof typeof SOURCES, string][]) {
      if (range[key].to <= range[key].from) continue;
      // a run that overlapped another (a lease taken over mid-run) must not fold twice
      const moved = await em.nativeUpdate(
        BaselineWatermark,
        { source, lastId: range[key].from },
        { lastId: range[key].to, updatedAt: now },
      );
      if (moved !== 1) throw new Error(`baselines: the ${source} watermark moved under this run`);
    }

    const alerts = events === null ? 0 : await judge(em, events, placed, settings, now);
    const run: BaselineRun = {
      read: {
        health: placed
          .filter((r) => r.metric === BaselineMetric.HEART_RATE)
          .reduce((sum, r) => sum + r.count, 0),
        activity: placed
          .filter((r) => r.metric === BaselineMetric.ACTIVITY)
          .reduce((sum, r) => sum + r.count, 0),
      },
      watermarks: {
        health: Math.max(range.health.from, range.health.to),
        activity: Math.max(range.activity.from, range.activity.to),
      },
      alerts,
      more: range.health.more || range.activity.more,
    };
    if (fresh.length > 0 || alerts > 0) logger?.info(run, 'baselines updated');
    return run;
  });
}

type Placed = NewReadings & { day: number; localHour: number };

/** Adds new readings to their days' summaries: one read of the touched days, then one flush. */
async function fold(em: EntityManager, placed: readonly Placed[], now: Date): Promise<void> {
  if (placed.length === 0) return;
  const keyOf = (familyId: number, metric: string, day: number) => `${familyId}:${metric}:${day}`;
  const existing = new Map(
    (
      await em.find(BaselineDay, {
        family: { $in: [...new Set(placed.map((r) => r.familyId))] },
        metric: { $in: [...new Set(placed.map((r) => r.metric))] },
        day: {
          $gte: Math.min(...placed.map((r) => r.day)),
          $lte: Math.max(...placed.map((r) => r.day)),
        },
      })
    ).map((row) => [keyOf(row.family.id, row.metric, row.day), row]),
  );
  const changed = new Map<string, { count: number; histogram: Record<string, number> }>();
  for (const reading of placed) {
    const key = keyOf(reading.familyId, reading.metric, reading.day);
    let change = changed.get(key);
    if (change === undefined) {
      const row = existing.get(key);
      change = { count: row?.count ?? 0, histogram: { ...row?.histogram } };
      changed.set(key, change);
    }
    const bin = String(reading.step ?? reading.localHour);
    change.count += reading.count;
    change.histogram[bin] = (change.histogram[bin] ?? 0) + reading.count;
  }
  for (const [key, change] of changed) {
    const row = existing.get(key);
    if (row !== undefined) {
      row.count = change.count;
      row.histogram = change.histogram;
      row.updatedAt = now;
      continue;
    }
    const [familyId, metric, day] = key.split(':');
    em.create(BaselineDay, {
      family: Number(familyId),
      metric: metric as BaselineMetric,
      day: Number(day),
      count: change.count,
      histogram: change.histogram,
      updatedAt: now,
    });
  }
  await em.flush();
}

const format = (metric: BaselineMetric, value: number) =>
  value.toFixed(SPECS[metric].scale === 1 ? 0 : 1);
const describe = (metric: BaselineMetric, value: number, band: Baseline) =>
  `${SPECS[metric].label} ${format(metric, value)} ${SPECS[metric].unit} is outside the usual ` +
  `${format(metric, band.low!)}–${format(metric, band.high!)} ${SPECS[metric].unit}`;

/**
 * Judges what the run brought: today's new vitals against the bands learned before today, and
 * each family's finished activity days (once each) against the band learned before that day.
 */
async function judge(
  em: EntityManager,
  events: EventBus,
  placed: readonly Placed[],
  settings: Map<number, FamilyBaselineSettings>,
  now: Date,
): Promise<number> {
  // the activity days not judged yet that have ended somewhere on Earth (UTC+14 at most)
  const unchecked = await em.find(BaselineDay, {
    metric: BaselineMetric.ACTIVITY,
    checked: false,
    day: { $lt: Math.floor((now.getTime() + 14 * HOUR_MS) / DAY_MS) },
  });
  const missing = [...new Set(unchecked.map((row) => row.family.id))].filter(
    (id) => !settings.has(id),
  );
  for (const [id, s] of await settingsOf(em, missing)) settings.set(id, s);
  const today = new Map([...settings].map(([id, s]) => [id, localDay(s.zone, now)]));
  const finished = unchecked.filter((row) => row.day < today.get(row.family.id)!);
  const yesterdays = finished.filter((row) => row.day === today.get(row.family.id)! - 1);
  const newToday = placed.filter(
    (r) => r.metric !== BaselineMetric.ACTIVITY && r.day === today.get(r.familyId),
  );
  const familyIds = [
    ...new Set([...newToday.map((r) => r.familyId), ...yesterdays.map((r) => r.family.id)]),
  ];
  if (familyIds.length === 0 && finished.length === 0) return 0;

  // one read serves both cutoffs: today's (vitals) and yesterday's (the finished day)
  const summaries = await summariesBefore(
    em,
    new Map(
      familyIds.map((id) => [
        id,
        { cutoff: today.get(id)!, learningDays: settings.get(id)!.learningDays },
      ]),
    ),
  );
  const bandOf = (familyId: number, metric: BaselineMetric, cutoff: number) =>
    learn(
      metric,
      (summaries.get(`${familyId}:${metric}`) ?? []).filter(
        (day) =>
          day.day < cutoff && day.day >= cutoff - LOOKBACK * settings.get(familyId)!.learningDays,
      ),
      settings.get(familyId)!.learningDays,
    );

  const drafts: { familyId: number; kind: NotificationKind; message: string; key: string }[] = [];
  // vitals: the reading farthest from the median, per family and metric
  const worst = new Map<
    string,
    { reading: Placed; value: number; band: Baseline; distance: number }
  >();
  for (const reading of newToday) {
    const key = `${reading.familyId}:${reading.metric}`;
    const band = bandOf(reading.familyId, reading.metric, reading.day);
    if (band.status !== BaselineStatus.READY) continue;
    const value = reading.step! / SPECS[reading.metric].scale;
    if (value >= band.low! && value <= band.high!) continue;
    const distance = Math.abs(value - band.median!);
    if ((worst.get(key)?.distance ?? -1) < distance)
      worst.set(key, { reading, value, band, distance });
  }
  for (const { reading, value, band } of worst.values())
    drafts.push({
      familyId: reading.familyId,
      kind: NotificationKind.HEALTH,
      message: `${describe(reading.metric, value, band)}.`,
      key: `baseline:${reading.metric}:${dayText(reading.day)}`,
    });

  // activity: a finished day, unless the Carebot was offline during it (no report is not the
  // same as no activity)
  if (yesterdays.length > 0) {
    const bounds = yesterdays.map((row) => dayBounds(settings.get(row.family.id)!.zone, row.day));
    const offline = await offlinePeriodsDuring(
      em,
      [...new Set(yesterdays.map((row) => row.family.id))],
      new Date(Math.min(...bounds.map((b) => b.start.getTime()))),
      new Date(Math.max(...bounds.map((b) => b.end.getTime()))),
    );
    yesterdays.forEach((row, i) => {
      const { start, end } = bounds[i]!;
      const silent = (offline.get(row.family.id) ?? []).some(
        (p) => p.start < end && (p.end === null || p.end > start),
      );
      const band = bandOf(row.family.id, BaselineMetric.ACTIVITY, row.day);
      if (silent || band.status !== BaselineStatus.READY) return;
      if (row.count >= band.low! && row.count <= band.high!) return;
      drafts.push({
        familyId: row.family.id,
        kind: NotificationKind.OTHER,
        message: `Activity ${row.count} reports on ${dayText(row.day)} is outside the usual ${format(BaselineMetric.ACTIVITY, band.low!)}–${format(BaselineMetric.ACTIVITY, band.high!)} reports a day.`,
        key: `baseline:ACTIVITY:${dayText(row.day)}`,
      });
    });
  }
  for (const row of finished) row.checked = true;
  await em.flush();

  let raised = 0;
  for (const draft of drafts) {
    const notification = await notify(em, events, {
      familyId: draft.familyId,
      grade: NotificationGrade.WARN,
      kind: draft.kind,
      message: draft.message,
      createdAt: now,
      dedupeKey: draft.key,
    });
    if (notification !== null) raised += 1;
  }
  return raised;
}
