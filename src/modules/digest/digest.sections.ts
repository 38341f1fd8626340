import { checkInAdherences } from '../check-in/check-in.adherence.js';
import type { EntityManager } from '../../database/orm.js';
import { marks } from '../../database/plain.js';
import { AlertState } from '../notification/alert.enums.js';
import { GRADE_RANK, NotificationGrade } from '../notification/notification.enums.js';
import type { ActivityAction, Emotion } from '../report/report.enums.js';
import { baselineBands } from '../routine/routine.baseline.js';
import {
  BaselineMetric,
  BaselineStatus,
  METRIC_COLUMN,
  VitalMetric,
} from '../routine/routine.enums.js';
import { dbDate, epochSeconds, isMySql, query, readDate } from '../../database/sql.js';
import type {
  DigestActivity,
  DigestAlerts,
  DigestCriticalAlert,
  DigestCheckIns,
  DigestMood,
  DigestVitals,
} from './digest.types.js';

/** One family's day to digest: [from, to) is its local midnight to the next. */
export interface DigestTarget {
  familyId: number;
  timeZone: string;
  /** YYYY-MM-DD, local. */
  day: string;
  from: Date;
  to: Date;
}

/** A CRIT alert as stored in the digest's JSON (times as ISO strings). */
export type StoredCriticalAlert = Omit<DigestCriticalAlert, 'raisedAt' | 'acknowledgedAt'> & {
  raisedAt: string;
  acknowledgedAt: string | null;
};

/**
 * What a digest holds, one key per section. A new section is a key here, an entry in
 * {@link SECTIONS} (the compiler asks for it), a renderer in digest.render.ts (likewise) and a
 * field in digest.resolver.ts.
 */
export interface DigestContent {
  alerts: Omit<DigestAlerts, 'critical'> & { critical: StoredCriticalAlert[] };
  vitals: DigestVitals;
  activity: DigestActivity;
  mood: DigestMood;
  /** Absent from digests made before check-ins existed. */
  checkIns: DigestCheckIns;
}

/** Computes one section for many families at once (set-based: a statement per range, not per family). */
export type SectionCompute<K extends keyof DigestContent> = (
  em: EntityManager,
  targets: readonly DigestTarget[],
) => Promise<Map<number, DigestContent[K]>>;

/** How many CRIT alerts a digest lists one by one. */
export const CRITICAL_LISTED = 50;
/** How many days before the digest's day the activity section compares with. */
export const ACTIVITY_COMPARE_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Families that share a range (most share a zone) go into one statement. Yields the family ids
 * and the range of each group.
 */
function byRange(targets: readonly DigestTarget[]): { ids: number[]; from: Date; to: Date }[] {
  const groups = new Map<string, { ids: number[]; from: Date; to: Date }>();
  for (const target of targets) {
    const key = `${target.from.getTime()}:${target.to.getTime()}`;
    const group = groups.get(key) ?? { ids: [], from: target.from, to: target.to };
    group.ids.push(target.familyId);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Alerts (WARN and CRIT) raised during the day that members could see, and how each stands. */
export const alertsSection: SectionCompute<'alerts'> = async (em, targets) => {
  const result = new Map<number, DigestContent['alerts']>();
  for (const { ids, from, to } of byRange(targets)) {
    // device_only: still in (or cancelled inside) the grace window, never shown to members;
    // MANAGERS: not for every member, and the digest is the whole family's
    const rows = await query(
      em,
      'select id, family_id, grade, kind, message, state, outcome, created_at, deliver_at, acknowledged_at ' +
        `from \`notification\` where family_id in (${marks(ids)}) and created_at >= ? and created_at < ? ` +
        "and grade in (?, ?) and device_only = 0 and audience = 'FAMILY' order by created_at, id",
      [...ids, dbDate(em, from), dbDate(em, to), NotificationGrade.WARN, NotificationGrade.CRIT],
    );
    const perFamily = new Map<number, typeof rows>();
    for (const row of rows) {
      const familyId = Number(row['family_id']);
      perFamily.set(familyId, [...(perFamily.get(familyId) ?? []), row]);
    }
    for (const familyId of ids) {
      const mine = perFamily.get(familyId) ?? [];
      const grades = new Map<NotificationGrade, number>();
      const kinds = new Map<string, number>();
      const critical: StoredCriticalAlert[] = [];
      let resolved = 0;
      for (const row of mine) {
        const grade = row['grade'] as NotificationGrade;
        bump(grades, grade);
        bump(kinds, String(row['kind']));
        if (row['state'] === AlertState.RESOLVED) resolved += 1;
        if (grade !== NotificationGrade.CRIT || critical.length >= CRITICAL_LISTED) continue;
        const raisedAt = readDate(row['created_at'])!;
        const deliveredAt = readDate(row['deliver_at']) ?? raisedAt;
        const acknowledgedAt = readDate(row['acknowledged_at']);
        critical.push({
          notificationId: String(row['id']),
          kind: row['kind'] as DigestCriticalAlert['kind'],
          message: String(row['message']),
          raisedAt: raisedAt.toISOString(),
          state: (row['state'] ?? null) as AlertState | null,
          outcome: (row['outcome'] ?? null) as DigestCriticalAlert['outcome'],
          acknowledgedAt: acknowledgedAt?.toISOString() ?? null,
          minutesToAcknowledge:
            acknowledgedAt === null
              ? null
              : Math.max(
                  0,
                  Math.round((acknowledgedAt.getTime() - deliveredAt.getTime()) / 60_000),
                ),
        });
      }
      result.set(familyId, {
        total: mine.length,
        byGrade: [...grades]
          .map(([grade, count]) => ({ grade, count }))
          .sort((x, y) => GRADE_RANK[y.grade] - GRADE_RANK[x.grade]),
        byKind: [...kinds]
          .map(([kind, count]) => ({ kind: kind as DigestCriticalAlert['kind'], count }))
          .sort((x, y) => y.count - x.count || x.kind.localeCompare(y.kind)),
        resolved,
        critical,
      });
    }
  }
  return result;
};

const METRICS = Object.values(VitalMetric);

/** The vital signs that have a personal baseline, by the baseline's name. */
const BASELINE_OF: Partial<Record<VitalMetric, BaselineMetric>> = {
  [VitalMetric.HEART_RATE]: BaselineMetric.HEART_RATE,
  [VitalMetric.BLOOD_OXYGEN]: BaselineMetric.BLOOD_OXYGEN,
  [VitalMetric.BODY_TEMPERATURE]: BaselineMetric.BODY_TEMPERATURE,
};

/**
 * Min, mean and max of each vital sign over the day, beside the elder's usual range (the
 * personal baseline as learned before the day): three statements per range.
 */
export const vitalsSection: SectionCompute<'vitals'> = async (em, targets) => {
  const result = new Map<number, DigestVitals>();
  const columns = METRICS.map((metric, i) => {
    const column = METRIC_COLUMN[metric];
    return `min(${column}) as min${i}, sum(${column}) as sum${i}, max(${column}) as max${i}, count(${column}) as n${i}`;
  }).join(', ');
  for (const { ids, from, to } of byRange(targets)) {
    const rows = await query(
      em,
      `select family_id, count(*) as readings, ${columns} from \`health_status\` where family_id in (${marks(ids)}) ` +
        'and measured_at >= ? and measured_at < ? group by family_id',
      [...ids, dbDate(em, from), dbDate(em, to)],
    );
    const byFamily = new Map(rows.map((row) => [Number(row['family_id']), row]));
    const bands = await baselineBands(em, ids, from);
    for (const familyId of ids) {
      const row = byFamily.get(familyId);
      const metrics: DigestVitals['metrics'] = [];
      METRICS.forEach((metric, i) => {
        const count = Number(row?.[`n${i}`] ?? 0);
        if (row === undefined || count === 0) return;
        const band = bands
          .get(familyId)
          ?.find((b) => b.metric === BASELINE_OF[metric] && b.status === BaselineStatus.READY);
        metrics.push({
          metric,
          min: Number(row[`min${i}`]),
          // the mean from the sum: MariaDB rounds avg() of integers to 4 decimals
          avg: Number(row[`sum${i}`]) / count,
          max: Number(row[`max${i}`]),
          count,
          usualLow: band?.low ?? null,
          usualHigh: band?.high ?? null,
        });
      });
      result.set(familyId, { readings: Number(row?.['readings'] ?? 0), metrics });
    }
  }
  return result;
};

/**
 * Reports and minutes of each activity during the day and the 7 days before: one statement per
 * range. A report holds until the family's next report, cut at the end of its own part of the
 * range (the day, or the 7 days before it); the first report of the range counts from itself.
 */
export const activitySection: SectionCompute<'activity'> = async (em, targets) => {
  const result = new Map<number, DigestActivity>();
  const least = isMySql(em) ? 'least' : 'min';
  const at = epochSeconds(em, 'measured_at');
  const next = epochSeconds(em, 'next_at');
  for (const { ids, from, to } of byRange(targets)) {
    const weekFrom = new Date(from.getTime() - ACTIVITY_COMPARE_DAYS * DAY_MS);
    const fromS = Math.floor(from.getTime() / 1000);
    const toS = Math.floor(to.getTime() / 1000);
    const rows = await query(
      em,
      'select family_id, action, today, count(*) as n, sum(held) as held from (' +
        `select family_id, action, case when ${at} >= ? then 1 else 0 end as today, ` +
        `${least}(coalesce(${next}, ?), case when ${at} >= ? then ? else ? end) - ${at} as held from (` +
        'select family_id, action, measured_at, ' +
        'lead(measured_at) over (partition by family_id order by measured_at, id) as next_at ' +
        `from \`activity\` where family_id in (${marks(ids)}) and measured_at >= ? and measured_at < ?` +
        ') timed) parts group by family_id, action, today',
      [fromS, toS, fromS, toS, fromS, ...ids, dbDate(em, weekFrom), dbDate(em, to)],
    );
    type Kind = DigestActivity['kinds'][number];
    const perFamily = new Map<number, Map<ActivityAction, Kind>>();
    for (const row of rows) {
      const familyId = Number(row['family_id']);
      const action = row['action'] as ActivityAction;
      const kinds = perFamily.get(familyId) ?? new Map<ActivityAction, Kind>();
      perFamily.set(familyId, kinds);
      const kind = kinds.get(action) ?? {
        action,
        count: 0,
        minutes: 0,
        previousCount: 0,
        previousMinutes: 0,
      };
      kinds.set(action, kind);
      const count = Number(row['n']);
      const minutes = Number(row['held']) / 60;
      if (Number(row['today']) === 1) {
        kind.count = count;
        kind.minutes = minutes;
      } else {
        kind.previousCount = count / ACTIVITY_COMPARE_DAYS;
        kind.previousMinutes = minutes / ACTIVITY_COMPARE_DAYS;
      }
    }
    for (const familyId of ids) {
      const kinds = [...(perFamily.get(familyId)?.values() ?? [])].sort(
        (x, y) =>
          y.minutes - x.minutes ||
          y.previousMinutes - x.previousMinutes ||
          x.action.localeCompare(y.action),
      );
      result.set(familyId, { total: kinds.reduce((sum, kind) => sum + kind.count, 0), kinds });
    }
  }
  return result;
};

/** Mood readings of the day by dominant emotion: one statement per range. */
export const moodSection: SectionCompute<'mood'> = async (em, targets) => {
  const result = new Map<number, DigestMood>();
  for (const { ids, from, to } of byRange(targets)) {
    const rows = await query(
      em,
      `select family_id, emotion, count(*) as n from \`mental_status\` where family_id in (${marks(ids)}) ` +
        'and measured_at >= ? and measured_at < ? group by family_id, emotion',
      [...ids, dbDate(em, from), dbDate(em, to)],
    );
    for (const familyId of ids) {
      const emotions = rows
        .filter((row) => Number(row['family_id']) === familyId)
        .map((row) => ({ emotion: row['emotion'] as Emotion, count: Number(row['n']) }))
        .sort((x, y) => y.count - x.count || x.emotion.localeCompare(y.emotion));
      result.set(familyId, {
        readings: emotions.reduce((sum, emotion) => sum + emotion.count, 0),
        emotions,
      });
    }
  }
  return result;
};

/**
 * How the day's check-ins were answered: the check-in module's adherence count for a one-day
 * range, one statement per distinct day.
 */
export const checkInsSection: SectionCompute<'checkIns'> = async (em, targets) => {
  const days = await checkInAdherences(
    em,
    targets.map((target) => ({ familyId: target.familyId, from: target.day, to: target.day })),
  );
  const result = new Map<number, DigestCheckIns>();
  for (const [familyId, day] of days) {
    const { scheduled, answered, missed, negative, rate } = day.total;
    result.set(familyId, {
      scheduled,
      answered,
      missed,
      negative,
      rate,
      checkIns: day.weeks.flatMap((week) => week.checkIns),
    });
  }
  return result;
};

/** Every section, by its key in {@link DigestContent}. */
export const SECTIONS: { readonly [K in keyof DigestContent]: SectionCompute<K> } = {
  alerts: alertsSection,
  vitals: vitalsSection,
  activity: activitySection,
  mood: moodSection,
  checkIns: checkInsSection,
};

/** The content of each target's digest: each section once for all targets. */
export async function computeDigests(
  em: EntityManager,
  targets: readonly DigestTarget[],
): Promise<Map<number, DigestContent>> {
  const keys = Object.keys(SECTIONS) as (keyof DigestContent)[];
  const computed = new Map<keyof DigestContent, Map<number, unknown>>();
  for (const key of keys) computed.set(key, await SECTIONS[key](em, targets));
  return new Map(
    targets.map((target) => [
      target.familyId,
      Object.fromEntries(
        keys.map((key) => [key, computed.get(key)!.get(target.familyId)]),
      ) as unknown as DigestContent,
    ]),
  );
}
