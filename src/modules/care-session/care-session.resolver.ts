import type { FilterQuery } from '@mikro-orm/core';
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { allows, type FamilyGrant, requireDevice } from '../../auth/access.js';
import {
  DeviceOnly,
  FamilyAccess,
  Grant,
  SignedIn,
  UserOrDevice,
} from '../../auth/operation-access.js';
import { familyData, openData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import { NotFoundError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import { type CareSessionEvent, Topic } from '../../realtime/pubsub.js';
import { authorisedStream, live, refresh, resumeAfter } from '../live/live.resolver.js';
import {
  CareSession,
  CareSessionParameters,
  CareSessionTransition,
} from './care-session.entities.js';
import { CareSessionKind, DeviceCommandKind } from './care-session.enums.js';
import { CareSessionParametersInput, ReportCareSessionInput } from './care-session.inputs.js';
import { ElderFilterInput, ElderSummary, myElders } from './care-session.roster.js';

/** Most missed steps replayed to a subscriber resuming with `after`. */
const REPLAY_MAX = 500;

@ObjectType({ description: 'A command to a Carebot, as `deviceCommand` delivers it.' })
export class DeviceCommand {
  @Field(() => ID, {
    description: 'The command’s id (increasing): pass the last one seen as `after` to resume.',
  })
  id!: number;

  @Field(() => DeviceCommandKind, { description: 'What to do.' })
  kind!: DeviceCommandKind;

  @Field(() => CareSession, { description: 'The session it is about.' })
  session!: CareSession;

  @Field(() => Date, { description: 'When it was issued.' })
  issuedAt!: Date;

  @Field(() => ID, { description: 'The family (e.g. for uploading the result file).' })
  familyId!: number;
}

async function toCommand(ctx: Context, transitionId: number): Promise<DeviceCommand> {
  const step = await ctx.em.findOneOrFail(
    CareSessionTransition,
    { id: transitionId },
    { populate: ['session'] },
  );
  const session = step.session.getEntity();
  return {
    id: step.id,
    kind: step.command ?? DeviceCommandKind.START_SESSION,
    session,
    issuedAt: step.at,
    familyId: session.family.id,
  };
}

/**
 * The steps matching `where` after `after`, oldest first (at most {@link REPLAY_MAX}), as the
 * events `careSessionUpdated` and `deviceCommand` replay to a subscriber resuming.
 */
async function stepsAfter(
  ctx: Context,
  where: FilterQuery<CareSessionTransition>,
  after: number,
): Promise<CareSessionEvent[]> {
  const missed = await ctx.app.orm.em
    .fork()
    .find(
      CareSessionTransition,
      { $and: [where, { id: { $gt: after } }] },
      { orderBy: { id: 'asc' }, limit: REPLAY_MAX, populate: ['session'] },
    );
  return missed.map((step) => ({
    id: step.id,
    sessionId: step.session.id,
    familyId: step.session.getEntity().family.id,
    deviceId: step.device.id,
    command: step.command !== null,
  }));
}

@Resolver(() => CareSession)
export class CareSessionResolver {
  @FamilyAccess('READ', { careSessionArg: 'id' })
  @Query(() => CareSession, {
    description:
      'A care session of one of your families (its members and its Carebot); NOT_FOUND otherwise.',
  })
  careSession(
    @Arg('id', () => ID, { description: 'The session.' }) id: string,
    @Grant() grant: FamilyGrant,
    @Ctx() ctx: Context,
  ): Promise<CareSession> {
    return ctx.app.services.careSession.find(ctx.em, parseId(id, 'CareSession'), grant.familyId);
  }

  @SignedIn()
  @Query(() => [ElderSummary], {
    description:
      'The elders of every family you follow (main user, manager, caregiver), with open alerts, the last care session and the latest score; filtered, sorted by urgency (highest first).',
  })
  myElders(
    @Ctx() ctx: Context,
    @Arg('filter', () => ElderFilterInput, { nullable: true, description: 'Which elders.' })
    filter?: ElderFilterInput | null,
  ): Promise<ElderSummary[]> {
    return myElders(ctx, filter);
  }

  @FamilyAccess('VIEW', { familyArg: 'familyId' })
  @Mutation(() => CareSession, {
    description:
      "Starts a care session on the family's confirmed Carebot (main user, managers, caregivers): the Carebot gets it on `deviceCommand` and must accept within the accept timeout (else NO_RESPONSE). One session per Carebot at a time (CONFLICT, reason SESSION_ACTIVE).",
  })
  startCareSession(
    @Arg('familyId', () => ID, { description: 'The family whose Carebot runs it.' })
    _familyId: string,
    @Arg('kind', () => CareSessionKind, { description: 'What the session does.' })
    kind: CareSessionKind,
    @Arg('parameters', () => CareSessionParametersInput, {
      nullable: true,
      description: 'What it should do (optional).',
    })
    parameters: CareSessionParametersInput | null | undefined,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<CareSession> {
    return ctx.app.services.careSession.start(ctx, grant, kind, parameters);
  }

  @FamilyAccess('VIEW', { careSessionArg: 'sessionId' })
  @Mutation(() => CareSession, {
    description:
      'Stops a care session: one the Carebot has not accepted yet is STOPPED at once, a running one becomes STOP_REQUESTED until the Carebot reports STOPPED.',
  })
  stopCareSession(
    @Arg('sessionId', () => ID, { description: 'The session.' }) sessionId: string,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<CareSession> {
    return ctx.app.services.careSession.stop(ctx, grant, parseId(sessionId, 'CareSession'));
  }

  @DeviceOnly()
  @Mutation(() => CareSession, {
    description:
      'For a Carebot: reports on a session it was commanded to run. A report the state machine does not allow (e.g. COMPLETED before STARTED) is CONFLICT with `extensions.reason` INVALID_TRANSITION.',
  })
  reportCareSession(
    @Arg('input', () => ReportCareSessionInput, { description: 'The report.' })
    input: ReportCareSessionInput,
    @Ctx() ctx: Context,
  ): Promise<CareSession> {
    return ctx.app.services.careSession.report(ctx, input);
  }

  @FieldResolver(() => [CareSessionTransition], {
    description: 'Every step so far, oldest first, each with its time.',
  })
  transitions(@Root() session: CareSession, @Ctx() ctx: Context): Promise<CareSessionTransition[]> {
    return ctx.em.find(CareSessionTransition, { session: session.id }, { orderBy: { id: 'asc' } });
  }

  @UserOrDevice('READ on the session’s family, re-checked at every delivery')
  @Subscription(() => CareSessionTransition, {
    description:
      'Every step of a care session as it happens. With `after` (the last step id seen) the missed steps come first, in order, then live ones, each once.',
    subscribe: async ({ args: rawArgs, context }) => {
      const ctx = context as Context;
      const args = rawArgs as { sessionId: string; after?: string | null };
      live(ctx);
      const sessionId = parseId(args.sessionId, 'CareSession');
      const session = await ctx.em.findOne(CareSession, { id: sessionId }, { fields: ['family'] });
      if (session === null) throw new NotFoundError('CareSession', sessionId);
      const familyId = session.family.id;
      await ctx.access.requireFamily(familyId, 'READ', 'CareSession', sessionId);
      const after = args.after == null ? undefined : parseId(args.after, 'CareSessionTransition');
      const authorizer = ctx.app.liveAuthorizer;
      return authorisedStream(
        ctx,
        'careSessionUpdated',
        [
          ctx.app.pubSub.subscribe(
            Topic.CareSessionUpdated,
            sessionId,
          ) as AsyncIterable<CareSessionEvent>,
        ],
        async (viewer, event) => allows('READ', await authorizer.standing(viewer, event.familyId)),
        {
          idOf: (event) => event.id,
          ...resumeAfter(after, (after) => stepsAfter(ctx, { session: sessionId }, after)),
        },
      );
    },
  })
  careSessionUpdated(
    @Root() event: CareSessionEvent,
    @Ctx() ctx: Context,
    @Arg('sessionId', () => ID, { description: 'The session to watch.' }) _sessionId: string,
    @Arg('after', () => ID, {
      nullable: true,
      description: 'The last step id the client saw: replay what came after it first.',
    })
    _after?: string,
  ): Promise<CareSessionTransition> {
    refresh(ctx, ctx.viewer);
    return ctx.em.findOneOrFail(CareSessionTransition, { id: event.id });
  }

  @DeviceOnly()
  @Subscription(() => DeviceCommand, {
    description:
      'For a Carebot: the commands sent to it (start or stop a care session). With `after` (the last command id seen) the missed ones come first, then live ones, each once.',
    subscribe: async ({ args: rawArgs, context }) => {
      const ctx = context as Context;
      const args = rawArgs as { after?: string | null };
      live(ctx);
      const device = requireDevice(ctx.viewer);
      const after = args.after == null ? undefined : parseId(args.after, 'DeviceCommand');
      return authorisedStream(
        ctx,
        'deviceCommand',
        [
          ctx.app.pubSub.subscribe(
            Topic.DeviceCommand,
            device.deviceId,
          ) as AsyncIterable<CareSessionEvent>,
        ],
        async (viewer, event) =>
          viewer.kind === 'device' &&
          viewer.deviceId === event.deviceId &&
          viewer.familyId === event.familyId,
        {
          idOf: (event) => event.id,
          ...resumeAfter(after, (after) =>
            stepsAfter(ctx, { device: device.deviceId, command: { $ne: null } }, after),
          ),
        },
      );
    },
  })
  async deviceCommand(
    @Root() event: CareSessionEvent,
    @Ctx() ctx: Context,
    @Arg('after', () => ID, {
      nullable: true,
      description: 'The last command id the Carebot saw: replay what came after it first.',
    })
    _after?: string,
  ): Promise<DeviceCommand> {
    refresh(ctx, ctx.viewer);
    return toCommand(ctx, event.id);
  }
}

@Resolver(() => CareSessionTransition)
export class CareSessionTransitionResolver {
  @FieldResolver(() => CareSession, { description: 'The session this step belongs to.' })
  session(@Root() step: CareSessionTransition, @Ctx() ctx: Context): Promise<CareSession> {
    return ctx.em.findOneOrFail(CareSession, { id: step.session.id });
  }
}

familyData(CareSession, { familyOf: (session) => session.family.id, read: 'READ' });
familyData(CareSessionTransition, {
  familyOf: async (step, ctx) =>
    (await ctx.em.findOneOrFail(CareSession, { id: step.session.id }, { fields: ['family'] }))
      .family.id,
  read: 'READ',
});
familyData(ElderSummary, { familyOf: (elder) => elder.familyId, read: 'VIEW' });
familyData(DeviceCommand, { familyOf: (command) => command.familyId, read: 'READ' });
openData(CareSessionParameters, 'reachable only through CareSession.parameters (family data)');
