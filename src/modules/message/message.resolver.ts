import { UserOrDevice } from '../../auth/operation-access.js';
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
} from 'type-graphql';
import type { Context } from '../../context.js';
import type { Connection } from '../../graphql/connection.js';
import { parseId } from '../../graphql/ids.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { Message } from './message.entity.js';
import { MessagesArgs, SendMessageInput } from './message.inputs.js';
import { MessageConnection } from './message.types.js';
import { familyData } from '../../auth/type-access.js';

// No @SignedIn(): a Carebot device uses these too, acting for its family's main user; the
// service requires a signed-in user or a device.
@Resolver(() => Message)
export class MessageResolver {
  @UserOrDevice('to someone sharing an ACTIVE family; a device writes as its main user')
  @Mutation(() => Message, {
    description:
      'Sends a message to someone who shares an ACTIVE family with you (a Carebot sends as its main user).',
  })
  sendMessage(
    @Arg('input', () => SendMessageInput, { description: 'The message.' })
    input: SendMessageInput,
    @Ctx() ctx: Context,
  ): Promise<Message> {
    return ctx.app.services.message.send(ctx, input);
  }

  @UserOrDevice("the viewer's own mailbox (a device: its main user's)")
  @Query(() => MessageConnection, {
    description: "The viewer's received or sent messages (a Carebot: its main user's).",
  })
  messages(@Args() args: MessagesArgs, @Ctx() ctx: Context): Promise<Connection<Message>> {
    return ctx.app.services.message.list(ctx, args);
  }

  @UserOrDevice('the two sides of the message')
  @Query(() => Message, {
    nullable: true,
    description: 'A message the viewer sent or received (and has not deleted); else NOT_FOUND.',
  })
  message(
    @Arg('id', () => ID, { description: 'The message.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Message> {
    return ctx.app.services.message.get(ctx, parseId(id, 'Message'));
  }

  @UserOrDevice("the viewer's own mailbox")
  @Query(() => Int, { description: 'How many received messages the viewer has not read.' })
  unreadMessageCount(@Ctx() ctx: Context): Promise<number> {
    return ctx.app.services.message.unreadCount(ctx);
  }

  @UserOrDevice('the recipient')
  @Mutation(() => Int, {
    description:
      'Marks received messages read (at most 100 ids); returns how many were unread and changed.',
  })
  markMessagesRead(
    @Arg('ids', () => [ID], { description: 'The messages, at most 100.' }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<number> {
    return ctx.app.services.message.markRead(ctx, ids);
  }

  @UserOrDevice('the two sides of the message (hides it for the caller)')
  @Mutation(() => Boolean, {
    description: 'Deletes a message for the viewer only; the other side still has it.',
  })
  deleteMessage(
    @Arg('id', () => ID, { description: 'The message.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.message.delete(ctx, parseId(id, 'Message'));
  }

  @FieldResolver(() => User, { description: 'Who sent it.' })
  from(@Root() message: Message, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(message.fromUser.id);
  }

  @FieldResolver(() => User, { description: 'Who it was sent to.' })
  to(@Root() message: Message, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(message.toUser.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The attached picture (a file id), if any.',
  })
  image(@Root() message: Message): string | null {
    return message.imageId;
  }

  @FieldResolver(() => Boolean, { description: 'Whether the recipient has read it.' })
  read(@Root() message: Message): boolean {
    return message.readAt !== null;
  }

  @FieldResolver(() => Family, {
    nullable: true,
    description: 'The shared family it was sent through; null once you no longer belong to it.',
  })
  async family(@Root() message: Message, @Ctx() ctx: Context): Promise<Family | null> {
    if ((await ctx.access.standingIn(message.family.id)) === undefined) return null;
    return ctx.loaders.family.load(message.family.id);
  }
}

// the two sides keep their messages after leaving the family; a device reads its main user's
familyData(Message, {
  familyOf: (message) => message.family.id,
  read: 'READ',
  subjects: (message) => [message.fromUser.id, message.toUser.id],
  subjectNote: 'its sender and recipient, also after leaving the family',
});
