import type { FamilyGrant } from '../../auth/access.js';
import { marks } from '../../database/plain.js';
import type { EntityManager, Orm } from '../../database/orm.js';
import { query } from '../../database/sql.js';
import { BadUserInputError } from '../../graphql/errors.js';
import type { NotificationEvent } from '../../realtime/pubsub.js';
import type { Scope } from '../../scope.js';
import { memberPreference } from '../family/member-preference.js';
import { CARE_DEFAULTS } from '../routine/routine.entities.js';
import { instantOfWall, MINUTE_MS, parseTimeOfDay, zoneOffsetMs } from '../routine/routine.time.js';
import { DeliveryPreference } from './delivery-preference.entity.js';
import type { DeliveryPreferenceInput } from './delivery-preference.inputs.js';
import { GRADE_RANK, NotificationGrade } from './notification.enums.js';

const DAY_MS = 24 * 60 * MINUTE_MS;

/** What delivery reads of one member's preference in one family. */
export interface MemberPreference {
  userId: number;
  liveMinGrade: NotificationGrade;
  emailMinGrade: NotificationGrade;
  /** Minutes after local midnight; both null or both set. */
  quietStart: number | null;
  quietEnd: number | null;
}

/** The stored preferences of a family's members and the family's time zone. */
export interface FamilyPreferences {
  zone: string;
  members: ReadonlyMap<number, MemberPreference>;
}

const NO_PREFERENCES: FamilyPreferences = { zone: CARE_DEFAULTS.timeZone, members: new Map() };

/** The local minute of the day at `at` in `zone`, and the wall clock (as if UTC) there. */
function localClock(zone: string, at: Date): { minute: number; local: number } {
  const local = at.getTime() + zoneOffsetMs(zone, at);
  return { minute: Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS), local };
}

/** Whether `at` falls in the member's quiet hours (start inclusive, end exclusive; may wrap midnight). */
export function inQuietHours(pref: MemberPreference, zone: string, at: Date): boolean {
  if (pref.quietStart === null || pref.quietEnd === null) return false;
  const { minute } = localClock(zone, at);
  return pref.quietStart < pref.quietEnd
    ? minute >= pref.quietStart && minute < pref.quietEnd
    : minute >= pref.quietStart || minute < pref.quietEnd;
}

/**
 * The next end of the member's quiet hours after `at` (their quiet hours must be set): the
 * instant the family's wall clock reads the end, with the zone's offset at that instant (a
 * daylight-saving change overnight moves it by the hour).
 */
export function quietHoursEndAfter(pref: MemberPreference, zone: string, at: Date): Date {
  const { local } = localClock(zone, at);
  const endWall = Math.floor(local / DAY_MS) * DAY_MS + (pref.quietEnd ?? 0) * MINUTE_MS;
  const today = instantOfWall(zone, endWall);
  return today > at ? today : instantOfWall(zone, endWall + DAY_MS);
}

/**
 * Why a live push of a notification of `grade` is not for the member at `at`: below their
 * lowest live grade, or inside their quiet hours; null when it goes out. A CRIT always does.
 */
export function liveHold(
  pref: MemberPreference | undefined,
  grade: string,
  zone: string,
  at: Date,
): 'grade' | 'quiet' | null {
  if (pref === undefined || grade === (NotificationGrade.CRIT as string)) return null;
  const rank = GRADE_RANK[grade as NotificationGrade] ?? 0;
  if (rank < GRADE_RANK[pref.liveMinGrade]) return 'grade';
  return inQuietHours(pref, zone, at) ? 'quiet' : null;
}

/** Whether the member wants an e-mail for an alert of `grade` (CRIT: always). */
export function wantsEmail(pref: MemberPreference | undefined, grade: string): boolean {
  if (grade === (NotificationGrade.CRIT as string)) return true;
  return (
    pref !== undefined &&
    (GRADE_RANK[grade as NotificationGrade] ?? 0) >= GRADE_RANK[pref.emailMinGrade]
  );
}

/** The stored preferences of the given families, with their time zones: one statement. */
export async function preferencesOf(
  em: EntityManager,
  familyIds: readonly number[],
): Promise<(familyId: number) => FamilyPreferences> {
  const ids = [...new Set(familyIds)];
  const byFamily = new Map<number, { zone: string; members: Map<number, MemberPreference> }>();
  if (ids.length > 0) {
    const rows = await query(
      em,
      'select p.family_id, p.user_id, p.live_min_grade, p.email_min_grade, p.quiet_hours_start, ' +
        'p.quiet_hours_end, s.time_zone from `delivery_preference` p ' +
        'left join `care_settings` s on s.family_id = p.family_id ' +
        `where p.family_id in (${marks(ids)})`,
      ids,
    );
    for (const row of rows) {
      const text = (key: string): string | null => {
        const value = row[key];
        return typeof value === 'string' ? value : null;
      };
      const familyId = Number(row['family_id']);
      let family = byFamily.get(familyId);
      if (family === undefined) {
        family = {
          zone: text('time_zone') ?? CARE_DEFAULTS.timeZone,
          members: new Map(),
        };
        byFamily.set(familyId, family);
      }
      const userId = Number(row['user_id']);
      const start = text('quiet_hours_start');
      const end = text('quiet_hours_end');
      family.members.set(userId, {
        userId,
        liveMinGrade: (text('live_min_grade') ?? NotificationGrade.NONE) as NotificationGrade,
        emailMinGrade: (text('email_min_grade') ?? NotificationGrade.CRIT) as NotificationGrade,
        quietStart: start === null ? null : parseTimeOfDay(start),
        quietEnd: end === null ? null : parseTimeOfDay(end),
      });
    }
  }
  return (familyId) => byFamily.get(familyId) ?? NO_PREFERENCES;
}

/**
 * How long the live side trusts a family's preferences it read: a change on this process drops
 * them at once, one on another process counts within this long.
 */
const LIVE_CACHE_MS = 1000;

/** Members' delivery preferences: the GraphQL operations and the live pushes' checks. */
export class DeliveryPreferenceService {
  private readonly live = new Map<number, { at: number; read: Promise<FamilyPreferences> }>();

  constructor(private readonly deps: { orm: Orm; clock: () => Date }) {}

  /** The member's preference in the family, or the defaults (not stored). */
  preference(em: EntityManager, familyId: number, userId: number): Promise<DeliveryPreference> {
    return memberPreference(em, DeliveryPreference, familyId, userId, { persist: false });
  }

  /** Sets the caller's own preference in the family (fields left out stay as they are). */
  async update(
    ctx: Scope,
    { familyId }: FamilyGrant<'VIEW'>,
    userId: number,
    input: DeliveryPreferenceInput,
  ): Promise<DeliveryPreference> {
    // checked before anything is read or written: a bad input changes nothing
    const quiet = checkInput(input);
    const preference = await memberPreference(ctx.em, DeliveryPreference, familyId, userId, {
      persist: true,
    });
    if (input.liveMinGrade != null) preference.liveMinGrade = input.liveMinGrade;
    if (input.emailMinGrade != null) preference.emailMinGrade = input.emailMinGrade;
    if (quiet !== undefined) {
      preference.quietHoursStart = quiet.start;
      preference.quietHoursEnd = quiet.end;
    }
    preference.updatedAt = this.deps.clock();
    await ctx.em.flush();
    this.live.delete(familyId);
    return preference;
  }

  /**
   * Whether a live push of `event` is held back from user `userId` (their lowest live grade,
   * their quiet hours when its delivery started, else now). A family's preferences are read
   * once for every subscriber and event within {@link LIVE_CACHE_MS}: never one read per socket.
   */
  async holdsLive(userId: number, event: NotificationEvent): Promise<boolean> {
    if (event.grade === (NotificationGrade.CRIT as string)) return false;
    const now = Date.now();
    let cached = this.live.get(event.familyId);
    if (cached === undefined || now - cached.at > LIVE_CACHE_MS) {
      const read = preferencesOf(this.deps.orm.em.fork(), [event.familyId]).then((of) =>
        of(event.familyId),
      );
      cached = { at: now, read };
      this.live.set(event.familyId, cached);
      read.catch(() => this.live.delete(event.familyId));
    }
    const family = await cached.read;
    // an alert's quiet hours are judged when its delivery did: a push that comes after they end
    // must not reach a member that delivery held back, whose RELEASE pushes it again
    const at = event.deliveredAt === undefined ? this.deps.clock() : new Date(event.deliveredAt);
    return liveHold(family.members.get(userId), event.grade, family.zone, at) !== null;
  }
}

/**
 * Validates an update: BAD_USER_INPUT naming the field. Answers the quiet hours to store
 * (undefined: left as they are).
 */
function checkInput(
  input: DeliveryPreferenceInput,
): { start: string | null; end: string | null } | undefined {
  if (
    input.emailMinGrade != null &&
    input.emailMinGrade !== NotificationGrade.WARN &&
    input.emailMinGrade !== NotificationGrade.CRIT
  )
    throw BadUserInputError.field('input.emailMinGrade', 'must be WARN or CRIT');
  const start = input.quietHoursStart;
  const end = input.quietHoursEnd;
  if (start === undefined && end === undefined) return undefined;
  for (const [field, value] of [
    ['input.quietHoursStart', start],
    ['input.quietHoursEnd', end],
  ] as const)
    if (value != null && parseTimeOfDay(value) === null)
      throw BadUserInputError.field(field, 'must be a time of day, HH:MM (00:00–23:59)');
  if ((start == null) !== (end == null))
    throw BadUserInputError.field(
      start == null ? 'input.quietHoursStart' : 'input.quietHoursEnd',
      'quiet hours need both a start and an end (both null: none)',
    );
  if (start != null && start === end)
    throw BadUserInputError.field('input.quietHoursEnd', 'must differ from the start');
  return { start: start ?? null, end: end ?? null };
}
