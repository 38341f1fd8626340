import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { requireUser, type FamilyGrant } from '../../auth/access.js';
import type { EntityManager, Orm } from '../../database/orm.js';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../graphql/errors.js';
import type { Scope } from '../../scope.js';
import { DAY_MS, seoulDate } from '../../util/seoul-time.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import {
  CHALLENGE_LIMITS,
  Challenge,
  ChallengeCheckIn,
  ChallengePeriod,
  ChallengeStatus,
} from './challenge.entities.js';
import type { ChallengeInput } from './challenge.inputs.js';
import { dateOf, dayOf } from './wellness.service.js';

/**
 * Check-ins a challenge asks for in all: each 7-day block from its start asks `targetCount`
 * days (DAILY: every day), the last block no more than it has days.
 */
export function requiredCheckIns(challenge: Challenge): number {
  const days = Math.round((challenge.endDay.getTime() - challenge.startDay.getTime()) / DAY_MS) + 1;
  let required = 0;
  for (let start = 0; start < days; start += 7) {
    const blockDays = Math.min(7, days - start);
    required +=
      challenge.period === ChallengePeriod.DAILY
        ? blockDays
        : Math.min(challenge.targetCount, blockDays);
  }
  return required;
}

/** Consecutive check-in days ending `today` or the day before (today may not be done yet). */
export function streakOf(days: readonly Date[], today: string): number {
  const set = new Set(days.map((day) => day.getTime()));
  let cursor = dayOf(today).getTime();
  if (!set.has(cursor)) cursor -= DAY_MS;
  let streak = 0;
  while (set.has(cursor)) {
    streak += 1;
    cursor -= DAY_MS;
  }
  return streak;
}

/**
 * Ends the challenges whose last day is over (Seoul date of `now`): ACTIVE ones COMPLETED when
 * their check-ins met the target, ABANDONED otherwise; unanswered proposals DECLINED. Each
 * change is a conditional update on the status, so overlapping runs change a challenge once.
 * Returns how many it ended.
 */
export async function closeEndedChallenges(orm: Orm, now: Date): Promise<number> {
  const em = orm.em.fork();
  const today = dayOf(seoulDate(now));
  const ended = await em.find(
    Challenge,
    { status: { $in: [ChallengeStatus.ACTIVE, ChallengeStatus.PROPOSED] }, endDay: { $lt: today } },
    { limit: 1000 },
  );
  let changed = 0;
  for (const challenge of ended) {
    let status = ChallengeStatus.DECLINED;
    if (challenge.status === ChallengeStatus.ACTIVE) {
      const done = await em.count(ChallengeCheckIn, { challenge: challenge.id });
      status =
        done >= requiredCheckIns(challenge) ? ChallengeStatus.COMPLETED : ChallengeStatus.ABANDONED;
    }
    changed += await em.nativeUpdate(
      Challenge,
      { id: challenge.id, status: challenge.status },
      { status },
    );
  }
  return changed;
}

/** Personal challenges (seed 002 §4.3): the owner's alone to change; a proposer may read theirs. */
export class ChallengeService {
  constructor(private readonly deps: { clock: () => Date }) {}

  /** The Seoul date of the server's clock. */
  today(): string {
    return seoulDate(this.deps.clock());
  }

  private checkInput(input: ChallengeInput): { startDay: Date; endDay: Date } {
    if (input.startDate > input.endDate)
      throw BadUserInputError.field('input.endDate', 'must not be before startDate');
    if (input.endDate < this.today())
      throw BadUserInputError.field('input.endDate', 'must not be in the past');
    const startDay = dayOf(input.startDate);
    const endDay = dayOf(input.endDate);
    if ((endDay.getTime() - startDay.getTime()) / DAY_MS + 1 > CHALLENGE_LIMITS.maxDays)
      throw BadUserInputError.field('input.endDate', 'the challenge must last at most 366 days');
    if (input.period === ChallengePeriod.DAILY && input.targetCount !== 1)
      throw BadUserInputError.field('input.targetCount', 'must be 1 for a DAILY challenge');
    return { startDay, endDay };
  }

  private build(em: EntityManager, ownerId: number, input: ChallengeInput): Challenge {
    const days = this.checkInput(input);
    return em.create(Challenge, {
      owner: em.getReference(User, ownerId),
      title: input.title.trim(),
      description: input.description ?? '',
      period: input.period,
      targetCount: input.targetCount,
      ...days,
      createdAt: this.deps.clock(),
    });
  }

  async create(ctx: Scope, input: ChallengeInput): Promise<Challenge> {
    const viewer = requireUser(ctx.viewer);
    const challenge = this.build(ctx.em, viewer.userId, input);
    await ctx.em.flush();
    return challenge;
  }

  /** A manager or caregiver proposes a challenge to the family's main user. */
  async propose(ctx: Scope, grant: FamilyGrant<'VIEW'>, input: ChallengeInput): Promise<Challenge> {
    const viewer = requireUser(ctx.viewer);
    if (grant.standing === 'MAIN')
      throw new ForbiddenError('The main user creates their own challenges (createChallenge).');
    const family = await ctx.em.findOneOrFail(
      Family,
      { id: grant.familyId },
      { fields: ['mainUser'] },
    );
    const challenge = this.build(ctx.em, family.mainUser.id, input);
    challenge.status = ChallengeStatus.PROPOSED;
    challenge.proposedBy = ctx.em.getReference(User, viewer.userId, { wrapped: true });
    challenge.family = ctx.em.getReference(Family, grant.familyId, { wrapped: true });
    await ctx.em.flush();
    return challenge;
  }

  /** A challenge of the viewer's, or one they proposed; NOT_FOUND for anyone else. */
  async challenge(ctx: Scope, id: number): Promise<Challenge> {
    const viewer = requireUser(ctx.viewer);
    const challenge = await ctx.em.findOne(Challenge, { id });
    if (
      challenge === null ||
      (challenge.owner.id !== viewer.userId && challenge.proposedBy?.id !== viewer.userId)
    )
      throw new NotFoundError('Challenge', id);
    return challenge;
  }

  private async own(ctx: Scope, id: number): Promise<Challenge> {
    const challenge = await this.challenge(ctx, id);
    if (!ctx.access.isUser(challenge.owner.id))
      throw new ForbiddenError('Only the one who takes a challenge changes it.');
    return challenge;
  }

  async list(ctx: Scope, status: ChallengeStatus | undefined): Promise<Challenge[]> {
    const viewer = requireUser(ctx.viewer);
    return ctx.em.find(
      Challenge,
      { owner: viewer.userId, ...(status === undefined ? {} : { status }) },
      { orderBy: { endDay: 'asc', id: 'asc' }, limit: 200 },
    );
  }

  /** Accepts (ACTIVE) or declines (DECLINED) a proposal; CONFLICT when it is not PROPOSED. */
  async respond(ctx: Scope, id: number, accept: boolean): Promise<Challenge> {
    const challenge = await this.own(ctx, id);
    if (challenge.status !== ChallengeStatus.PROPOSED)
      throw new ConflictError(`The challenge is ${challenge.status}, not a proposal.`);
    challenge.status = accept ? ChallengeStatus.ACTIVE : ChallengeStatus.DECLINED;
    await ctx.em.flush();
    return challenge;
  }

  /** The owner ends an ACTIVE challenge as COMPLETED or ABANDONED. */
  async setStatus(ctx: Scope, id: number, status: ChallengeStatus): Promise<Challenge> {
    if (status !== ChallengeStatus.COMPLETED && status !== ChallengeStatus.ABANDONED)
      throw BadUserInputError.field('status', 'must be COMPLETED or ABANDONED');
    const challenge = await this.own(ctx, id);
    if (challenge.status !== ChallengeStatus.ACTIVE)
      throw new ConflictError(`The challenge is ${challenge.status}, not ACTIVE.`);
    challenge.status = status;
    await ctx.em.flush();
    return challenge;
  }

  /** Records one day done (default today); at most once a day, within its dates, not ahead. */
  async checkIn(ctx: Scope, id: number, date: string | undefined): Promise<Challenge> {
    const challenge = await this.own(ctx, id);
    const day = date ?? this.today();
    if (challenge.status !== ChallengeStatus.ACTIVE)
      throw new ConflictError(`The challenge is ${challenge.status}: check-ins are closed.`);
    if (day > this.today()) throw BadUserInputError.field('date', 'must not be in the future');
    if (day < dateOf(challenge.startDay) || day > dateOf(challenge.endDay))
      throw BadUserInputError.field('date', 'must be within the challenge dates');
    try {
      await ctx.em.insert(ChallengeCheckIn, {
        challenge: challenge.id,
        day: dayOf(day),
        createdAt: this.deps.clock(),
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw new ConflictError(`Already checked in on ${day}.`);
      throw error;
    }
    return challenge;
  }

  async delete(ctx: Scope, id: number): Promise<number> {
    await this.own(ctx, id);
    await ctx.em.transactional(async (em) => {
      await em.nativeDelete(ChallengeCheckIn, { challenge: id });
      await em.nativeDelete(Challenge, { id });
    });
    return id;
  }

  /** Check-in days of a challenge, oldest first. */
  async checkIns(ctx: Scope, challenge: Challenge): Promise<Date[]> {
    const rows = await ctx.em.find(
      ChallengeCheckIn,
      { challenge: challenge.id },
      { orderBy: { day: 'asc' }, fields: ['day'] },
    );
    return rows.map((row) => row.day);
  }
}
