import type { Context } from '../../context.js';
import { type Connection, type TimeRangeArgs, paginate } from '../../graphql/connection.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import { Family } from '../family/family.entity.js';
import { AiJob, ChatMessage, Conversation } from './ai.entities.js';
import { AiJobKind, ChatRole } from './ai.enums.js';
import type { SendChatMessageInput } from './ai.inputs.js';

/**
 * The elder's conversations with the AI companion (SPEC §5 "AI"). Private: only the family's
 * main user and its Carebot (policy `CHAT`) read or write them; other members get FORBIDDEN,
 * anyone outside the family NOT_FOUND.
 */
export class AiService {
  /** The family the viewer chats in: a device's own, or the one the main user owns. */
  private async chatFamily(ctx: Context): Promise<number> {
    const { viewer } = ctx;
    if (viewer.kind === 'anonymous') throw new UnauthenticatedError();
    if (viewer.kind === 'device') return viewer.familyId;
    for (const [familyId, standing] of await ctx.access.standings()) {
      if (standing === 'MAIN') return familyId;
    }
    throw new ForbiddenError("Only a family's main user or its Carebot talks with the companion.");
  }

  /** A conversation the viewer may read (policy CHAT); NOT_FOUND / FORBIDDEN otherwise. */
  async conversation(ctx: Context, id: number): Promise<Conversation> {
    if (ctx.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const conversation = await ctx.em.findOne(Conversation, { id });
    if (conversation === null) throw new NotFoundError('Conversation', id);
    await ctx.access.requireFamily(conversation.family.id, 'CHAT', 'Conversation', id);
    return conversation;
  }

  /** Stores the user's message and a durable job for the reply; the reply follows on `chatReply`. */
  async send(ctx: Context, input: SendChatMessageInput): Promise<ChatMessage> {
    const existing =
      input.conversationId == null
        ? undefined
        : await this.conversation(ctx, parseId(input.conversationId, 'Conversation'));
    const familyId = existing?.family.id ?? (await this.chatFamily(ctx));
    const message = await ctx.em.transactional(async (em) => {
      const conversation =
        existing === undefined
          ? em.create(Conversation, { family: em.getReference(Family, familyId) })
          : em.getReference(Conversation, existing.id);
      const created = em.create(ChatMessage, {
        conversation,
        role: ChatRole.USER,
        content: input.content,
      });
      await em.flush();
      em.create(AiJob, {
        family: em.getReference(Family, familyId),
        kind: AiJobKind.CHAT_REPLY,
        payload: { conversationId: created.conversation.id, messageId: created.id },
      });
      await em.flush();
      return created;
    });
    ctx.app.aiWorker.wake();
    return message;
  }

  /** The viewer's family's conversations (main user or Carebot). */
  async conversations(ctx: Context, args: TimeRangeArgs): Promise<Connection<Conversation>> {
    const familyId = await this.chatFamily(ctx);
    return paginate({
      em: ctx.em,
      entity: Conversation,
      where: { family: familyId },
      timeField: 'createdAt',
      args,
    });
  }

  /** The messages of a conversation the viewer already may read. */
  messages(
    ctx: Context,
    conversationId: number,
    args: TimeRangeArgs,
  ): Promise<Connection<ChatMessage>> {
    return paginate({
      em: ctx.em,
      entity: ChatMessage,
      where: { conversation: conversationId },
      timeField: 'createdAt',
      args,
    });
  }

  /** A job of the viewer's family (main user or Carebot); NOT_FOUND / FORBIDDEN otherwise. */
  async job(ctx: Context, id: number): Promise<AiJob> {
    if (ctx.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const job = await ctx.em.findOne(AiJob, { id });
    if (job === null) throw new NotFoundError('AiJob', id);
    await ctx.access.requireFamily(job.family.id, 'CHAT', 'AiJob', id);
    return job;
  }
}
