import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { FamilyGrant } from '../../auth/access.js';
import { FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import { familyData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import { parseId } from '../../graphql/ids.js';
import { DateScalar } from '../../graphql/scalars.js';
import { Challenge, ChallengeStatus } from './challenge.entities.js';
import { ChallengeInput } from './challenge.inputs.js';
import { requiredCheckIns, streakOf } from './challenge.service.js';
import { dateOf } from './wellness.service.js';

@Resolver(() => Challenge)
export class ChallengeResolver {
  @SignedIn()
  @Query(() => [Challenge], {
    description: 'Your challenges (at most 200), the soonest ending first.',
  })
  challenges(
    @Ctx() ctx: Context,
    @Arg('status', () => ChallengeStatus, { nullable: true, description: 'Only this status.' })
    status?: ChallengeStatus | null,
  ): Promise<Challenge[]> {
    return ctx.app.services.challenge.list(ctx, status ?? undefined);
  }

  @SignedIn()
  @Query(() => Challenge, {
    nullable: true,
    description: 'A challenge you take or proposed; else NOT_FOUND.',
  })
  challenge(
    @Arg('id', () => ID, { description: 'The challenge.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Challenge> {
    return ctx.app.services.challenge.challenge(ctx, parseId(id, 'Challenge'));
  }

  @SignedIn()
  @Mutation(() => Challenge, { description: 'Starts a personal challenge (ACTIVE).' })
  createChallenge(
    @Arg('input', () => ChallengeInput, { description: 'The challenge.' }) input: ChallengeInput,
    @Ctx() ctx: Context,
  ): Promise<Challenge> {
    return ctx.app.services.challenge.create(ctx, input);
  }

  @SignedIn()
  @FamilyAccess('VIEW', { familyArg: 'familyId' })
  @Mutation(() => Challenge, {
    description:
      "Proposes a challenge to the family's main user (a manager or caregiver; PROPOSED until they accept or decline).",
  })
  proposeChallenge(
    @Arg('familyId', () => ID, { description: 'The family.' }) familyId: string,
    @Arg('input', () => ChallengeInput, { description: 'The challenge.' }) input: ChallengeInput,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<Challenge> {
    return ctx.app.services.challenge.propose(ctx, grant, input);
  }

  @SignedIn()
  @Mutation(() => Challenge, {
    description:
      'Accepts (ACTIVE) or declines (DECLINED) a proposed challenge of yours; CONFLICT unless PROPOSED.',
  })
  respondToChallenge(
    @Arg('id', () => ID, { description: 'The challenge.' }) id: string,
    @Arg('accept', () => Boolean, { description: 'True to accept, false to decline.' })
    accept: boolean,
    @Ctx() ctx: Context,
  ): Promise<Challenge> {
    return ctx.app.services.challenge.respond(ctx, parseId(id, 'Challenge'), accept);
  }

  @SignedIn()
  @Mutation(() => Challenge, {
    description:
      'Checks in on a day (default today): once a day, within its dates, not ahead; CONFLICT when already done or not ACTIVE.',
  })
  checkInChallenge(
    @Arg('id', () => ID, { description: 'The challenge.' }) id: string,
    @Ctx() ctx: Context,
    @Arg('date', () => DateScalar, {
      nullable: true,
      description: 'The local date (default today).',
    })
    date?: string | null,
  ): Promise<Challenge> {
    return ctx.app.services.challenge.checkIn(ctx, parseId(id, 'Challenge'), date ?? undefined);
  }

  @SignedIn()
  @Mutation(() => Challenge, {
    description: 'Ends an ACTIVE challenge of yours as COMPLETED or ABANDONED.',
  })
  setChallengeStatus(
    @Arg('id', () => ID, { description: 'The challenge.' }) id: string,
    @Arg('status', () => ChallengeStatus, { description: 'COMPLETED or ABANDONED.' })
    status: ChallengeStatus,
    @Ctx() ctx: Context,
  ): Promise<Challenge> {
    return ctx.app.services.challenge.setStatus(ctx, parseId(id, 'Challenge'), status);
  }

  @SignedIn()
  @Mutation(() => ID, { description: 'Deletes a challenge of yours with its check-ins.' })
  async deleteChallenge(
    @Arg('id', () => ID, { description: 'The challenge.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return String(await ctx.app.services.challenge.delete(ctx, parseId(id, 'Challenge')));
  }

  @FieldResolver(() => DateScalar, { description: 'First local date.' })
  startDate(@Root() challenge: Challenge): string {
    return dateOf(challenge.startDay);
  }

  @FieldResolver(() => DateScalar, { description: 'Last local date.' })
  endDate(@Root() challenge: Challenge): string {
    return dateOf(challenge.endDay);
  }

  @FieldResolver(() => Int, {
    description:
      'Check-ins asked in all: per 7-day block from the start, targetCount days (DAILY: every day).',
  })
  requiredCheckIns(@Root() challenge: Challenge): number {
    return requiredCheckIns(challenge);
  }

  @FieldResolver(() => [DateScalar], { description: 'Days checked in, oldest first.' })
  async checkInDates(@Root() challenge: Challenge, @Ctx() ctx: Context): Promise<string[]> {
    return (await ctx.app.services.challenge.checkIns(ctx, challenge)).map(dateOf);
  }

  @FieldResolver(() => Int, {
    description:
      'Consecutive days checked in up to today (or yesterday, if today is not done yet).',
  })
  async streak(@Root() challenge: Challenge, @Ctx() ctx: Context): Promise<number> {
    const days = await ctx.app.services.challenge.checkIns(ctx, challenge);
    return streakOf(days, ctx.app.services.challenge.today());
  }
}

familyData(Challenge, {
  // only its owner and its proposer ever read one: no family standing opens it
  familyOf: () => -1,
  read: 'VIEW',
  subjects: (challenge) =>
    challenge.proposedBy === null
      ? [challenge.owner.id]
      : [challenge.owner.id, challenge.proposedBy.id],
  subjectNote: 'its owner and its proposer',
});
