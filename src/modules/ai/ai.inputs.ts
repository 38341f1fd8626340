import { IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { CHAT_MESSAGE_MAX_LENGTH, CONVERSATION_TITLE_MAX_LENGTH } from './ai.entities.js';

@InputType({ description: 'A message to the AI companion.' })
export class SendChatMessageInput {
  @Field(() => ID, {
    nullable: true,
    description: 'The conversation to continue; omit it to start a new one.',
  })
  @IsOptional()
  conversationId?: string | null;

  @Field({ description: 'The text, 1–2,000 characters.' })
  @IsNotBlank()
  @CharLength(1, CHAT_MESSAGE_MAX_LENGTH)
  content!: string;
}

@InputType({ description: 'A new title for a conversation.' })
export class RenameConversationInput {
  @Field(() => ID, { description: 'The conversation.' })
  id!: string;

  @Field({ description: 'The title, 1–100 characters.' })
  @IsNotBlank()
  @CharLength(1, CONVERSATION_TITLE_MAX_LENGTH)
  title!: string;
}
