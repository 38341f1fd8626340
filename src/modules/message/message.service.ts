import type { FilterQuery } from '@mikro-orm/core';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import type { FileService } from '../file/file.service.js';
import { type Connection, paginate } from '../../graphql/connection.js';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../../graphql/errors.js';
import { bulkKeys, parseId } from '../../graphql/ids.js';
import { User } from '../account/user.entity.js';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { FilePurpose } from '../file/file.entity.js';
import { Membership, MembershipStatus } from '../family/membership.entity.js';
import { Message } from './message.entity.js';
import type { MessagesArgs, SendMessageInput } from './message.inputs.js';
import { MessageBox } from './message.types.js';

/** `markMessagesRead` takes at most this many ids at once. */
export const MARK_READ_MAX_IDS = 100;

/** Whose messages the viewer reads and sends: a device acts for its family's main user. */
export interface Mailbox {
  userId: number;
  /** The device acting for `userId`, if the viewer is one. */
  deviceId: number | null;
}

/** Whose mailbox the viewer uses: their own, or for a device its family's main user's. */
export async function mailboxOf(ctx: Scope): Promise<Mailbox> {
  const { viewer } = ctx;
  switch (viewer.kind) {
    case 'user':
      return { userId: viewer.userId, deviceId: null };
    case 'device': {
      // the Carebot acts for the elder only as the policy's CHAT allows (a confirmed device)
      await ctx.access.requireFamily(viewer.familyId, 'CHAT');
      const family = await ctx.loaders.family.load(viewer.familyId);
      // a device's family cannot vanish while its token works (the device row cascades)
      if (family === null) throw new UnauthenticatedError();
      return { userId: family.mainUser.id, deviceId: viewer.deviceId };
    }
    case 'anonymous':
      throw new UnauthenticatedError();
  }
}

/** Direct messages between users who share an ACTIVE family (SPEC §5 "Messages"). */
export class MessageService {
  constructor(private readonly deps: { events: EventBus; files: FileService }) {}

  /** Whose mailbox the viewer uses (see {@link mailboxOf}). */
  mailbox(ctx: Scope): Promise<Mailbox> {
    return mailboxOf(ctx);
  }

  /**
   * The lowest-numbered family through which the viewer may message `toUserId`: one the viewer
   * stands in (main user or ACTIVE member; a device: its own family only) where the recipient
   * is the main user or an ACTIVE member. Undefined when there is none.
   */
  private async sharedFamily(ctx: Scope, toUserId: number): Promise<number | undefined> {
    // standings hold only ACTIVE memberships, owned families and a device's own family
    const familyIds = [...(await ctx.access.standings()).keys()];
    if (familyIds.length === 0) return undefined;
    const [owned, memberships] = await Promise.all([
      ctx.em.find(Family, { id: { $in: familyIds }, mainUser: toUserId }, { fields: ['id'] }),
      ctx.em.find(
        Membership,
        { family: { $in: familyIds }, user: toUserId, status: MembershipStatus.ACTIVE },
        { fields: ['family'] },
      ),
    ]);
    const shared = [...owned.map((f) => f.id), ...memberships.map((m) => m.family.id)];
    return shared.length === 0 ? undefined : Math.min(...shared);
  }

  async send(ctx: Scope, input: SendMessageInput): Promise<Message> {
    const mailbox = await this.mailbox(ctx);
    const toUserId = parseId(input.toUserId, 'User');
    if (toUserId === mailbox.userId) {
      throw BadUserInputError.field('input.toUserId', 'must be someone other than yourself');
    }
    // no shared family and no such user look the same: nothing about strangers is revealed
    const familyId = await this.sharedFamily(ctx, toUserId);
    if (familyId === undefined) throw new NotFoundError('User', toUserId);
    const message = await ctx.em.transactional(async (em) => {
      if (input.imageId !== undefined && input.imageId !== null) {
        // the picture must belong to the family the message is filed under
        await this.deps.files.reference(em, {
          fileId: input.imageId,
          familyId,
          purpose: FilePurpose.MESSAGE_IMAGE,
          field: 'input.imageId',
        });
      }
      const created = em.create(Message, {
        family: em.getReference(Family, familyId),
        fromUser: em.getReference(User, mailbox.userId),
        toUser: em.getReference(User, toUserId),
        sentByDevice: mailbox.deviceId === null ? null : em.getReference(Device, mailbox.deviceId),
        content: input.content,
        imageId: input.imageId ?? null,
      });
      await em.flush();
      return created;
    });
    this.deps.events.messageReceived({
      id: message.id,
      fromUserId: mailbox.userId,
      toUserId,
      content: message.content,
      imageId: message.imageId,
      createdAt: message.createdAt.toISOString(),
    });
    this.deps.events.unreadCountsChanged([toUserId]);
    return message;
  }

  async list(ctx: Scope, args: MessagesArgs): Promise<Connection<Message>> {
    const { userId } = await this.mailbox(ctx);
    const where: FilterQuery<Message> =
      args.box === MessageBox.SENT
        ? { fromUser: userId, deletedBySender: false }
        : { toUser: userId, deletedByRecipient: false };
    return paginate({
      em: ctx.em,
      entity: Message,
      where: args.unreadOnly === true ? { ...where, readAt: null } : where,
      timeField: 'createdAt',
      args,
    });
  }

  /** A message the viewer sent or received and has not deleted; NOT_FOUND otherwise. */
  async get(ctx: Scope, id: number): Promise<Message> {
    const { userId } = await this.mailbox(ctx);
    const message = await ctx.em.findOne(Message, {
      id,
      $or: [
        { fromUser: userId, deletedBySender: false },
        { toUser: userId, deletedByRecipient: false },
      ],
    });
    if (message === null) throw new NotFoundError('Message', id);
    return message;
  }

  async unreadCount(ctx: Scope): Promise<number> {
    const { userId } = await this.mailbox(ctx);
    // a plain count (dashboards ask on every load): no query building
    const [row] = await ctx.loaders.plain.query(
      `select count(*) as n from ${ctx.loaders.plain.table(Message)} ` +
        'where to_user_id = ? and read_at is null and deleted_by_recipient = 0',
      [userId],
    );
    return Number(row?.['n'] ?? 0);
  }

  /**
   * Marks received, unread messages read; returns how many changed. Ids that are not the
   * viewer's unread received messages (sent ones, other people's, malformed) change nothing.
   */
  async markRead(ctx: Scope, ids: readonly string[]): Promise<number> {
    if (ids.length > MARK_READ_MAX_IDS) {
      throw BadUserInputError.field('ids', `must hold at most ${MARK_READ_MAX_IDS} ids`);
    }
    const { userId } = await this.mailbox(ctx);
    const keys = bulkKeys(ids);
    if (keys.length === 0) return 0;
    const changed = await ctx.em.transactional((em) =>
      // one conditional UPDATE: a concurrent mark of the same message counts once
      em.nativeUpdate(
        Message,
        { id: { $in: keys }, toUser: userId, readAt: null, deletedByRecipient: false },
        { readAt: new Date() },
      ),
    );
    if (changed > 0) this.deps.events.unreadCountsChanged([userId]);
    return changed;
  }

  /** Hides a message from the viewer's side only; the row goes once both sides deleted it. */
  async delete(ctx: Scope, id: number): Promise<boolean> {
    const { userId } = await this.mailbox(ctx);
    const unreadRemoved = await ctx.em.transactional(async (em) => {
      const message = await em.findOne(Message, {
        id,
        $or: [
          { fromUser: userId, deletedBySender: false },
          { toUser: userId, deletedByRecipient: false },
        ],
      });
      if (message === null) throw new NotFoundError('Message', id);
      const received = message.toUser.id === userId;
      if (received) message.deletedByRecipient = true;
      else message.deletedBySender = true;
      if (message.deletedBySender && message.deletedByRecipient) em.remove(message);
      await em.flush();
      return received && message.readAt === null;
    });
    if (unreadRemoved) this.deps.events.unreadCountsChanged([userId]);
    return true;
  }
}
