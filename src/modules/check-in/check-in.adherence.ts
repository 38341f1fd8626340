import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { openData } from '../../auth/type-access.js';
import type { EntityManager } from '../../database/orm.js';
import { DateScalar } from '../../graphql/scalars.js';
import { marks } from '../../database/plain.js';
import { isMySql, query } from '../../database/sql.js';
import { OccurrenceState } from './check-in.enums.js';
import { dayRange, isoOfDay, mondayOf } from './check-in.time.js';

/** The longest range `checkInAdherence` covers, in days. */
export const ADHERENCE_RANGE_MAX_DAYS = 366;

/**
 * The counts and rate of a set of check-in occurrences: one definition of each field for the
 * adherence report and the daily digest (no schema type of its own: only the subclasses are reachable).
 */
@ObjectType()
export abstract class CheckInTally {
  @Field(() => Int, { description: 'Occurrences that fell due (pending ones included).' })
  scheduled!: number;

  @Field(() => Int, { description: 'Answered by the Carebot.' })
  answered!: number;

  @Field(() => Int, { description: 'Not answered within the grace period.' })
  missed!: number;

  @Field(() => Int, {
    description: 'Answered, but worrying (NO to a medication question, a value outside limits).',
  })
  negative!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Adherence: answered and not worrying ÷ (answered + missed), 0–1; null before any has settled.',
  })
  rate!: number | null;
}

@ObjectType({ description: 'How check-ins went: counts and the adherence rate.' })
export class CheckInAdherenceCounts extends CheckInTally {
  @Field(() => ID, { nullable: true, description: 'The check-in (null for all of them).' })
  checkInId!: string | null;

  @Field(() => String, { nullable: true, description: 'Its prompt (null for all of them).' })
  prompt!: string | null;
}

@ObjectType({ description: "One ISO week (Monday first, the family's local dates)." })
export class CheckInAdherenceWeek {
  @Field(() => DateScalar, { description: 'Its Monday.' })
  weekStart!: string;

  @Field(() => CheckInAdherenceCounts, { description: 'All check-ins together.' })
  total!: CheckInAdherenceCounts;

  @Field(() => [CheckInAdherenceCounts], {
    description: 'Per check-in that fell due this week, by id.',
  })
  checkIns!: CheckInAdherenceCounts[];
}

@ObjectType({ description: "A family's check-in adherence over a range of local dates." })
export class CheckInAdherence {
  @Field(() => DateScalar, { description: 'First local date counted.' })
  from!: string;

  @Field(() => DateScalar, { description: 'Last local date counted.' })
  to!: string;

  @Field(() => [CheckInAdherenceWeek], {
    description: 'Every ISO week touching the range, oldest first (empty weeks included).',
  })
  weeks!: CheckInAdherenceWeek[];

  @Field(() => CheckInAdherenceCounts, { description: 'The whole range.' })
  total!: CheckInAdherenceCounts;
}

openData(CheckInAdherence, 'reachable only through Family.checkInAdherence (family data, VIEW)');
openData(CheckInAdherenceWeek, 'reachable only through Family.checkInAdherence (family data)');
openData(CheckInAdherenceCounts, 'reachable only through Family.checkInAdherence (family data)');

type Counts = Omit<CheckInTally, 'rate'>;

const zero = (): Counts => ({ scheduled: 0, answered: 0, missed: 0, negative: 0 });

function add(into: Counts, more: Counts): void {
  into.scheduled += more.scheduled;
  into.answered += more.answered;
  into.missed += more.missed;
  into.negative += more.negative;
}

function withRate(
  counts: Counts,
  checkInId: string | null,
  prompt: string | null,
): CheckInAdherenceCounts {
  const settled = counts.answered + counts.missed;
  return {
    checkInId,
    prompt,
    ...counts,
    rate: settled === 0 ? null : (counts.answered - counts.negative) / settled,
  };
}

/** One family's range of local dates (`YYYY-MM-DD`, inclusive). */
export interface AdherenceRange {
  familyId: number;
  from: string;
  to: string;
}

/**
 * A family's check-in adherence per ISO week over the local dates `from`…`to` (inclusive,
 * `YYYY-MM-DD`, at most {@link ADHERENCE_RANGE_MAX_DAYS} days): one statement whatever the
 * range (a GROUP BY check-in and week number over the occurrences' local days), the weeks and
 * totals summed from its rows.
 */
export async function checkInAdherence(
  em: EntityManager,
  familyId: number,
  from: string,
  to: string,
): Promise<CheckInAdherence> {
  return (await checkInAdherences(em, [{ familyId, from, to }])).get(familyId)!;
}

/**
 * {@link checkInAdherence} for many families at once (each family once), for other modules (the
 * daily digest): one statement per distinct range, whatever the number of families.
 */
export async function checkInAdherences(
  em: EntityManager,
  ranges: readonly AdherenceRange[],
): Promise<Map<number, CheckInAdherence>> {
  const asked = new Map(ranges.map((range) => [range.familyId, range]));
  const groups = new Map<string, { first: number; last: number; familyIds: number[] }>();
  for (const { familyId, from, to } of ranges) {
    const { first, last } = dayRange(from, to, ADHERENCE_RANGE_MAX_DAYS);
    const key = `${first}:${last}`;
    const group = groups.get(key) ?? { first, last, familyIds: [] };
    group.familyIds.push(familyId);
    groups.set(key, group);
  }
  // day 0 (1970-01-01) was a Thursday: (day + 3) div 7 numbers the weeks from Monday
  const week = isMySql(em) ? '(o.local_day + 3) div 7' : '(o.local_day + 3) / 7';
  const result = new Map<number, CheckInAdherence>();
  for (const { first, last, familyIds } of groups.values()) {
    const rows = await query(
      em,
      `select o.family_id, o.check_in_id, c.prompt, ${week} as week, count(*) as scheduled, ` +
        `sum(case when o.state = ? then 1 else 0 end) as answered, ` +
        `sum(case when o.state = ? then 1 else 0 end) as missed, ` +
        `sum(case when o.negative = 1 then 1 else 0 end) as negative ` +
        'from `check_in_occurrence` o join `check_in` c on c.id = o.check_in_id ' +
        `where o.family_id in (${marks(familyIds)}) and o.local_day >= ? and o.local_day <= ? ` +
        `group by o.family_id, o.check_in_id, c.prompt, ${week} order by week, o.check_in_id`,
      [OccurrenceState.ANSWERED, OccurrenceState.MISSED, ...familyIds, first, last],
    );
    const families = new Map(
      familyIds.map((familyId) => {
        const weeks = new Map<number, { total: Counts; checkIns: CheckInAdherenceCounts[] }>();
        for (let monday = mondayOf(first); monday <= last; monday += 7)
          weeks.set(monday, { total: zero(), checkIns: [] });
        return [familyId, { weeks, total: zero() }];
      }),
    );
    for (const row of rows) {
      const counts: Counts = {
        scheduled: Number(row['scheduled']),
        answered: Number(row['answered'] ?? 0),
        missed: Number(row['missed'] ?? 0),
        negative: Number(row['negative'] ?? 0),
      };
      const family = families.get(Number(row['family_id']))!;
      const bucket = family.weeks.get(Number(row['week']) * 7 - 3)!;
      add(bucket.total, counts);
      add(family.total, counts);
      bucket.checkIns.push(withRate(counts, String(row['check_in_id']), String(row['prompt'])));
    }
    for (const [familyId, { weeks, total }] of families)
      result.set(familyId, {
        from: asked.get(familyId)!.from,
        to: asked.get(familyId)!.to,
        weeks: [...weeks].map(([monday, bucket]) => ({
          weekStart: isoOfDay(monday),
          total: withRate(bucket.total, null, null),
          checkIns: bucket.checkIns,
        })),
        total: withRate(total, null, null),
      });
  }
  return result;
}
