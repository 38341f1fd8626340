import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { type FamilyGrant, requireDevice } from '../../auth/access.js';
import { DeviceOnly, FamilyAccess, Grant } from '../../auth/operation-access.js';
import { familyData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { parseId } from '../../graphql/ids.js';
import { DateScalar } from '../../graphql/scalars.js';
import { Topic } from '../../realtime/pubsub.js';
import { Family } from '../family/family.entity.js';
import { authorisedStream, live, refresh } from '../live/live.resolver.js';
import { formatTimeOfDay } from '../routine/routine.time.js';
import { CheckInAdherence, checkInAdherence } from './check-in.adherence.js';
import { CheckIn, CheckInOccurrence } from './check-in.entities.js';
import { CheckInSchedule, MEASUREMENTS, OccurrenceState, Weekday } from './check-in.enums.js';
import { CheckInAnswerInput, CheckInInput, CheckInUpdateInput } from './check-in.inputs.js';
import { scheduleOf, weekdaysOf } from './check-in.service.js';
import { isoOfDay } from './check-in.time.js';

/** Most missed due check-ins replayed to a Carebot resuming with `after`. */
const REPLAY_MAX = 500;

const FAMILY_ID = { description: 'The family.' };
const CHECK_IN_ID = { description: 'The check-in.' };

/** A due check-in as published to the family's Carebot. */
interface DueEvent {
  id: number;
  familyId: number;
}

@Resolver(() => CheckIn)
export class CheckInResolver {
  @FamilyAccess('VIEW', { familyArg: 'familyId' })
  @Mutation(() => CheckIn, {
    description:
      "Schedules a check-in on the family's Carebot (main user, managers, caregivers): a yes/no question or a measurement at a time of day.",
  })
  createCheckIn(
    @Arg('familyId', () => ID, FAMILY_ID) _familyId: string,
    @Arg('input', () => CheckInInput, { description: 'The check-in.' }) input: CheckInInput,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<CheckIn> {
    return ctx.app.services.checkIn.create(ctx, grant, input);
  }

  @FamilyAccess('VIEW', { familyArg: 'familyId' })
  @Mutation(() => CheckIn, {
    description:
      "Changes one of the family's check-ins; a new time or new days count from now (NOT_FOUND for another family's).",
  })
  updateCheckIn(
    @Arg('familyId', () => ID, FAMILY_ID) _familyId: string,
    @Arg('checkInId', () => ID, CHECK_IN_ID) checkInId: string,
    @Arg('input', () => CheckInUpdateInput, {
      description: 'The changes (null limits clear them).',
    })
    input: CheckInUpdateInput,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<CheckIn> {
    return ctx.app.services.checkIn.update(ctx, grant, parseId(checkInId, 'CheckIn'), input);
  }

  @FamilyAccess('VIEW', { familyArg: 'familyId' })
  @Mutation(() => Boolean, {
    description:
      "Deletes one of the family's check-ins with its history (set `active: false` to keep the history).",
  })
  deleteCheckIn(
    @Arg('familyId', () => ID, FAMILY_ID) _familyId: string,
    @Arg('checkInId', () => ID, CHECK_IN_ID) checkInId: string,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.checkIn.remove(ctx, grant, parseId(checkInId, 'CheckIn'));
  }

  @DeviceOnly()
  @Mutation(() => CheckInOccurrence, {
    description:
      'For a Carebot: answers a due check-in of its family (yes/no for a QUESTION, the value for a MEASUREMENT). CONFLICT once answered or expired; a worrying answer raises a WARN alert at once.',
  })
  answerCheckIn(
    @Arg('occurrenceId', () => ID, { description: 'The due check-in (`checkInDue` id).' })
    occurrenceId: string,
    @Arg('answer', () => CheckInAnswerInput, { description: 'The answer.' })
    answer: CheckInAnswerInput,
    @Ctx() ctx: Context,
  ): Promise<CheckInOccurrence> {
    return ctx.app.services.checkIn.answer(ctx, parseId(occurrenceId, 'CheckInOccurrence'), answer);
  }

  @DeviceOnly()
  @Query(() => [CheckInOccurrence], {
    description:
      "For a Carebot: its family's check-ins that are due and still waiting for an answer, oldest first.",
  })
  pendingCheckIns(@Ctx() ctx: Context): Promise<CheckInOccurrence[]> {
    return ctx.app.services.checkIn.pending(ctx);
  }

  @DeviceOnly()
  @Subscription(() => CheckInOccurrence, {
    description:
      'For a Carebot: each check-in of its family as it falls due. With `after` (the last occurrence id seen) the missed ones still pending come first, then live ones, each once.',
    subscribe: ({ args: rawArgs, context }) => {
      const ctx = context as Context;
      const args = rawArgs as { after?: string | null };
      live(ctx);
      const device = requireDevice(ctx.viewer);
      const after = args.after == null ? undefined : parseId(args.after, 'CheckInOccurrence');
      const { familyId } = device;
      return authorisedStream(
        ctx,
        'checkInDue',
        [ctx.app.pubSub.subscribe(Topic.CheckInDue, familyId) as AsyncIterable<DueEvent>],
        async (viewer, event) => viewer.kind === 'device' && viewer.familyId === event.familyId,
        {
          idOf: (event) => event.id,
          ...(after === undefined
            ? {}
            : {
                after,
                replay: async () => {
                  const missed = await ctx.app.orm.em.fork().find(
                    CheckInOccurrence,
                    {
                      family: familyId,
                      state: OccurrenceState.PENDING,
                      id: { $gt: after },
                    },
                    { orderBy: { id: 'asc' }, limit: REPLAY_MAX, fields: ['id'] },
                  );
                  return missed.map((occurrence) => ({ id: occurrence.id, familyId }));
                },
              }),
        },
      );
    },
  })
  checkInDue(
    @Root() event: DueEvent,
    @Ctx() ctx: Context,
    @Arg('after', () => ID, {
      nullable: true,
      description:
        'The last occurrence id the Carebot saw: replay the pending ones after it first.',
    })
    _after?: string,
  ): Promise<CheckInOccurrence> {
    refresh(ctx, ctx.viewer);
    return ctx.em.findOneOrFail(CheckInOccurrence, { id: event.id }, { populate: ['checkIn'] });
  }

  @FieldResolver(() => String, { description: "Time of day it falls due, HH:MM (family's zone)." })
  time(@Root() checkIn: CheckIn): string {
    return formatTimeOfDay(checkIn.minute);
  }

  @FieldResolver(() => CheckInSchedule, { description: 'Every day, or some weekdays.' })
  schedule(@Root() checkIn: CheckIn): CheckInSchedule {
    return scheduleOf(checkIn.weekdayMask);
  }

  @FieldResolver(() => [Weekday], { description: 'The days it falls due, Monday first.' })
  weekdays(@Root() checkIn: CheckIn): Weekday[] {
    return weekdaysOf(checkIn.weekdayMask);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "MEASUREMENT: the value's unit (e.g. mmHg); null for a question.",
  })
  unit(@Root() checkIn: CheckIn): string | null {
    return checkIn.measurement === null ? null : MEASUREMENTS[checkIn.measurement].unit;
  }
}

@Resolver(() => CheckInOccurrence)
export class CheckInOccurrenceResolver {
  @FieldResolver(() => CheckIn, { description: 'The check-in that fell due.' })
  checkIn(@Root() occurrence: CheckInOccurrence, @Ctx() ctx: Context): Promise<CheckIn> {
    return ctx.em.findOneOrFail(CheckIn, { id: occurrence.checkIn.id });
  }

  @FieldResolver(() => DateScalar, { description: "The family's local date it fell due on." })
  localDate(@Root() occurrence: CheckInOccurrence): string {
    return isoOfDay(occurrence.localDay);
  }

  @FieldResolver(() => String, { description: 'The local time it fell due at, HH:MM.' })
  time(@Root() occurrence: CheckInOccurrence): string {
    return formatTimeOfDay(occurrence.minute);
  }
}

/** A family's check-ins, their occurrences and adherence (VIEW, like its readings). */
@Resolver(() => Family)
export class FamilyCheckInResolver {
  @FieldResolver(() => [CheckIn], {
    description: 'Check-ins scheduled on the Carebot, oldest first.',
  })
  checkIns(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<CheckIn[]> {
    return ctx.app.services.checkIn.list(ctx.em, family.id);
  }

  @FieldResolver(() => [CheckInOccurrence], {
    description: 'Check-ins that fell due on these local dates, with their answers, oldest first.',
  })
  checkInOccurrences(
    @Root() family: Plain<Family>,
    @Arg('from', () => DateScalar, { description: 'First local date (inclusive).' }) from: string,
    @Arg('to', () => DateScalar, {
      description: 'Last local date (inclusive), at most 92 days after `from`.',
    })
    to: string,
    @Ctx() ctx: Context,
  ): Promise<CheckInOccurrence[]> {
    return ctx.app.services.checkIn.occurrences(ctx.em, family.id, from, to);
  }

  @FieldResolver(() => CheckInAdherence, {
    description:
      'Check-in adherence per ISO week (Monday first, local dates), per check-in and in total; computed in the database (one statement).',
  })
  checkInAdherence(
    @Root() family: Plain<Family>,
    @Arg('from', () => DateScalar, { description: 'First local date (inclusive).' }) from: string,
    @Arg('to', () => DateScalar, {
      description: 'Last local date (inclusive), at most 366 days after `from`.',
    })
    to: string,
    @Ctx() ctx: Context,
  ): Promise<CheckInAdherence> {
    return checkInAdherence(ctx.em, family.id, from, to);
  }
}

familyData(CheckIn, { familyOf: (checkIn) => checkIn.family.id, read: 'READ' });
familyData(CheckInOccurrence, { familyOf: (occurrence) => occurrence.family.id, read: 'READ' });
