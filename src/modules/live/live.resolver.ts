import { Repeater } from '@graphql-yoga/subscription';
import { DeviceOnly, UserOrDevice } from '../../auth/operation-access.js';
import { Arg, Ctx, Field, ID, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { Access, allows, requireDevice } from '../../auth/access.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Context } from '../../context.js';
import { Loaders } from '../../database/loaders.js';
import { BadUserInputError, ResyncRequiredError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import type { MessageEvent, NotificationEvent } from '../../realtime/pubsub.js';
import { Topic } from '../../realtime/pubsub.js';
import { type SharedVerdict, shareLiveFields } from '../../realtime/fanout.js';
import type { LiveAuthorizer } from '../../realtime/live-auth.js';
import { Message } from '../message/message.entity.js';
import { Notification } from '../notification/notification.entity.js';
import { GRADE_RANK, NotificationGrade, gradesFrom } from '../notification/notification.enums.js';
import { toNotificationEvent } from '../notification/notification.service.js';
import { missedNotifications } from '../notification/notification.resume.js';
import { hears, managedFamilies } from '../notification/notification.audience.js';
import type { DeliveryPreferenceService } from '../notification/delivery-preference.js';
import { CarebotSettings } from '../settings/settings.entity.js';
import { openData } from '../../auth/type-access.js';

/** Most missed notifications replayed on resume; more than that and the client must resync. */
const REPLAY_MAX = 1000;

@ObjectType({ description: "The viewer's unread counts." })
export class UnreadCounts {
  @Field(() => Int, { description: 'Unread received messages.' })
  messages!: number;

  @Field(() => Int, { description: "Unread notifications across the viewer's families." })
  notifications!: number;
}

export function live(ctx: Context) {
  if (ctx.live === undefined)
    throw new BadUserInputError({}, 'Subscriptions run over the WebSocket endpoint only.');
  return ctx.live;
}

/** Gives an event its own EntityManager, loaders and access answers: nothing is cached across events. */
export function refresh(ctx: Context, viewer: Viewer): void {
  const em = ctx.app.orm.em.fork();
  Object.assign(ctx, { em, viewer, loaders: new Loaders(em), access: new Access({ em, viewer }) });
}

/** Families whose notifications the viewer may see (VIEW), or NOT_FOUND / FORBIDDEN for `familyId`. */
async function notificationFamilies(
  ctx: Context,
  familyId: string | null | undefined,
): Promise<number[]> {
  if (familyId != null) {
    const id = parseId(familyId, 'Family');
    await ctx.access.requireFamily(id, 'VIEW');
    return [id];
  }
  return ctx.access.familiesAllowed('VIEW');
}

/**
 * Live events, each one re-authorised just before delivery: a revoked credential closes the
 * socket (4403), a lost membership ends the subscription, and the rest go out in order.
 */
export function authorisedStream<T>(
  ctx: Context,
  name: string,
  sources: AsyncIterable<T>[],
  /** false ends the subscription (the viewer lost what it was about); 'skip' drops this event. */
  authorise: (viewer: Viewer, event: T) => Promise<boolean | 'skip'>,
  options: {
    replay?: () => Promise<T[]>;
    idOf?: (event: T) => number;
    /**
     * Live events whose ids are not in delivery order: drop only ids the replay delivered
     * (instead of every id up to the last one delivered).
     */
    replayedIdsOnly?: boolean;
    after?: number;
    raisedAt?: (event: T) => number;
    /** Events the subscriber did not ask for (e.g. below its minGrade): skipped, not an end. */
    wanted?: (event: T) => boolean;
  } = {},
): AsyncIterable<T> {
  const connection = live(ctx);
  const { metrics } = ctx.app;
  return new Repeater<T>(async (push, stop) => {
    const merged = Repeater.merge(sources)[Symbol.asyncIterator]();
    let lastId = options.after ?? 0;
    let replaying = options.replay !== undefined;
    const buffered: T[] = [];
    // at most the replay's ids (REPLAY_MAX) plus what arrived during it
    const replayed = new Set<number>();
    let ended = false;
    const deliver = async (event: T): Promise<void> => {
      if (ended) return;
      const id = options.idOf?.(event);
      // the replay and the live stream overlap at the switch-over: every id goes out once
      if (id !== undefined && (options.replayedIdsOnly ? replayed.has(id) : id <= lastId)) return;
      if (options.wanted !== undefined && !options.wanted(event)) return;
      const viewer = await connection.revalidate();
      const verdict = viewer === null ? false : await authorise(viewer, event);
      if (verdict === 'skip') return;
      if (!verdict) {
        ended = true;
        stop();
        return;
      }
      if (id !== undefined) lastId = id;
      if (id !== undefined && replaying) replayed.add(id);
      const raisedAt = options.raisedAt?.(event);
      if (raisedAt !== undefined)
        metrics.liveLatency.observe({ subscription: name }, (Date.now() - raisedAt) / 1000);
      metrics.liveEvents.inc({ subscription: name });
      await push(event);
    };
    // start listening before reading what was missed, so nothing falls between the two
    const pump = (async () => {
      for (;;) {
        const result = await merged.next();
        if (result.done === true || ended) return;
        const event = result.value as T;
        if (replaying) buffered.push(event);
        else await deliver(event);
      }
    })();
    if (options.replay !== undefined) {
      for (const event of await options.replay()) await deliver(event);
      while (buffered.length > 0) await deliver(buffered.shift()!);
      replaying = false;
    }
    await stop;
    ended = true;
    await merged.return?.();
    await pump.catch(() => undefined);
  });
}

/** The specs of {@link notificationSpec}, one per authorizer (app) and grade. */
const notificationSpecs = new WeakMap<
  LiveAuthorizer,
  Map<NotificationGrade, ReturnType<typeof buildNotificationSpec>>
>();

/**
 * The resume options of {@link authorisedStream} for a subscriber that passed `after` (the last
 * id it saw): none without it; with it, what `missed(after)` reads goes out first, then the live
 * events past it, each once. Every subscription with an `after` argument resumes through this.
 */
export function resumeAfter<T>(
  after: number | undefined,
  missed: (after: number) => Promise<T[]>,
): { after?: number; replay?: () => Promise<T[]> } {
  return after === undefined ? {} : { after, replay: () => missed(after) };
}

/**
 * How notificationAdded treats an event, for one subscriber. Built outside the resolver so its
 * closures hold the authorizer and the grade only, not the subscription's context; and one per
 * grade, shared by every subscription that asks for it (a shared subscription keeps its spec for
 * as long as it runs: one object per socket would be memory per idle socket).
 */
function notificationSpec(
  authorizer: LiveAuthorizer,
  preferences: DeliveryPreferenceService,
  minGrade: NotificationGrade,
) {
  // keyed by the authorizer: an app has one, and one preference service beside it
  let byGrade = notificationSpecs.get(authorizer);
  if (byGrade === undefined) {
    byGrade = new Map<NotificationGrade, ReturnType<typeof buildNotificationSpec>>();
    notificationSpecs.set(authorizer, byGrade);
  }
  let spec = byGrade.get(minGrade);
  if (spec === undefined)
    byGrade.set(minGrade, (spec = buildNotificationSpec(authorizer, preferences, minGrade)));
  return spec;
}

function buildNotificationSpec(
  authorizer: LiveAuthorizer,
  preferences: DeliveryPreferenceService,
  minGrade: NotificationGrade,
) {
  return {
    name: 'notificationAdded',
    wanted: (event: NotificationEvent) =>
      GRADE_RANK[event.grade as NotificationGrade] >= GRADE_RANK[minGrade],
    raisedAt: (event: NotificationEvent) => Date.parse(event.createdAt),
    // the standing is the audience: the field guards decide by it, and nothing else the shared
    // fields show depends on the viewer
    verdict: async (viewer: Viewer, event: NotificationEvent): Promise<SharedVerdict> => {
      // an alert released from one member's quiet hours is that member's alone
      if (
        event.recipientId !== undefined &&
        (viewer.kind !== 'user' || viewer.userId !== event.recipientId)
      )
        return 'skip';
      const standing = await authorizer.standing(viewer, event.familyId);
      if (standing === undefined || !allows('VIEW', standing)) return 'end';
      if (!hears(standing, event.audience)) return 'skip';
      // the member's own choices (lowest grade, quiet hours) hold back the push, not the list
      if (
        viewer.kind === 'user' &&
        event.recipientId === undefined &&
        (await preferences.holdsLive(viewer.userId, event))
      )
        return 'skip';
      return { audience: standing };
    },
  };
}

/** An alert of a family, as the unread-count stream sees it. */
interface FamilyAlert {
  alertIn: number;
  audience: string | undefined;
}

async function* alertsIn(familyId: number, source: AsyncIterable<NotificationEvent>) {
  for await (const event of source)
    yield { alertIn: familyId, audience: event.audience } satisfies FamilyAlert;
}

@Resolver()
export class LiveResolver {
  @UserOrDevice('VIEW on each family, re-checked at every delivery')
  @Subscription(() => Notification, {
    description:
      "New notifications of the viewer's families (or one family), at or above `minGrade`. With `after` (the last id seen) the missed ones come first, in order, then live ones, each once.",
    subscribe: async ({ args: rawArgs, context }) => {
      const ctx = context as Context;
      const args = rawArgs as {
        familyId?: string | null;
        minGrade?: NotificationGrade | null;
        after?: string | null;
      };
      live(ctx);
      const familyIds = await notificationFamilies(ctx, args.familyId);
      const minGrade = args.minGrade ?? NotificationGrade.NONE;
      const after = args.after == null ? undefined : parseId(args.after, 'Notification');
      if (after !== undefined) {
        const em = ctx.app.orm.em.fork();
        if ((await em.count(Notification, { id: after })) === 0) {
          const oldest = await em.findOne(
            Notification,
            { id: { $gt: 0 } },
            { orderBy: { id: 'asc' }, fields: ['id'] },
          );
          if (oldest !== null && oldest.id > after) {
            throw new ResyncRequiredError(
              'Notifications after that id were purged: reload the list, then subscribe again.',
            );
          }
        }
      }
      const resume = resumeAfter(after, async (after) => {
        const managed = (await managedFamilies(ctx)) ?? familyIds;
        // in delivery order: a grace-released alert comes after what was raised before its delivery
        const missed = await missedNotifications(ctx.app.orm.em.fork(), {
          familyIds,
          after,
          grades: gradesFrom(minGrade),
          device: ctx.viewer.kind === 'device',
          managed,
          limit: REPLAY_MAX,
        });
        if (missed.length > REPLAY_MAX) {
          throw new ResyncRequiredError(
            `More than ${REPLAY_MAX} notifications were missed: reload the list, then subscribe again.`,
          );
        }
        return missed.map(toNotificationEvent);
      });
      const spec = notificationSpec(
        ctx.app.liveAuthorizer,
        ctx.app.services.deliveryPreferences,
        minGrade,
      );
      const { wanted, raisedAt, verdict } = spec;
      const shared = ctx.live?.shared;
      if (shared !== undefined && after === undefined) {
        return shared.subscribe(
          familyIds.map((key) => ({ topic: Topic.NotificationAdded, key })),
          spec,
        );
      }
      const sources = familyIds.map(
        (id) =>
          ctx.app.pubSub.subscribe(Topic.NotificationAdded, id) as AsyncIterable<NotificationEvent>,
      );
      return authorisedStream(
        ctx,
        'notificationAdded',
        sources,
        async (viewer, event) => {
          const decided = await verdict(viewer, event);
          return decided === 'end' ? false : decided === 'skip' ? 'skip' : true;
        },
        {
          ...resume,
          idOf: (event) => event.id,
          // ids are not in delivery order (a grace-released alert keeps its earlier id)
          replayedIdsOnly: true,
          wanted,
          raisedAt,
        },
      );
    },
  })
  notificationAdded(
    @Root() event: NotificationEvent,
    @Ctx() ctx: Context,
    @Arg('familyId', () => ID, {
      nullable: true,
      description: "Only this family (default: all of the viewer's families).",
    })
    _familyId?: string,
    @Arg('minGrade', () => NotificationGrade, {
      nullable: true,
      description: 'Only this grade and above.',
    })
    minGrade?: NotificationGrade,
    @Arg('after', () => ID, {
      nullable: true,
      description: 'The last notification id the client saw: replay what came after it first.',
    })
    _after?: string,
  ): Notification {
    refresh(ctx, ctx.viewer);
    void minGrade;
    return {
      id: event.id,
      family: { id: event.familyId },
      grade: event.grade,
      kind: event.kind,
      message: event.message,
      imageId: event.imageId,
      acknowledgedBy: null,
      acknowledgedAt: null,
      createdAt: new Date(event.createdAt),
    } as unknown as Notification;
  }

  @UserOrDevice("the viewer's own mailbox (a device: its main user's)")
  @Subscription(() => Message, {
    description:
      "Messages sent to the viewer (a device: to its family's main user), as they arrive.",
    subscribe: async ({ context }) => {
      const ctx = context as Context;
      live(ctx);
      const { userId } = await ctx.app.services.message.mailbox(ctx);
      return authorisedStream(
        ctx,
        'messageReceived',
        [ctx.app.pubSub.subscribe(Topic.MessageReceived, userId) as AsyncIterable<MessageEvent>],
        async () => true,
        { raisedAt: (event) => Date.parse(event.createdAt) },
      );
    },
  })
  async messageReceived(@Root() event: MessageEvent, @Ctx() ctx: Context): Promise<Message> {
    refresh(ctx, ctx.viewer);
    return ctx.em.findOneOrFail(Message, { id: event.id });
  }

  @UserOrDevice("the viewer's own counts")
  @Subscription(() => UnreadCounts, {
    description:
      "The viewer's unread message and notification counts: now, then after every change.",
    subscribe: async ({ context }) => {
      const ctx = context as Context;
      live(ctx);
      const { userId } = await ctx.app.services.message.mailbox(ctx);
      const familyIds = ctx.viewer.kind === 'user' ? await notificationFamilies(ctx, null) : [];
      const initial = new Repeater<unknown>(async (push, stop) => {
        await push({ initial: true });
        stop();
      });
      const sources: AsyncIterable<unknown>[] = [
        initial,
        ctx.app.pubSub.subscribe(Topic.UnreadCountsChanged, userId) as AsyncIterable<unknown>,
        ctx.app.pubSub.subscribe(Topic.MessageReceived, userId) as AsyncIterable<unknown>,
        ...familyIds.map((id) =>
          alertsIn(
            id,
            ctx.app.pubSub.subscribe(
              Topic.NotificationAdded,
              id,
            ) as AsyncIterable<NotificationEvent>,
          ),
        ),
      ];
      // the viewer's own topics are theirs whatever happens; a family's alerts only while the
      // viewer still stands in it (else a removed member would learn when the elder's alerts come)
      return authorisedStream(ctx, 'unreadCountsChanged', sources, async (viewer, event) => {
        const { alertIn: familyId, audience } = event as Partial<FamilyAlert>;
        if (familyId === undefined) return true;
        const standing = await ctx.app.liveAuthorizer.standing(viewer, familyId);
        return (allows('VIEW', standing) && hears(standing, audience)) || 'skip';
      });
    },
  })
  async unreadCountsChanged(@Root() _event: unknown, @Ctx() ctx: Context): Promise<UnreadCounts> {
    refresh(ctx, ctx.viewer);
    const [messages, notifications] = await Promise.all([
      ctx.app.services.message.unreadCount(ctx),
      ctx.app.services.notification.unreadCount(ctx),
    ]);
    return { messages, notifications };
  }

  @DeviceOnly()
  @Subscription(() => CarebotSettings, {
    description: "For a Carebot device: its family's settings, whenever they change.",
    subscribe: async ({ context }) => {
      const ctx = context as Context;
      live(ctx);
      const device = requireDevice(ctx.viewer);
      return authorisedStream(
        ctx,
        'settingsChanged',
        [
          ctx.app.pubSub.subscribe(
            Topic.SettingsChanged,
            device.familyId,
          ) as AsyncIterable<unknown>,
        ],
        async (viewer) => viewer.kind === 'device' && viewer.familyId === device.familyId,
      );
    },
  })
  async settingsChanged(@Root() _event: unknown, @Ctx() ctx: Context): Promise<CarebotSettings> {
    refresh(ctx, ctx.viewer);
    const device = requireDevice(ctx.viewer);
    return ctx.em.findOneOrFail(CarebotSettings, { family: device.familyId });
  }
}

openData(UnreadCounts, "the viewer's own counts");

// what notificationAdded's root resolver builds from the event alone; `read`, `family`,
// `acknowledgedBy` and `imageFile` depend on the viewer or load more, so they are not listed
shareLiveFields('notificationAdded', 'Notification', [
  'id',
  'grade',
  'kind',
  'message',
  'image',
  'acknowledgedAt',
  'createdAt',
]);
