import DataLoader from 'dataloader';
import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { requireUser } from '../../auth/access.js';
import { SignedIn } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import type { Connection } from '../../graphql/connection.js';
import { ResyncRequiredError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import { Topic, type SupportMessageEvent } from '../../realtime/pubsub.js';
import { User, UserRole } from '../account/user.entity.js';
import { authorisedStream, live, refresh } from '../live/live.resolver.js';
import { SupportConversation, SupportMessage } from './support.entities.js';
import {
  OpenSupportConversationInput,
  SendSupportMessageInput,
  SupportConversationsArgs,
  SupportMessagesArgs,
  SupportQueueArgs,
} from './support.inputs.js';
import { toSupportMessageEvent } from './support.service.js';
import { SupportConversationConnection, SupportMessageConnection } from './support.types.js';

/** Most missed messages replayed on resume; more and the client reloads the conversation. */
const REPLAY_MAX = 1000;

/** Unread counts of the conversations one operation shows, in one query per side. */
const unreadLoaders = new WeakMap<object, DataLoader<SupportConversation, number>>();

@Resolver(() => SupportConversation)
export class SupportResolver {
  @SignedIn(UserRole.MAIN, UserRole.MEMBER)
  @Mutation(() => SupportConversation, {
    description: 'Opens a conversation with support staff, with its first message.',
  })
  openSupportConversation(
    @Arg('input', () => OpenSupportConversationInput, { description: 'Subject and message.' })
    input: OpenSupportConversationInput,
    @Ctx() ctx: Context,
  ): Promise<SupportConversation> {
    return ctx.app.services.support.open(ctx, input);
  }

  @SignedIn()
  @Mutation(() => SupportMessage, {
    description:
      'Writes in an open support conversation: your own, or as staff one you claimed (answering an unclaimed one claims it). Closed ones are read-only (CONFLICT).',
  })
  sendSupportMessage(
    @Arg('input', () => SendSupportMessageInput, { description: 'Conversation and text.' })
    input: SendSupportMessageInput,
    @Ctx() ctx: Context,
  ): Promise<SupportMessage> {
    return ctx.app.services.support.send(ctx, input);
  }

  @SignedIn(UserRole.ADMIN)
  @Mutation(() => SupportConversation, {
    description:
      'Staff take an open conversation from the queue (CONFLICT when another has it). Audited.',
  })
  claimSupportConversation(
    @Arg('id', () => ID, { description: 'The conversation.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<SupportConversation> {
    return ctx.app.services.support.claim(ctx, id);
  }

  @SignedIn()
  @Mutation(() => SupportConversation, {
    description:
      'Closes a support conversation (its user or staff); it stays readable. Audited when staff close it.',
  })
  closeSupportConversation(
    @Arg('id', () => ID, { description: 'The conversation.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<SupportConversation> {
    return ctx.app.services.support.close(ctx, id);
  }

  @SignedIn()
  @Mutation(() => SupportConversation, {
    description: "Marks a conversation's messages read for your side (you, or staff).",
  })
  markSupportConversationRead(
    @Arg('id', () => ID, { description: 'The conversation.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<SupportConversation> {
    return ctx.app.services.support.markRead(ctx, id);
  }

  @SignedIn()
  @Query(() => SupportConversation, {
    description: 'A support conversation: your own, or any as staff; else NOT_FOUND.',
  })
  supportConversation(
    @Arg('id', () => ID, { description: 'The conversation.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<SupportConversation> {
    return ctx.app.services.support.get(ctx, id);
  }

  @SignedIn()
  @Query(() => SupportConversationConnection, {
    description: 'Your own support conversations, latest activity first.',
  })
  mySupportConversations(
    @Args() args: SupportConversationsArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<SupportConversation>> {
    return ctx.app.services.support.mine(ctx, args);
  }

  @SignedIn(UserRole.ADMIN)
  @Query(() => SupportConversationConnection, {
    description:
      'The staff queue: open (or closed) support conversations, latest activity first, with unread counts.',
  })
  supportQueue(
    @Args() args: SupportQueueArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<SupportConversation>> {
    return ctx.app.services.support.queue(ctx, args);
  }

  @SignedIn()
  @Query(() => SupportMessageConnection, {
    description: 'The messages of a support conversation (newest first by default).',
  })
  supportMessages(
    @Args() args: SupportMessagesArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<SupportMessage>> {
    return ctx.app.services.support.messages(ctx, args);
  }

  @SignedIn()
  @Subscription(() => SupportMessage, {
    description:
      'New messages of one support conversation (its user or staff). With `after` (the last id seen) the missed ones come first, in order, then live ones, each once.',
    subscribe: async ({ args: rawArgs, context }) => {
      const ctx = context as Context;
      const args = rawArgs as { conversationId: string; after?: string | null };
      live(ctx);
      const viewer = requireUser(ctx.viewer);
      const id = parseId(args.conversationId, 'SupportConversation');
      await ctx.app.services.support.visible(ctx.app.orm.em.fork(), viewer, id);
      const after = args.after == null ? undefined : parseId(args.after, 'SupportMessage');
      const replay =
        after === undefined
          ? undefined
          : async () => {
              const missed = await ctx.app.orm.em
                .fork()
                .find(
                  SupportMessage,
                  { conversation: id, id: { $gt: after } },
                  { orderBy: { id: 'asc' }, limit: REPLAY_MAX + 1 },
                );
              if (missed.length > REPLAY_MAX)
                throw new ResyncRequiredError(
                  `More than ${REPLAY_MAX} messages were missed: reload the conversation, then subscribe again.`,
                );
              return missed.map(toSupportMessageEvent);
            };
      return authorisedStream(
        ctx,
        'supportMessageAdded',
        [
          ctx.app.pubSub.subscribe(
            Topic.SupportMessageAdded,
            id,
          ) as AsyncIterable<SupportMessageEvent>,
        ],
        // the conversation's user, or staff (a role read afresh at every delivery)
        async (current, event) =>
          current.kind === 'user' &&
          (current.userId === event.ownerId || current.role === UserRole.ADMIN),
        {
          ...(replay === undefined ? {} : { replay }),
          ...(after === undefined ? {} : { after }),
          idOf: (event) => event.id,
          raisedAt: (event) => Date.parse(event.createdAt),
        },
      );
    },
  })
  async supportMessageAdded(
    @Root() event: SupportMessageEvent,
    @Ctx() ctx: Context,
    @Arg('conversationId', () => ID, { description: 'The conversation.' }) _conversationId: string,
    @Arg('after', () => ID, {
      nullable: true,
      description: 'The last message id the client saw: replay what came after it first.',
    })
    _after?: string,
  ): Promise<SupportMessage> {
    refresh(ctx, ctx.viewer);
    return ctx.em.findOneOrFail(SupportMessage, { id: event.id });
  }

  @FieldResolver(() => User, { nullable: true, description: 'Whose conversation it is.' })
  user(@Root() conversation: SupportConversation, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(conversation.user.id);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The staff member who claimed it, if any.',
  })
  claimedBy(
    @Root() conversation: SupportConversation,
    @Ctx() ctx: Context,
  ): Promise<User | null> | null {
    return conversation.claimedBy === null
      ? null
      : ctx.loaders.user.load(conversation.claimedBy.id);
  }

  @FieldResolver(() => Int, {
    description:
      "Messages of the other side you have not read (as staff: the user's, unread by any staff member).",
  })
  unreadCount(@Root() conversation: SupportConversation, @Ctx() ctx: Context): Promise<number> {
    let loader = unreadLoaders.get(ctx.loaders);
    if (loader === undefined) {
      const viewer = requireUser(ctx.viewer);
      loader = new DataLoader(
        (conversations) => ctx.app.services.support.unreadCounts(ctx.em, viewer, conversations),
        { cache: false },
      );
      unreadLoaders.set(ctx.loaders, loader);
    }
    return loader.load(conversation);
  }
}

@Resolver(() => SupportMessage)
export class SupportMessageResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who wrote it; null once that account is deleted.',
  })
  author(@Root() message: SupportMessage, @Ctx() ctx: Context): Promise<User | null> | null {
    return message.author === null ? null : ctx.loaders.user.load(message.author.id);
  }

  @FieldResolver(() => ID, { description: 'The conversation it belongs to.' })
  conversationId(@Root() message: SupportMessage): string {
    return String(message.conversation.id);
  }
}
