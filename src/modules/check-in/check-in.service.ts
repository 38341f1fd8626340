import { type FamilyGrant, requireDevice, requireUser } from '../../auth/access.js';
import type { EntityManager } from '../../database/orm.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../../graphql/errors.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { NotificationGrade, NotificationKind } from '../notification/notification.enums.js';
import { notify } from '../notification/notify.js';
import { formatTimeOfDay, parseTimeOfDay } from '../routine/routine.time.js';
import { CheckIn, CheckInOccurrence } from './check-in.entities.js';
import {
  CheckInKind,
  CheckInSchedule,
  MEASUREMENTS,
  OccurrenceState,
  type Weekday,
  WEEKDAYS,
} from './check-in.enums.js';
import {
  type CheckInAnswerInput,
  type CheckInInput,
  type CheckInUpdateInput,
  GRACE_DEFAULT,
} from './check-in.inputs.js';
import { dayRange } from './check-in.time.js';

/** At most this many check-ins per family. */
export const CHECK_INS_PER_FAMILY_MAX = 50;

/** The longest range `Family.checkInOccurrences` lists, in days. */
export const OCCURRENCE_RANGE_MAX_DAYS = 92;

const EVERY_DAY = (1 << WEEKDAYS.length) - 1;

/** The weekdays of a mask, Monday first. */
export function weekdaysOf(mask: number): Weekday[] {
  return WEEKDAYS.filter((_, index) => (mask & (1 << index)) !== 0);
}

/** How a check-in's schedule reads: DAILY when every day is in it. */
export function scheduleOf(mask: number): CheckInSchedule {
  return mask === EVERY_DAY ? CheckInSchedule.DAILY : CheckInSchedule.WEEKDAYS;
}

/** The columns a check-in's settings come to, after the checks that span fields. */
interface Settings {
  prompt: string;
  medication: boolean;
  alertBelow: number | null;
  alertAbove: number | null;
  minute: number;
  weekdayMask: number;
  graceMinutes: number;
  active: boolean;
}

/**
 * A check-in's settings once `input` is applied to `current` (null on create), checked as a
 * whole: what belongs to the other kind, the weekdays against the schedule, limits against the
 * measurement's sane range. Throws BAD_USER_INPUT naming the field.
 */
function settingsOf(
  kind: CheckInKind,
  measurement: CheckIn['measurement'],
  input: CheckInUpdateInput,
  current: CheckIn | null,
): Settings {
  const prompt = (input.prompt ?? current?.prompt ?? '').trim();
  if (prompt === '') throw BadUserInputError.field('input.prompt', 'must not be blank');
  const time = input.time ?? (current === null ? null : formatTimeOfDay(current.minute));
  const minute = time === null ? null : parseTimeOfDay(time);
  if (minute === null) throw BadUserInputError.field('input.time', 'must be HH:MM');
  const medication = input.medication ?? current?.medication ?? false;
  // undefined keeps a limit, null clears it
  const alertBelow =
    input.alertBelow === undefined ? (current?.alertBelow ?? null) : input.alertBelow;
  const alertAbove =
    input.alertAbove === undefined ? (current?.alertAbove ?? null) : input.alertAbove;
  if (kind === CheckInKind.QUESTION) {
    if (alertBelow !== null)
      throw BadUserInputError.field('input.alertBelow', 'is only for MEASUREMENT');
    if (alertAbove !== null)
      throw BadUserInputError.field('input.alertAbove', 'is only for MEASUREMENT');
  } else {
    if (medication) throw BadUserInputError.field('input.medication', 'is only for QUESTION');
    const range = MEASUREMENTS[measurement!];
    const within = `must lie within ${range.min}–${range.max} ${range.unit}`;
    if (alertBelow !== null && (alertBelow < range.min || alertBelow > range.max))
      throw BadUserInputError.field('input.alertBelow', within);
    if (alertAbove !== null && (alertAbove < range.min || alertAbove > range.max))
      throw BadUserInputError.field('input.alertAbove', within);
    if (alertBelow !== null && alertAbove !== null && alertAbove <= alertBelow)
      throw BadUserInputError.field('input.alertAbove', 'must be above alertBelow');
  }
  const schedule =
    input.schedule ?? (current === null ? CheckInSchedule.DAILY : scheduleOf(current.weekdayMask));
  let weekdayMask = EVERY_DAY;
  if (schedule === CheckInSchedule.DAILY) {
    if (input.weekdays != null && input.weekdays.length > 0)
      throw BadUserInputError.field('input.weekdays', 'is only for WEEKDAYS');
  } else {
    const days = input.weekdays ?? (current === null ? [] : weekdaysOf(current.weekdayMask));
    if (days.length === 0)
      throw BadUserInputError.field('input.weekdays', 'must name at least one day with WEEKDAYS');
    weekdayMask = days.reduce((mask, day) => mask | (1 << WEEKDAYS.indexOf(day)), 0);
  }
  return {
    prompt,
    medication,
    alertBelow,
    alertAbove,
    minute,
    weekdayMask,
    graceMinutes: input.graceMinutes ?? current?.graceMinutes ?? GRACE_DEFAULT,
    active: input.active ?? current?.active ?? true,
  };
}

/** Whether an answer worries: NO to a medication question, a value outside the limits. */
function isNegative(checkIn: CheckIn, answer: { yes: boolean | null; value: number | null }) {
  if (checkIn.kind === CheckInKind.QUESTION) return checkIn.medication && answer.yes === false;
  const { value } = answer;
  return (
    value !== null &&
    ((checkIn.alertBelow !== null && value < checkIn.alertBelow) ||
      (checkIn.alertAbove !== null && value > checkIn.alertAbove))
  );
}

/** The alert's text for a missed or worrying occurrence. */
export function alertMessage(
  checkIn: CheckIn,
  occurrence: Pick<CheckInOccurrence, 'minute' | 'state' | 'value'>,
): string {
  const due = formatTimeOfDay(occurrence.minute);
  const what = `"${checkIn.prompt}"`;
  if (occurrence.state === OccurrenceState.MISSED)
    return checkIn.medication
      ? `Medication check-in missed: ${what} (due ${due}) was not answered within ${checkIn.graceMinutes} minutes.`
      : `Check-in missed: ${what} (due ${due}) was not answered within ${checkIn.graceMinutes} minutes.`;
  if (checkIn.kind === CheckInKind.QUESTION)
    return `Medication not taken: the answer to ${what} (due ${due}) was NO.`;
  const { unit, label } = MEASUREMENTS[checkIn.measurement!];
  const value = occurrence.value!;
  const limit =
    checkIn.alertBelow !== null && value < checkIn.alertBelow
      ? `below the limit of ${checkIn.alertBelow} ${unit}`
      : `above the limit of ${checkIn.alertAbove} ${unit}`;
  return `${label} ${value} ${unit} is ${limit} (${what}, due ${due}).`;
}

/**
 * Raises the one alert an occurrence owes (missed or worrying), keyed by the occurrence so no
 * run, node or retry raises it twice, then marks it raised.
 */
export async function raiseOwedAlert(
  em: EntityManager,
  events: EventBus,
  checkIn: CheckIn,
  occurrence: Pick<CheckInOccurrence, 'id' | 'family' | 'minute' | 'state' | 'value'>,
  now: Date,
): Promise<boolean> {
  const raised = await notify(em, events, {
    familyId: occurrence.family.id,
    grade: NotificationGrade.WARN,
    kind: NotificationKind.HEALTH,
    message: alertMessage(checkIn, occurrence),
    createdAt: now,
    dedupeKey: `check-in:${occurrence.id}`,
  });
  await em.nativeUpdate(
    CheckInOccurrence,
    { id: occurrence.id, needsAlert: true },
    { needsAlert: false, alertedAt: now },
  );
  return raised !== null;
}

/** Check-ins and medication (issue 20 item 4): schedules, answers, occurrences. */
export class CheckInService {
  constructor(private readonly deps: { events: EventBus; clock: () => Date }) {}

  list(em: EntityManager, familyId: number): Promise<CheckIn[]> {
    return em.find(CheckIn, { family: familyId }, { orderBy: { id: 'asc' } });
  }

  async create(
    ctx: Scope,
    { familyId }: FamilyGrant<'VIEW'>,
    input: CheckInInput,
  ): Promise<CheckIn> {
    const viewer = requireUser(ctx.viewer);
    if (input.kind === CheckInKind.MEASUREMENT && input.measurement == null)
      throw BadUserInputError.field('input.measurement', 'is required for MEASUREMENT');
    if (input.kind === CheckInKind.QUESTION && input.measurement != null)
      throw BadUserInputError.field('input.measurement', 'is only for MEASUREMENT');
    const measurement = input.measurement ?? null;
    const settings = settingsOf(input.kind, measurement, input, null);
    if ((await ctx.em.count(CheckIn, { family: familyId })) >= CHECK_INS_PER_FAMILY_MAX)
      throw BadUserInputError.field(
        'input',
        `a family has at most ${CHECK_INS_PER_FAMILY_MAX} check-ins`,
      );
    const now = this.deps.clock();
    const checkIn = ctx.em.create(CheckIn, {
      family: ctx.em.getReference(Family, familyId),
      createdBy: ctx.em.getReference(User, viewer.userId),
      kind: input.kind,
      measurement,
      ...settings,
      scheduleFrom: now,
      createdAt: now,
      updatedAt: now,
    });
    await ctx.em.flush();
    return checkIn;
  }

  async update(
    ctx: Scope,
    { familyId }: FamilyGrant<'VIEW'>,
    checkInId: number,
    input: CheckInUpdateInput,
  ): Promise<CheckIn> {
    requireUser(ctx.viewer);
    const checkIn = await this.find(ctx.em, familyId, checkInId);
    const settings = settingsOf(checkIn.kind, checkIn.measurement, input, checkIn);
    const now = this.deps.clock();
    // a new time, new days or a return from pause count from now: no occurrence falls due
    // retroactively earlier today
    const rescheduled =
      settings.minute !== checkIn.minute ||
      settings.weekdayMask !== checkIn.weekdayMask ||
      (settings.active && !checkIn.active);
    ctx.em.assign(checkIn, {
      ...settings,
      updatedAt: now,
      ...(rescheduled ? { scheduleFrom: now } : {}),
    });
    await ctx.em.flush();
    return checkIn;
  }

  /** Deletes a check-in with its occurrences (to keep the history, set `active: false`). */
  async remove(ctx: Scope, { familyId }: FamilyGrant<'VIEW'>, checkInId: number): Promise<boolean> {
    requireUser(ctx.viewer);
    await this.find(ctx.em, familyId, checkInId);
    await ctx.em.transactional(async (tx) => {
      await tx.nativeDelete(CheckInOccurrence, { checkIn: checkInId });
      await tx.nativeDelete(CheckIn, { id: checkInId, family: familyId });
    });
    return true;
  }

  /** The family's occurrences due on local dates `from`…`to` (inclusive), oldest first. */
  occurrences(
    em: EntityManager,
    familyId: number,
    from: string,
    to: string,
  ): Promise<CheckInOccurrence[]> {
    const { first, last } = dayRange(from, to, OCCURRENCE_RANGE_MAX_DAYS);
    return em.find(
      CheckInOccurrence,
      { family: familyId, localDay: { $gte: first, $lte: last } },
      { orderBy: { dueAt: 'asc', id: 'asc' }, populate: ['checkIn'] },
    );
  }

  /** The calling Carebot's family's check-ins waiting for an answer, oldest first. */
  pending(ctx: Scope): Promise<CheckInOccurrence[]> {
    const device = requireDevice(ctx.viewer);
    return ctx.em.find(
      CheckInOccurrence,
      {
        family: device.familyId,
        state: OccurrenceState.PENDING,
        expiresAt: { $gt: this.deps.clock() },
      },
      { orderBy: { dueAt: 'asc', id: 'asc' }, populate: ['checkIn'] },
    );
  }

  /**
   * The Carebot answers a due check-in of its family. The answer lands only while the
   * occurrence is PENDING and in its grace period (one conditional UPDATE, so an answer racing
   * the expiry job either lands or is CONFLICT); a worrying answer raises its alert at once.
   */
  async answer(
    ctx: Scope,
    occurrenceId: number,
    input: CheckInAnswerInput,
  ): Promise<CheckInOccurrence> {
    const device = requireDevice(ctx.viewer);
    const occurrence = await ctx.em.findOne(
      CheckInOccurrence,
      { id: occurrenceId, family: device.familyId },
      { populate: ['checkIn'] },
    );
    if (occurrence === null) throw new NotFoundError('CheckInOccurrence', occurrenceId);
    const checkIn = occurrence.checkIn.getEntity();
    const yes = input.yes ?? null;
    const value = input.value ?? null;
    if (checkIn.kind === CheckInKind.QUESTION) {
      if (yes === null) throw BadUserInputError.field('answer.yes', 'is required for a QUESTION');
      if (value !== null)
        throw BadUserInputError.field('answer.value', 'is only for a MEASUREMENT');
    } else {
      if (value === null)
        throw BadUserInputError.field('answer.value', 'is required for a MEASUREMENT');
      if (yes !== null) throw BadUserInputError.field('answer.yes', 'is only for a QUESTION');
      const { min, max, unit } = MEASUREMENTS[checkIn.measurement!];
      if (value < min || value > max)
        throw BadUserInputError.field('answer.value', `must lie within ${min}–${max} ${unit}`);
    }
    const now = this.deps.clock();
    const negative = isNegative(checkIn, { yes, value });
    const changes = {
      state: OccurrenceState.ANSWERED,
      yes,
      value,
      negative,
      needsAlert: negative,
      answeredAt: now,
    };
    const updated = await ctx.em.nativeUpdate(
      CheckInOccurrence,
      { id: occurrence.id, state: OccurrenceState.PENDING, expiresAt: { $gt: now } },
      changes,
    );
    if (updated === 0)
      throw new ConflictError(
        occurrence.state === OccurrenceState.ANSWERED
          ? 'This check-in was answered already.'
          : 'This check-in has expired: its grace period is over.',
      );
    // if this fails the alert stays owed (needsAlert) and the check-in job raises it
    if (negative)
      await raiseOwedAlert(ctx.em, this.deps.events, checkIn, { ...occurrence, ...changes }, now);
    await ctx.em.refresh(occurrence);
    return occurrence;
  }

  private async find(em: EntityManager, familyId: number, checkInId: number): Promise<CheckIn> {
    const checkIn = await em.findOne(CheckIn, { id: checkInId, family: familyId });
    if (checkIn === null) throw new NotFoundError('CheckIn', checkInId);
    return checkIn;
  }
}
