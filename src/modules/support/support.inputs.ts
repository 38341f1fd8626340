import { IsIn, IsOptional } from 'class-validator';
import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { TimeRangeArgs } from '../../graphql/connection.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import {
  SUPPORT_MESSAGE_MAX_LENGTH,
  SUPPORT_SUBJECT_MAX_LENGTH,
  SupportStatus,
} from './support.entities.js';

@InputType({ description: 'A new support conversation and its first message.' })
export class OpenSupportConversationInput {
  @Field({ description: `What it is about, 1–${SUPPORT_SUBJECT_MAX_LENGTH} characters.` })
  @IsNotBlank()
  @CharLength(1, SUPPORT_SUBJECT_MAX_LENGTH)
  subject!: string;

  @Field({ description: `The first message, 1–${SUPPORT_MESSAGE_MAX_LENGTH} characters.` })
  @IsNotBlank()
  @CharLength(1, SUPPORT_MESSAGE_MAX_LENGTH)
  message!: string;
}

@InputType({ description: 'A message in an open support conversation.' })
export class SendSupportMessageInput {
  @Field(() => ID, { description: 'The conversation (yours, or any as staff).' })
  conversationId!: string;

  @Field({ description: `The text, 1–${SUPPORT_MESSAGE_MAX_LENGTH} characters.` })
  @IsNotBlank()
  @CharLength(1, SUPPORT_MESSAGE_MAX_LENGTH)
  content!: string;
}

export enum SupportQueueFilter {
  ALL = 'ALL',
  UNCLAIMED = 'UNCLAIMED',
  MINE = 'MINE',
}
registerEnumType(SupportQueueFilter, {
  name: 'SupportQueueFilter',
  description: 'Which conversations of the staff queue to list.',
  valuesConfig: {
    ALL: { description: 'Every one.' },
    UNCLAIMED: { description: 'Those no staff member has claimed.' },
    MINE: { description: 'Those the viewer claimed.' },
  },
});

@ArgsType()
export class SupportConversationsArgs extends TimeRangeArgs {
  @Field(() => SupportStatus, { nullable: true, description: 'Only open or only closed ones.' })
  @IsOptional()
  @IsIn(Object.values(SupportStatus))
  status?: SupportStatus | null;
}

@ArgsType()
export class SupportQueueArgs extends TimeRangeArgs {
  @Field(() => SupportStatus, {
    defaultValue: SupportStatus.OPEN,
    description: 'Open (default) or closed conversations.',
  })
  @IsIn(Object.values(SupportStatus))
  status!: SupportStatus;

  @Field(() => SupportQueueFilter, {
    defaultValue: SupportQueueFilter.ALL,
    description: 'All (default), unclaimed, or claimed by the viewer.',
  })
  @IsIn(Object.values(SupportQueueFilter))
  filter!: SupportQueueFilter;
}

@ArgsType()
export class SupportMessagesArgs extends TimeRangeArgs {
  @Field(() => ID, { description: 'The conversation.' })
  conversationId!: string;
}
