import { IsOptional } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { TimeRangeArgs } from '../../graphql/connection.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { MESSAGE_MAX_LENGTH } from './message.entity.js';
import { MessageBox } from './message.types.js';
import { IsFileId } from '../file/file.id.js';

@InputType({ description: 'A new message.' })
export class SendMessageInput {
  @Field(() => ID, {
    description: 'The recipient: a user who shares an ACTIVE family with you (not yourself).',
  })
  toUserId!: string;

  @Field({ description: 'The text, 1–2,000 characters.' })
  // in this order an empty text is reported by its length, a spaces-only one as blank
  @IsNotBlank()
  @CharLength(1, MESSAGE_MAX_LENGTH)
  content!: string;

  @Field(() => String, { nullable: true, description: 'An uploaded picture to attach.' })
  @IsOptional()
  @IsFileId()
  imageId?: string | null;
}

@ArgsType()
export class MessagesArgs extends TimeRangeArgs {
  @Field(() => MessageBox, {
    nullable: true,
    defaultValue: MessageBox.INBOX,
    description: 'Received (default) or sent messages.',
  })
  box?: MessageBox | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'Only messages the recipient has not read yet (in SENT: those your recipients have not read).',
  })
  unreadOnly?: boolean | null;
}
