import { BaseMySqlPlatform } from '@mikro-orm/sql';
import { allows, requireUser, sharesJournal } from '../../auth/access.js';
import type { EntityManager } from '../../database/orm.js';
import { PlainReader } from '../../database/plain.js';
import { type Connection, paginate, SortOrder } from '../../graphql/connection.js';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../graphql/errors.js';
import type { Scope } from '../../scope.js';
import { DAY_MS, seoulDate, seoulDay } from '../../util/seoul-time.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import type { Emotion } from '../report/report.enums.js';
import { EmotionEntry, JOURNAL_LIMITS } from './wellness.entities.js';
import { type MoodSource, NEGATIVE_EMOTIONS, StatsBucket } from './wellness.enums.js';
import type {
  CreateEmotionEntryInput,
  EmotionEntriesArgs,
  EmotionStatsArgs,
  UpdateEmotionEntryInput,
} from './wellness.inputs.js';
import type { EmotionStats } from './wellness.types.js';

/**
 * The family through which a viewer other than the writer was allowed to read an entry: the
 * type guard of `EmotionEntry` reads it (an entry met any other way belongs to no family the
 * viewer knows, so its fields answer NOT_FOUND).
 */
const sharedVia = new WeakMap<object, number>();

/** The family an entry was shared through for this operation (-1: none). */
export function sharedFamilyOf(entry: object): number {
  return sharedVia.get(entry) ?? -1;
}

/** Midnight UTC of a calendar date, as the `day` column keeps it. */
export function dayOf(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** The calendar date a `day` value stands for. */
export function dateOf(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a calendar date. */
function dayNumber(date: string): number {
  return Math.round(dayOf(date).getTime() / DAY_MS);
}

function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of the Monday starting the week of `day` (1970-01-05 was a Monday). */
function mondayOf(day: number): number {
  return day - ((day + 3) % 7);
}

/** Months since January 1970 of a calendar date. */
function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/** Whose journal an operation reads, and the family whose Carebot analyses go beside it. */
interface Journal {
  ownerId: number;
  /** The family the owner is the main user of, if any (its MentalStatus rows). */
  familyId: number | undefined;
}

/**
 * The emotion journal (seed 002 §3.1): every user writes their own; the main user's may be read
 * by the family's managers and caregivers while the family's settings share it
 * (`shareJournal`, the `READ_SHARED_JOURNAL` action), never written by them.
 */
export class WellnessService {
  constructor(private readonly deps: { clock: () => Date }) {}

  /** The family a user is the main user of, if any. */
  private async familyOfMain(em: EntityManager, userId: number): Promise<number | undefined> {
    const family = await em.findOne(Family, { mainUser: userId }, { fields: ['id'] });
    return family?.id;
  }

  /**
   * The journal the viewer asks for: their own, or (with `familyId`) that family's main user's,
   * when the viewer is its main user or may READ_SHARED_JOURNAL while the family shares it.
   * NOT_FOUND outside the family, FORBIDDEN inside otherwise.
   */
  private async journal(ctx: Scope, familyId: number | undefined): Promise<Journal> {
    const viewer = requireUser(ctx.viewer);
    if (familyId === undefined)
      return { ownerId: viewer.userId, familyId: await this.familyOfMain(ctx.em, viewer.userId) };
    const standing = await ctx.access.standingIn(familyId);
    if (standing === undefined) throw new NotFoundError('Family', familyId);
    if (standing === 'MAIN') return { ownerId: viewer.userId, familyId };
    if (!allows('READ_SHARED_JOURNAL', standing) || !(await sharesJournal(ctx.em, familyId)))
      throw new ForbiddenError(
        "The main user's emotion journal is private unless they share it (settings.shareJournal).",
      );
    const family = await ctx.em.findOneOrFail(Family, { id: familyId }, { fields: ['mainUser'] });
    return { ownerId: family.mainUser.id, familyId };
  }

  /**
   * An entry the viewer may read: the writer's own; the main user's for a manager or caregiver
   * of that family while it shares the journal. Else NOT_FOUND (outside) or FORBIDDEN (inside).
   */
  async entry(ctx: Scope, id: number): Promise<EmotionEntry> {
    const viewer = requireUser(ctx.viewer);
    const entry = await ctx.em.findOne(EmotionEntry, { id });
    if (entry === null) throw new NotFoundError('EmotionEntry', id);
    if (entry.owner.id === viewer.userId) return entry;
    const familyId = await this.familyOfMain(ctx.em, entry.owner.id);
    const standing = familyId === undefined ? undefined : await ctx.access.standingIn(familyId);
    if (familyId === undefined || standing === undefined)
      throw new NotFoundError('EmotionEntry', id);
    if (!allows('READ_SHARED_JOURNAL', standing) || !(await sharesJournal(ctx.em, familyId)))
      throw new ForbiddenError(
        "The main user's emotion journal is private unless they share it (settings.shareJournal).",
      );
    sharedVia.set(entry, familyId);
    return entry;
  }

  /** An entry the viewer wrote; a reader of a shared journal gets FORBIDDEN (read-only). */
  private async ownEntry(ctx: Scope, id: number): Promise<EmotionEntry> {
    const entry = await this.entry(ctx, id);
    if (!ctx.access.isUser(entry.owner.id))
      throw new ForbiddenError('A shared journal is read-only: only its writer changes it.');
    return entry;
  }

  /** A journal date: a real date, not before 1900 and not after tomorrow (UTC+14 is ahead). */
  private checkDate(date: string, field: string): Date {
    const day = dayOf(date);
    if (date < '1900-01-01') throw BadUserInputError.field(field, 'must not be before 1900-01-01');
    if (day.getTime() > this.deps.clock().getTime() + DAY_MS)
      throw BadUserInputError.field(field, 'must not be in the future');
    return day;
  }

  /** Trimmed tags, each once, in the order given. */
  private static tags(tags: readonly string[]): string[] {
    return [...new Set(tags.map((tag) => tag.trim()))];
  }

  async create(ctx: Scope, input: CreateEmotionEntryInput): Promise<EmotionEntry> {
    const viewer = requireUser(ctx.viewer);
    const day = this.checkDate(input.date, 'input.date');
    const now = this.deps.clock();
    const entry = ctx.em.create(EmotionEntry, {
      owner: ctx.em.getReference(User, viewer.userId),
      emotion: input.emotion,
      intensity: input.intensity,
      note: input.note ?? '',
      tags: WellnessService.tags(input.tags ?? []),
      day,
      createdAt: now,
      updatedAt: now,
    });
    await ctx.em.flush();
    return entry;
  }

  async update(ctx: Scope, id: number, input: UpdateEmotionEntryInput): Promise<EmotionEntry> {
    const day = input.date == null ? undefined : this.checkDate(input.date, 'input.date');
    const entry = await this.ownEntry(ctx, id);
    if (input.emotion != null) entry.emotion = input.emotion;
    if (input.intensity != null) entry.intensity = input.intensity;
    if (input.note != null) entry.note = input.note;
    if (input.tags != null) entry.tags = WellnessService.tags(input.tags);
    if (day !== undefined) entry.day = day;
    entry.updatedAt = this.deps.clock();
    await ctx.em.flush();
    return entry;
  }

  /** Deletes an entry of the viewer's; returns its id. */
  async delete(ctx: Scope, id: number): Promise<number> {
    const entry = await this.ownEntry(ctx, id);
    ctx.em.remove(entry);
    await ctx.em.flush();
    return id;
  }

  /** A page of a journal, by date (`from`/`to` inclusive). */
  async entries(
    ctx: Scope,
    familyId: number | undefined,
    args: EmotionEntriesArgs,
  ): Promise<Connection<EmotionEntry>> {
    if (args.from != null && args.to != null && args.from > args.to)
      throw BadUserInputError.field('to', 'must not be before `from`');
    const journal = await this.journal(ctx, familyId);
    const page = await paginate({
      em: ctx.em,
      entity: EmotionEntry,
      where: { owner: journal.ownerId },
      timeField: 'day',
      args: {
        first: args.first,
        after: args.after,
        last: args.last,
        before: args.before,
        from: args.from == null ? null : dayOf(args.from),
        to: args.to == null ? null : new Date(dayOf(args.to).getTime() + DAY_MS),
        order: args.order ?? SortOrder.DESC,
      },
    });
    if (journal.familyId !== undefined && !ctx.access.isUser(journal.ownerId))
      for (const edge of page.edges) sharedVia.set(edge.node, journal.familyId);
    return page;
  }

  /**
   * Statistics of a journal over [from, to] (local dates), computed by the database: counts per
   * emotion and source, count and mean intensity per bucket and source, the longest and current
   * streak of days with an entry, and the slope of the negative emotions' mean intensity. The
   * Carebot's mood analyses (MentalStatus) of the family whose main user keeps the journal go
   * beside the entries, labelled CAREBOT, bucketed by their Seoul date.
   */
  async stats(
    ctx: Scope,
    args: EmotionStatsArgs,
    familyId: number | undefined,
  ): Promise<EmotionStats> {
    const { from, to, bucket } = args;
    if (from > to) throw BadUserInputError.field('to', 'must not be before `from`');
    const first = dayNumber(from);
    const last = dayNumber(to);
    if (last - first + 1 > JOURNAL_LIMITS.statsMaxDays)
      throw BadUserInputError.field(
        'to',
        `the period must be at most ${JOURNAL_LIMITS.statsMaxDays} days`,
      );
    const journal = await this.journal(ctx, familyId);
    const plain = new PlainReader(ctx.em);
    const mysql = ctx.em.getPlatform() instanceof BaseMySqlPlatform;

    // each source as (source, emotion, intensity, d = days since 1970, m = months since 1970)
    const journalDay = mysql ? 'to_days(e.`day`) - 719528' : 'e.`day` / 86400000';
    const journalMonth = mysql
      ? 'year(e.`day`) * 12 + month(e.`day`) - 1'
      : "cast(strftime('%Y', e.`day` / 1000, 'unixepoch') as integer) * 12 + cast(strftime('%m', e.`day` / 1000, 'unixepoch') as integer) - 1";
    const seoul = mysql ? 's.`measured_at` + interval 9 hour' : '(s.`measured_at` + 32400000)';
    const carebotDay = mysql ? `to_days(${seoul}) - 719528` : `${seoul} / 86400000`;
    const carebotMonth = mysql
      ? `year(${seoul}) * 12 + month(${seoul}) - 1`
      : `cast(strftime('%Y', ${seoul} / 1000, 'unixepoch') as integer) * 12 + cast(strftime('%m', ${seoul} / 1000, 'unixepoch') as integer) - 1`;
    const parts = [
      `select 'JOURNAL' as source, e.emotion as emotion, e.intensity * 1e0 as intensity, ` +
        `${journalDay} as d, ${journalMonth} as m from ${plain.table(EmotionEntry)} e ` +
        `where e.owner_id = ? and e.\`day\` >= ? and e.\`day\` < ?`,
    ];
    const params: unknown[] = [
      journal.ownerId,
      plain.date(dayOf(from)),
      plain.date(new Date(dayOf(to).getTime() + DAY_MS)),
    ];
    if (journal.familyId !== undefined) {
      parts.push(
        `select 'CAREBOT', s.emotion, (case s.emotion when 'JOY' then s.joy when 'SADNESS' then s.sadness ` +
          `when 'ANGER' then s.anger when 'ANXIETY' then s.anxiety else s.neutral end) * 10e0, ` +
          `${carebotDay}, ${carebotMonth} from \`mental_status\` s ` +
          `where s.family_id = ? and s.measured_at >= ? and s.measured_at < ?`,
      );
      params.push(journal.familyId, plain.date(seoulDay(from).from), plain.date(seoulDay(to).to));
    }
    const src = `with src as (${parts.join(' union all ')})`;
    const key = { DAY: 'd', WEEK: '(d - ((d + 3) % 7))', MONTH: 'm' }[bucket];
    // the trend's x: buckets since the first one of the period (whole numbers in every bucket)
    const [x, origin] =
      bucket === StatsBucket.DAY
        ? ['(d - ?) * 1e0', first]
        : bucket === StatsBucket.WEEK
          ? ['((d - ((d + 3) % 7)) - ?) * 1e0 / 7', mondayOf(first)]
          : ['(m - ?) * 1e0', monthIndex(from)];
    const today = dayNumber(seoulDate(this.deps.clock()));
    // the current run may end on the period's last day (or today, if earlier) or the day before
    const streakEnd = Math.min(last, today) - 1;
    const negatives = NEGATIVE_EMOTIONS.map((emotion) => `'${emotion}'`).join(', ');

    const counts = await plain.query(
      `${src} select source, emotion, count(*) as n from src group by source, emotion order by source, emotion`,
      params,
    );
    const buckets = await plain.query(
      `${src} select source, ${key} as k, count(*) as n, avg(intensity) as mean from src ` +
        `group by source, ${key} order by k, source`,
      params,
    );
    const [streaks] = await plain.query(
      `${src}, days as (select distinct d from src where source = 'JOURNAL'), ` +
        `runs as (select d, d - row_number() over (order by d) as grp from days), ` +
        `islands as (select max(d) as last_day, count(*) as len from runs group by grp) ` +
        `select coalesce(max(len), 0) as longest, ` +
        `coalesce(max(case when last_day >= ? then len end), 0) as current_run from islands`,
      [...params, streakEnd],
    );
    const [trend] = await plain.query(
      `${src}, b as (select ${x} as x, avg(intensity) as y from src ` +
        `where source = 'JOURNAL' and emotion in (${negatives}) group by ${x}) ` +
        `select count(*) as n, (count(*) * sum(x * y) - sum(x) * sum(y)) / ` +
        `(count(*) * sum(x * x) - sum(x) * sum(x)) as slope from b`,
      [...params, origin, origin],
    );
    const startOf = (k: number): string =>
      bucket === StatsBucket.MONTH
        ? `${String(Math.floor(k / 12)).padStart(4, '0')}-${String((k % 12) + 1).padStart(2, '0')}-01`
        : dateOfDayNumber(k);
    const n = Number(trend?.['n'] ?? 0);
    return {
      from,
      to,
      bucket,
      counts: counts.map((row) => ({
        source: row['source'] as MoodSource,
        emotion: row['emotion'] as Emotion,
        count: Number(row['n']),
      })),
      buckets: buckets.map((row) => ({
        start: startOf(Number(row['k'])),
        source: row['source'] as MoodSource,
        count: Number(row['n']),
        meanIntensity: Number(row['mean']),
      })),
      longestStreak: Number(streaks?.['longest'] ?? 0),
      currentStreak: Number(streaks?.['current_run'] ?? 0),
      negativeTrend: n < 2 || trend?.['slope'] == null ? null : Number(trend['slope']),
    };
  }
}
