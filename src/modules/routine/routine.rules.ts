import type { Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import { NotificationKind } from '../notification/notification.enums.js';
import { notify } from '../notification/notify.js';
import type { ActivityAction } from '../report/report.enums.js';
import { offlinePeriodsDuring } from './routine.device-health.js';
import { CARE_DEFAULTS, RoutineRule } from './routine.entities.js';
import { RoutineRuleKind } from './routine.enums.js';
import { marks, type RawRow } from '../../database/plain.js';
import { dbDate, query, readDate } from '../../database/sql.js';
import { MINUTE_MS, recentWindows, type Window } from './routine.time.js';

/** How often routine rules are evaluated. */
export const ROUTINE_CHECK_INTERVAL_MS = MINUTE_MS;

/** At most this many rules share one statement (a bound on its length). */
const RULES_PER_STATEMENT = 200;

interface DueRule {
  rule: RoutineRule;
  window: Window;
}

const chunks = <T>(items: readonly T[]) =>
  Array.from({ length: Math.ceil(items.length / RULES_PER_STATEMENT) }, (_, i) =>
    items.slice(i * RULES_PER_STATEMENT, (i + 1) * RULES_PER_STATEMENT),
  );

/** The dedupe key of a rule's alert: once per rule and window. */
const keyOf = ({ rule, window }: DueRule) => `routine:${rule.id}:${window.start.toISOString()}`;

/**
 * Evaluates every family's routine rules (SPEC: issue 20), in each family's time zone. Reads:
 * the rules with their families' zones (one statement), then per rule kind one statement for
 * every due rule at once (a UNION ALL of index range reads on activity (family, measured_at)).
 * Each alert goes through `notify` with a key naming the rule and the window, so a window alerts
 * once however many runs and nodes see it.
 */
export async function checkRoutines(
  orm: Orm,
  events: EventBus,
  logger: Logger,
  now: Date,
): Promise<number[]> {
  const em = orm.em.fork();
  const rules = await em.find(RoutineRule, {}, { orderBy: { id: 'asc' } });
  if (rules.length === 0) return [];
  const zones = new Map(
    (
      await query(
        em,
        `select family_id, time_zone from \`care_settings\` where family_id in (${marks(rules)})`,
        rules.map((rule) => rule.family.id),
      )
    ).map((row) => [Number(row['family_id']), String(row['time_zone'])]),
  );
  const zoneOf = (rule: RoutineRule) => zones.get(rule.family.id) ?? CARE_DEFAULTS.timeZone;

  // NO_ACTIVITY: the latest window that has ended (and ended after the rule was made)
  const quiet: DueRule[] = [];
  // LONG_ACTIVITY: the latest window that has begun, up to now
  const long: DueRule[] = [];
  for (const rule of rules) {
    const windows = recentWindows(zoneOf(rule), rule.startMinute, rule.endMinute, now);
    if (rule.kind === RoutineRuleKind.NO_ACTIVITY) {
      const ended = windows.filter((w) => w.end <= now && w.end > rule.createdAt).at(-1);
      if (ended !== undefined) quiet.push({ rule, window: ended });
    } else {
      const begun = windows.filter((w) => w.start <= now && w.end > rule.createdAt).at(-1);
      if (begun !== undefined) long.push({ rule, window: begun });
    }
  }

  const fired: DueRule[] = [];
  for (const chunk of chunks(quiet)) {
    const parts = chunk.map(
      ({ rule }) =>
        `select ? as rule_id, count(*) as n from \`activity\` where family_id = ? ` +
        `and measured_at >= ? and measured_at < ? and action in (${marks(rule.actions)})`,
    );
    const params = chunk.flatMap(({ rule, window }) => [
      rule.id,
      rule.family.id,
      dbDate(em, window.start),
      dbDate(em, window.end),
      ...rule.actions,
    ]);
    const counts = new Map(
      (await query(em, parts.join(' union all '), params)).map((row) => [
        Number(row['rule_id']),
        Number(row['n']),
      ]),
    );
    const candidates = chunk.filter(({ rule }) => counts.get(rule.id) === 0);
    // no report is not the same as no activity: a window in which the family's Carebot was
    // offline at any moment raises nothing
    const offline = await offlinePeriodsDuring(
      em,
      [...new Set(candidates.map(({ rule }) => rule.family.id))],
      new Date(Math.min(...candidates.map(({ window }) => window.start.getTime()))),
      new Date(Math.max(...candidates.map(({ window }) => window.end.getTime()))),
    );
    fired.push(
      ...candidates.filter(
        ({ rule, window }) =>
          !(offline.get(rule.family.id) ?? []).some(
            (period) =>
              period.start < window.end && (period.end === null || period.end > window.start),
          ),
      ),
    );
  }

  for (const chunk of chunks(long)) {
    // per rule: the reports inside the window so far, and the last one before it (what the
    // elder was doing when the window opened)
    const parts = chunk.map(
      () =>
        'select * from (select ? as rule_id, action, measured_at from `activity` ' +
        'where family_id = ? and measured_at < ? order by measured_at desc limit 1) before_window ' +
        'union all select ? as rule_id, action, measured_at from `activity` ' +
        'where family_id = ? and measured_at >= ? and measured_at < ?',
    );
    const params = chunk.flatMap(({ rule, window }) => {
      const until = window.end < now ? window.end : now;
      return [
        rule.id,
        rule.family.id,
        dbDate(em, window.start),
        rule.id,
        rule.family.id,
        dbDate(em, window.start),
        dbDate(em, until),
      ];
    });
    const byRule = new Map<number, RawRow[]>();
    for (const row of await query(em, parts.join(' union all '), params)) {
      const id = Number(row['rule_id']);
      byRule.set(id, [...(byRule.get(id) ?? []), row]);
    }
    for (const due of chunk) {
      const until = due.window.end < now ? due.window.end : now;
      const reports = (byRule.get(due.rule.id) ?? [])
        .map((row) => ({
          action: row['action'] as ActivityAction,
          at: readDate(row['measured_at'])!,
        }))
        .sort((a, b) => a.at.getTime() - b.at.getTime());
      const longest = longestRun(reports, due.rule.actions, due.window.start, until);
      if (longest > (due.rule.minDurationMinutes ?? 0) * MINUTE_MS) fired.push(due);
    }
  }

  const alerted: number[] = [];
  for (const due of fired) {
    const raised = await notify(em, events, {
      familyId: due.rule.family.id,
      grade: due.rule.grade,
      kind:
        due.rule.kind === RoutineRuleKind.NO_ACTIVITY
          ? NotificationKind.INACTIVITY
          : NotificationKind.OTHER,
      message: due.rule.message,
      createdAt: now,
      dedupeKey: keyOf(due),
    });
    if (raised !== null) alerted.push(due.rule.id);
  }
  if (alerted.length > 0) logger.info({ rules: alerted.length }, 'routine alerts raised');
  return alerted;
}

/**
 * The longest stretch inside [from, until) during which the elder was doing one of `actions`:
 * a report holds until the next report (or `until`), and consecutive reports of the watched
 * activities form one stretch.
 */
export function longestRun(
  reports: readonly { action: ActivityAction; at: Date }[],
  actions: readonly ActivityAction[],
  from: Date,
  until: Date,
): number {
  let longest = 0;
  let runStart: number | null = null;
  const close = (at: number) => {
    if (runStart !== null) longest = Math.max(longest, at - runStart);
    runStart = null;
  };
  for (const report of reports) {
    const at = Math.max(report.at.getTime(), from.getTime());
    if (actions.includes(report.action)) runStart ??= at;
    else close(at);
  }
  close(until.getTime());
  return longest;
}
