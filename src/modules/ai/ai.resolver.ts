import type { FamilyGrant } from '../../auth/access.js';
import { FamilyAccess, Grant, SignedIn, UserOrDevice } from '../../auth/operation-access.js';
import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  createUnionType,
} from 'type-graphql';
import { mayReadConversations, sharesConversations } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { type Connection, TimeRangeArgs } from '../../graphql/connection.js';
import { parseId } from '../../graphql/ids.js';
import type { ChatReplyEvent } from '../../realtime/pubsub.js';
import { Topic } from '../../realtime/pubsub.js';
import { authorisedStream, live, refresh } from '../live/live.resolver.js';
import { MentalReport, MentalStatus } from '../report/report.entities.js';
import { AiJob, ChatMessage, Conversation } from './ai.entities.js';
import { ChatRole } from './ai.enums.js';
import { RenameConversationInput, SendChatMessageInput } from './ai.inputs.js';
import { ChatMessageConnection, ConversationConnection } from './ai.types.js';
import { familyData } from '../../auth/type-access.js';
import { Reference } from '@mikro-orm/core';

/** Most replies replayed to a `chatReply` subscriber that passes `after`. */
const REPLAY_MAX = 100;

// No @SignedIn(): the Carebot device chats too (as its main user); the service decides.
@Resolver(() => Conversation)
export class ConversationResolver {
  @UserOrDevice('the main user or the Carebot (CHAT on the family)')
  @Mutation(() => ChatMessage, {
    description:
      "Sends a message to the AI companion (the main user or the family's Carebot) and returns it at once; the reply arrives on `chatReply` and is stored.",
  })
  sendChatMessage(
    @Arg('input', () => SendChatMessageInput, { description: 'The message.' })
    input: SendChatMessageInput,
    @Ctx() ctx: Context,
  ): Promise<ChatMessage> {
    return ctx.app.services.ai.send(ctx, input);
  }

  @UserOrDevice('the main user or the Carebot (CHAT on the family)')
  @Mutation(() => Conversation, {
    description:
      'Renames a conversation (the main user or the Carebot; a reader of shared conversations gets FORBIDDEN).',
  })
  renameConversation(
    @Arg('input', () => RenameConversationInput, { description: 'The conversation and its title.' })
    input: RenameConversationInput,
    @Ctx() ctx: Context,
  ): Promise<Conversation> {
    return ctx.app.services.ai.rename(ctx, input);
  }

  @UserOrDevice('the main user or the Carebot (CHAT on the family)')
  @Mutation(() => ID, {
    description:
      'Deletes a conversation and all its messages (the main user or the Carebot); returns its id.',
  })
  async deleteConversation(
    @Arg('id', () => ID, { description: 'The conversation.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return String(await ctx.app.services.ai.deleteConversation(ctx, parseId(id, 'Conversation')));
  }

  @UserOrDevice('CHAT, or READ_SHARED_CHAT while the main user shares conversations')
  @Query(() => ConversationConnection, {
    description:
      "The elder's conversations with the AI companion, latest activity first by default (`from`/`to`/`order` on the last activity), for the main user or the family's Carebot (private: other members get FORBIDDEN).",
  })
  conversations(
    @Args() args: TimeRangeArgs,
    @Ctx() ctx: Context,
    @Arg('familyId', () => ID, {
      nullable: true,
      description:
        "Another family's conversations, for its managers and caregivers while it shares them (settings.shareConversations). Default: your own, as main user or Carebot.",
    })
    familyId?: string | null,
  ): Promise<Connection<Conversation>> {
    return ctx.app.services.ai.conversations(
      ctx,
      familyId == null ? undefined : parseId(familyId, 'Family'),
      args,
    );
  }

  @UserOrDevice('CHAT, or READ_SHARED_CHAT while the main user shares conversations')
  @Query(() => Conversation, {
    nullable: true,
    description:
      'A conversation of your family with the AI companion (main user or Carebot; managers and caregivers while the family shares conversations); else NOT_FOUND or FORBIDDEN.',
  })
  conversation(
    @Arg('id', () => ID, { description: 'The conversation.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Conversation> {
    return ctx.app.services.ai.conversation(ctx, parseId(id, 'Conversation'));
  }

  @UserOrDevice('VIEW for report jobs; the conversation rule for chat replies')
  @Query(() => AiJob, {
    nullable: true,
    description:
      'A background AI job of your family (report jobs: any member; conversation jobs: whoever may read the conversations); else NOT_FOUND or FORBIDDEN.',
  })
  aiJob(
    @Arg('id', () => ID, { description: 'The job.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<AiJob> {
    return ctx.app.services.ai.job(ctx, parseId(id, 'AiJob'));
  }

  @FieldResolver(() => ChatMessageConnection, {
    description: 'Its messages, both sides (default newest first).',
  })
  messages(
    @Root() conversation: Conversation,
    @Args() args: TimeRangeArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<ChatMessage>> {
    return ctx.app.services.ai.messages(ctx, conversation.id, args);
  }

  @UserOrDevice('CHAT, or READ_SHARED_CHAT while the main user shares conversations')
  @Subscription(() => ChatMessage, {
    description:
      "The AI companion's replies in a conversation (whoever may read it). With `after` (a message id), replies stored after it are sent first, each once.",
    subscribe: async ({ args: rawArgs, context }) => {
      const ctx = context as Context;
      const args = rawArgs as { conversationId: string; after?: string | null };
      live(ctx);
      const conversationId = parseId(args.conversationId, 'Conversation');
      const conversation = await ctx.app.services.ai.conversation(ctx, conversationId);
      const familyId = conversation.family.id;
      const after = args.after == null ? undefined : parseId(args.after, 'ChatMessage');
      const toEvent = (message: ChatMessage): ChatReplyEvent => ({
        id: message.id,
        conversationId,
        familyId,
        createdAt: message.createdAt.toISOString(),
      });
      return authorisedStream(
        ctx,
        'chatReply',
        [
          ctx.app.pubSub.subscribe(
            Topic.ChatReply,
            conversationId,
          ) as AsyncIterable<ChatReplyEvent>,
        ],
        async (viewer, event) =>
          mayReadConversations(await ctx.app.liveAuthorizer.standing(viewer, event.familyId), () =>
            sharesConversations(ctx.app.orm.em.fork(), event.familyId),
          ),
        {
          idOf: (event) => event.id,
          raisedAt: (event) => Date.parse(event.createdAt),
          ...(after === undefined
            ? {}
            : {
                after,
                replay: async () => {
                  const missed = await ctx.app.orm.em.fork().find(
                    ChatMessage,
                    {
                      conversation: conversationId,
                      role: ChatRole.ASSISTANT,
                      id: { $gt: after },
                    },
                    { orderBy: { id: 'asc' }, limit: REPLAY_MAX },
                  );
                  return missed.map(toEvent);
                },
              }),
        },
      );
    },
  })
  async chatReply(
    @Root() event: ChatReplyEvent,
    @Ctx() ctx: Context,
    @Arg('conversationId', () => ID, { description: 'The conversation.' }) _conversationId: string,
    @Arg('after', () => ID, {
      nullable: true,
      description: 'A message id of the conversation: first send the replies stored after it.',
    })
    _after?: string,
  ): Promise<ChatMessage> {
    refresh(ctx, ctx.viewer);
    return ctx.em.findOneOrFail(ChatMessage, { id: event.id });
  }
}

@Resolver(() => ChatMessage)
export class ChatMessageResolver {
  @FieldResolver(() => ID, { description: 'The conversation it belongs to.' })
  conversationId(@Root() message: ChatMessage): string {
    return String(message.conversation.id);
  }
}

export const AiJobResult = createUnionType({
  name: 'AiJobResult',
  description:
    'What an AI job produced: the reply (CHAT_REPLY), the mental status (MOOD) or the report (MENTAL_REPORT).',
  types: () => [ChatMessage, MentalStatus, MentalReport] as const,
  resolveType: (value) => {
    if (value instanceof ChatMessage) return ChatMessage;
    if (value instanceof MentalStatus) return MentalStatus;
    return MentalReport;
  },
});

@Resolver(() => AiJob)
export class AiJobResolver {
  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => AiJob, {
    description:
      "Asks for a mental report of a family's period (main user or MANAGER, at most 92 days, not in the future). Follow it with `aiJob(id)`; the family gets an INFO notification when it is ready.",
  })
  requestMentalReport(
    @Arg('familyId', () => ID, { description: 'The family.' }) familyId: string,
    @Arg('from', () => Date, { description: 'Start of the period (inclusive).' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the period (exclusive), not in the future.' })
    to: Date,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<AiJob> {
    return ctx.app.services.ai.requestMentalReport(ctx, grant, from, to);
  }

  @FieldResolver(() => AiJobResult, {
    nullable: true,
    description: 'What it produced, once DONE (null before, or when there was nothing to write).',
  })
  result(
    @Root() job: AiJob,
    @Ctx() ctx: Context,
  ): Promise<ChatMessage | MentalStatus | MentalReport | null> {
    return ctx.app.services.ai.result(ctx, job);
  }
}

familyData(Conversation, {
  familyOf: (conversation) => conversation.family.id,
  read: 'CONVERSATION',
});
familyData(ChatMessage, {
  familyOf: async (message, ctx) => {
    const conversation = message.conversation;
    if (Reference.isReference(conversation) && conversation.isInitialized())
      return conversation.unwrap().family.id;
    return (await ctx.em.findOneOrFail(Conversation, conversation.id, { fields: ['family'] }))
      .family.id;
  },
  read: 'CONVERSATION',
});
familyData(AiJob, { familyOf: (job) => job.family.id, read: 'READ' });
