import type { FamilyGrant } from '../../auth/access.js';
import type { Scope } from '../../scope.js';
import { type Connection, type TimeRangeArgs, paginate } from '../../graphql/connection.js';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
} from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import { Family } from '../family/family.entity.js';
import { MentalReport, MentalStatus } from '../report/report.entities.js';
import { MEASURED_AT_WINDOW } from '../report/report.inputs.js';
import { DAY_MS } from '../../util/seoul-time.js';
import { AiJob, ChatMessage, Conversation, titleFrom } from './ai.entities.js';
import { AiJobKind, AiJobStatus, ChatRole } from './ai.enums.js';
import type { RenameConversationInput, SendChatMessageInput } from './ai.inputs.js';

/** Longest period one mental report covers. */
export const MENTAL_REPORT_MAX_DAYS = 92;

/**
 * The elder's conversations with the AI companion (SPEC §5 "AI"). Private: only the family's
 * main user and its Carebot (policy `CHAT`) read or write them; other members get FORBIDDEN,
 * anyone outside the family NOT_FOUND.
 */
/** What the AI service needs of the job runner: a nudge when it queued a job. */
export interface JobWaker {
  wake(): void;
}

export class AiService {
  constructor(private readonly deps: { jobs: JobWaker }) {}

  /** The family the viewer chats in: a device's own, or the one the main user owns. */
  private async chatFamily(ctx: Scope): Promise<number> {
    const { viewer } = ctx;
    if (viewer.kind === 'anonymous') throw new UnauthenticatedError();
    if (viewer.kind === 'device') {
      await ctx.access.requireFamily(viewer.familyId, 'CHAT');
      return viewer.familyId;
    }
    for (const [familyId, standing] of await ctx.access.standings()) {
      if (standing === 'MAIN') return familyId;
    }
    throw new ForbiddenError("Only a family's main user or its Carebot talks with the companion.");
  }

  /**
   * A conversation the viewer may read: the main user and the Carebot always, the other members
   * while the family shares conversations; NOT_FOUND / FORBIDDEN otherwise.
   */
  async conversation(ctx: Scope, id: number): Promise<Conversation> {
    if (ctx.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const conversation = await ctx.em.findOne(Conversation, { id });
    if (conversation === null) throw new NotFoundError('Conversation', id);
    await ctx.access.requireConversationReader(conversation.family.id, 'Conversation', id);
    return conversation;
  }

  /** A conversation the viewer may write to (policy CHAT: main user or Carebot). */
  private async ownConversation(ctx: Scope, id: number): Promise<Conversation> {
    const conversation = await this.conversation(ctx, id);
    await ctx.access.requireFamily(conversation.family.id, 'CHAT', 'Conversation', id);
    return conversation;
  }

  /** Stores the user's message and a durable job for the reply; the reply follows on `chatReply`. */
  async send(ctx: Scope, input: SendChatMessageInput): Promise<ChatMessage> {
    const existing =
      input.conversationId == null
        ? undefined
        : await this.ownConversation(ctx, parseId(input.conversationId, 'Conversation'));
    const familyId = existing?.family.id ?? (await this.chatFamily(ctx));
    const message = await ctx.em.transactional(async (em) => {
      const conversation =
        existing === undefined
          ? em.create(Conversation, {
              family: em.getReference(Family, familyId),
              title: titleFrom(input.content),
            })
          : em.getReference(Conversation, existing.id);
      const created = em.create(ChatMessage, {
        conversation,
        role: ChatRole.USER,
        content: input.content,
      });
      await em.flush();
      if (existing !== undefined)
        await em.nativeUpdate(
          Conversation,
          { id: existing.id },
          { lastActivityAt: created.createdAt },
        );
      em.create(AiJob, {
        family: em.getReference(Family, familyId),
        kind: AiJobKind.CHAT_REPLY,
        payload: { conversationId: created.conversation.id, messageId: created.id },
      });
      await em.flush();
      return created;
    });
    this.deps.jobs.wake();
    return message;
  }

  /** Renames a conversation (whoever may write to it: the main user or the Carebot). */
  async rename(ctx: Scope, input: RenameConversationInput): Promise<Conversation> {
    const conversation = await this.ownConversation(ctx, parseId(input.id, 'Conversation'));
    conversation.title = input.title.trim();
    await ctx.em.flush();
    return conversation;
  }

  /**
   * Deletes a conversation with its messages (the main user or the Carebot); a reply still being
   * written finds its conversation gone and gives up. Returns the id.
   */
  async deleteConversation(ctx: Scope, id: number): Promise<number> {
    await this.ownConversation(ctx, id);
    await ctx.em.transactional(async (em) => {
      await em.nativeDelete(ChatMessage, { conversation: id });
      await em.nativeDelete(Conversation, { id });
    });
    return id;
  }

  /**
   * A family's conversations, latest activity first (by default): by default the viewer's own (main user or Carebot); with
   * `familyId`, any family whose conversations the viewer may read.
   */
  async conversations(
    ctx: Scope,
    familyId: number | undefined,
    args: TimeRangeArgs,
  ): Promise<Connection<Conversation>> {
    if (familyId === undefined) familyId = await this.chatFamily(ctx);
    else await ctx.access.requireConversationReader(familyId, 'Family', familyId);
    return paginate({
      em: ctx.em,
      entity: Conversation,
      where: { family: familyId },
      timeField: 'lastActivityAt',
      args,
    });
  }

  /** The messages of a conversation the viewer already may read. */
  messages(
    ctx: Scope,
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

  /**
   * A job of one of the viewer's families: conversation jobs for those who may read the
   * conversations, report jobs for every member; NOT_FOUND / FORBIDDEN otherwise.
   */
  async job(ctx: Scope, id: number): Promise<AiJob> {
    if (ctx.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const job = await ctx.em.findOne(AiJob, { id });
    if (job === null) throw new NotFoundError('AiJob', id);
    if (job.kind === AiJobKind.MENTAL_REPORT)
      await ctx.access.requireFamily(job.family.id, 'VIEW', 'AiJob', id);
    else await ctx.access.requireConversationReader(job.family.id, 'AiJob', id);
    return job;
  }

  /** What a job produced, by kind; null until it is DONE (or when it produced nothing). */
  async result(ctx: Scope, job: AiJob): Promise<ChatMessage | MentalStatus | MentalReport | null> {
    if (job.status !== AiJobStatus.DONE || job.resultId === null) return null;
    switch (job.kind) {
      case AiJobKind.CHAT_REPLY:
        return ctx.em.findOne(ChatMessage, { id: job.resultId });
      case AiJobKind.MOOD:
        return ctx.em.findOne(MentalStatus, { id: job.resultId });
      case AiJobKind.MENTAL_REPORT:
        return ctx.em.findOne(MentalReport, { id: job.resultId });
      // care session jobs show through their session (CareSession, AssessmentResult)
      case AiJobKind.CARE_SESSION_WATCHDOG:
      case AiJobKind.ASSESSMENT_SCORE:
        return null;
    }
  }

  /**
   * Queues a mental report of [from, to) for a family (main user or manager, checked by the
   * resolver); the job's `result` is the report, and the family gets an INFO notification.
   */
  async requestMentalReport(
    ctx: Scope,
    { familyId }: FamilyGrant<'MANAGE'>,
    from: Date,
    to: Date,
  ): Promise<AiJob> {
    const now = Date.now();
    if (to.getTime() > now + MEASURED_AT_WINDOW.futureMs)
      throw BadUserInputError.field('to', 'must not be in the future');
    if (from.getTime() >= to.getTime())
      throw BadUserInputError.field('from', 'must be before `to`');
    if (to.getTime() - from.getTime() > MENTAL_REPORT_MAX_DAYS * DAY_MS)
      throw BadUserInputError.field(
        'from',
        `the period must be at most ${MENTAL_REPORT_MAX_DAYS} days`,
      );
    const payload = { from: from.toISOString(), to: to.toISOString() };
    // one requested report per family at a time: a double click returns the job in progress, and
    // a family cannot queue hundreds of (possibly paid) model calls and INFO notifications
    const inFlight = await ctx.em.findOne(AiJob, {
      family: familyId,
      kind: AiJobKind.MENTAL_REPORT,
      dedupeKey: null,
      status: { $in: [AiJobStatus.PENDING, AiJobStatus.RUNNING] },
    });
    if (inFlight !== null) {
      if (inFlight.payload['from'] === payload.from && inFlight.payload['to'] === payload.to)
        return inFlight;
      throw new ConflictError(
        `A mental report of this family is already being written (job ${inFlight.id}); ask again when it is done.`,
      );
    }
    const job = ctx.em.create(AiJob, {
      family: ctx.em.getReference(Family, familyId),
      kind: AiJobKind.MENTAL_REPORT,
      payload,
    });
    await ctx.em.flush();
    this.deps.jobs.wake();
    return job;
  }
}
