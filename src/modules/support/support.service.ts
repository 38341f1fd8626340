import type { FilterQuery } from '@mikro-orm/core';
import { requireUser } from '../../auth/access.js';
import type { UserViewer } from '../../auth/viewer.js';
import type { EntityManager } from '../../database/orm.js';
import { marks, PlainReader } from '../../database/plain.js';
import { type Connection, paginate } from '../../graphql/connection.js';
import { ConflictError, NotFoundError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import type { EventBus } from '../../realtime/events.js';
import type { SupportMessageEvent } from '../../realtime/pubsub.js';
import type { Scope } from '../../scope.js';
import { User, UserRole } from '../account/user.entity.js';
import { AuditAction } from '../admin/audit.entity.js';
import type { AuditService } from '../admin/audit.service.js';
import { afterCommit } from '../notification/notify.js';
import { SupportConversation, SupportMessage, SupportStatus } from './support.entities.js';
import {
  type OpenSupportConversationInput,
  type SendSupportMessageInput,
  type SupportConversationsArgs,
  type SupportMessagesArgs,
  type SupportQueueArgs,
  SupportQueueFilter,
} from './support.inputs.js';

/** Whether a signed-in user is operator staff. */
export function isStaff(viewer: UserViewer): boolean {
  return viewer.role === UserRole.ADMIN;
}

export function toSupportMessageEvent(message: SupportMessage): SupportMessageEvent {
  return {
    id: message.id,
    conversationId: message.conversation.id,
    ownerId: message.owner.id,
    createdAt: message.createdAt.toISOString(),
  };
}

/**
 * Support chat between users and operator staff (seed 003 "관리자와의 대화"): a user sees only
 * their own conversations, staff see all of them; anyone else gets NOT_FOUND. Messages are
 * stored, then announced on `SupportMessageAdded` after commit.
 */
export class SupportService {
  constructor(
    private readonly deps: { events: EventBus; audit: AuditService; clock: () => Date },
  ) {}

  /** The conversation if the viewer is its user or staff; NOT_FOUND otherwise. */
  async visible(em: EntityManager, viewer: UserViewer, id: number): Promise<SupportConversation> {
    const conversation = await em.findOne(
      SupportConversation,
      isStaff(viewer) ? { id } : { id, user: viewer.userId },
    );
    if (conversation === null) throw new NotFoundError('SupportConversation', id);
    return conversation;
  }

  async get(ctx: Scope, id: string): Promise<SupportConversation> {
    const viewer = requireUser(ctx.viewer);
    return this.visible(ctx.em, viewer, parseId(id, 'SupportConversation'));
  }

  async open(ctx: Scope, input: OpenSupportConversationInput): Promise<SupportConversation> {
    const viewer = requireUser(ctx.viewer);
    const now = this.deps.clock();
    return ctx.em.transactional(async (em) => {
      const conversation = em.create(SupportConversation, {
        user: em.getReference(User, viewer.userId),
        subject: input.subject.trim(),
        createdAt: now,
        lastMessageAt: now,
      });
      this.add(em, conversation, viewer, input.message, now);
      await em.flush();
      return conversation;
    });
  }

  /** Stages a message (the caller flushes) and its announcement after commit. */
  private add(
    em: EntityManager,
    conversation: SupportConversation,
    viewer: UserViewer,
    content: string,
    now: Date,
  ): SupportMessage {
    const message = em.create(SupportMessage, {
      conversation,
      owner: conversation.user,
      author: em.getReference(User, viewer.userId),
      fromStaff: isStaff(viewer),
      content,
      createdAt: now,
    });
    conversation.lastMessageAt = now;
    afterCommit(em, () => this.deps.events.supportMessageAdded(toSupportMessageEvent(message)));
    return message;
  }

  /** Runs `work` in a transaction on a conversation the viewer may see (NOT_FOUND otherwise). */
  private inConversation<T>(
    ctx: Scope,
    id: string,
    work: (em: EntityManager, viewer: UserViewer, conversation: SupportConversation) => Promise<T>,
  ): Promise<T> {
    const viewer = requireUser(ctx.viewer);
    const key = parseId(id, 'SupportConversation');
    return ctx.em.transactional(async (em) =>
      work(em, viewer, await this.visible(em, viewer, key)),
    );
  }

  private static requireOpen(conversation: SupportConversation): void {
    if (conversation.status === SupportStatus.CLOSED)
      throw new ConflictError('This support conversation is closed: it is read-only.');
  }

  /**
   * Gives the conversation to a staff member (already theirs: nothing to do). A conditional
   * UPDATE: of two staff claiming (or answering) at once, exactly one wins, the other gets
   * CONFLICT.
   */
  private async takeClaim(
    em: EntityManager,
    viewer: UserViewer,
    conversation: SupportConversation,
    detail: Record<string, unknown> | null = null,
  ): Promise<void> {
    if (conversation.claimedBy?.id === viewer.userId) return;
    const claimed = await em.nativeUpdate(
      SupportConversation,
      { id: conversation.id, claimedBy: null, status: SupportStatus.OPEN },
      { claimedBy: viewer.userId },
    );
    if (claimed === 0)
      throw new ConflictError('Another staff member has claimed this conversation.');
    conversation.claimedBy = em.getReference(User, viewer.userId, { wrapped: true });
    this.deps.audit.record(
      em,
      viewer,
      AuditAction.CLAIM_SUPPORT_CONVERSATION,
      { type: 'SupportConversation', id: conversation.id },
      null,
      detail,
    );
  }

  /** Whether the viewer acts as staff here (not an admin's own conversation). */
  private static staffSide(viewer: UserViewer, conversation: SupportConversation): boolean {
    return isStaff(viewer) && conversation.user.id !== viewer.userId;
  }

  send(ctx: Scope, input: SendSupportMessageInput): Promise<SupportMessage> {
    const now = this.deps.clock();
    return this.inConversation(ctx, input.conversationId, async (em, viewer, conversation) => {
      SupportService.requireOpen(conversation);
      const staff = SupportService.staffSide(viewer, conversation);
      // staff answer the conversations they claimed; answering an unclaimed one claims it
      if (staff) await this.takeClaim(em, viewer, conversation, { byAnswering: true });
      const message = this.add(em, conversation, viewer, input.content, now);
      await em.flush();
      // writing means having read everything before it
      if (staff) conversation.staffReadUpTo = message.id;
      else conversation.userReadUpTo = message.id;
      await em.flush();
      return message;
    });
  }

  /** Staff take an open conversation from the queue (again: harmless; another's: CONFLICT). */
  claim(ctx: Scope, id: string): Promise<SupportConversation> {
    return this.inConversation(ctx, id, async (em, viewer, conversation) => {
      SupportService.requireOpen(conversation);
      await this.takeClaim(em, viewer, conversation);
      await em.flush();
      return conversation;
    });
  }

  /** Either side closes it; closed, it is read-only. */
  close(ctx: Scope, id: string): Promise<SupportConversation> {
    return this.inConversation(ctx, id, async (em, viewer, conversation) => {
      if (conversation.status === SupportStatus.CLOSED)
        throw new ConflictError('This support conversation is already closed.');
      conversation.status = SupportStatus.CLOSED;
      conversation.closedAt = this.deps.clock();
      if (SupportService.staffSide(viewer, conversation))
        this.deps.audit.record(
          em,
          viewer,
          AuditAction.CLOSE_SUPPORT_CONVERSATION,
          { type: 'SupportConversation', id: conversation.id },
          null,
        );
      await em.flush();
      return conversation;
    });
  }

  /** Marks everything in the conversation read for the viewer's side (user or staff). */
  markRead(ctx: Scope, id: string): Promise<SupportConversation> {
    return this.inConversation(ctx, id, async (em, viewer, conversation) => {
      const last = await em.findOne(
        SupportMessage,
        { conversation: conversation.id },
        { orderBy: { id: 'desc' }, fields: ['id'] },
      );
      const upTo = last?.id ?? 0;
      if (SupportService.staffSide(viewer, conversation))
        conversation.staffReadUpTo = Math.max(conversation.staffReadUpTo, upTo);
      else conversation.userReadUpTo = Math.max(conversation.userReadUpTo, upTo);
      await em.flush();
      return conversation;
    });
  }

  /** The viewer's own conversations, latest activity first. */
  mine(ctx: Scope, args: SupportConversationsArgs): Promise<Connection<SupportConversation>> {
    const viewer = requireUser(ctx.viewer);
    const where: FilterQuery<SupportConversation> = { user: viewer.userId };
    if (args.status != null) where.status = args.status;
    return paginate({
      em: ctx.em,
      entity: SupportConversation,
      where,
      timeField: 'lastMessageAt',
      args,
    });
  }

  /** The staff queue: open (or closed) conversations, latest activity first. */
  queue(ctx: Scope, args: SupportQueueArgs): Promise<Connection<SupportConversation>> {
    const viewer = requireUser(ctx.viewer);
    const where: FilterQuery<SupportConversation> = { status: args.status };
    if (args.filter === SupportQueueFilter.UNCLAIMED) where.claimedBy = null;
    if (args.filter === SupportQueueFilter.MINE) where.claimedBy = viewer.userId;
    return paginate({
      em: ctx.em,
      entity: SupportConversation,
      where,
      timeField: 'lastMessageAt',
      args,
    });
  }

  async messages(ctx: Scope, args: SupportMessagesArgs): Promise<Connection<SupportMessage>> {
    const viewer = requireUser(ctx.viewer);
    const id = parseId(args.conversationId, 'SupportConversation');
    await this.visible(ctx.em, viewer, id);
    return paginate({
      em: ctx.em,
      entity: SupportMessage,
      where: { conversation: id },
      timeField: 'createdAt',
      args,
    });
  }

  /**
   * Unread messages per conversation for the viewer's side: the other side's messages after
   * the side's read position. One statement for a page of conversations.
   */
  async unreadCounts(
    em: EntityManager,
    viewer: UserViewer,
    conversations: readonly SupportConversation[],
  ): Promise<number[]> {
    if (conversations.length === 0) return [];
    // the conversation's own user reads as the user even if staff (an admin asking support)
    const staffSide = (c: SupportConversation) => SupportService.staffSide(viewer, c);
    const counts = new Map<number, number>();
    const plain = new PlainReader(em);
    for (const side of [true, false]) {
      const ids = conversations.filter((c) => staffSide(c) === side).map((c) => c.id);
      if (ids.length === 0) continue;
      const readUpTo = side ? 'staff_read_up_to' : 'user_read_up_to';
      const rows = await plain.query(
        `select m.conversation_id as id, count(*) as n from ${plain.table(SupportMessage)} m ` +
          `join ${plain.table(SupportConversation)} c on c.id = m.conversation_id ` +
          `where m.conversation_id in (${marks(ids)}) and m.from_staff = ? and m.id > c.${readUpTo} ` +
          'group by m.conversation_id',
        [...ids, side ? 0 : 1],
      );
      for (const row of rows) counts.set(Number(row['id']), Number(row['n']));
    }
    return conversations.map((c) => counts.get(c.id) ?? 0);
  }
}
