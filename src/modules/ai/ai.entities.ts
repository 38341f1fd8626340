import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Family } from '../family/family.entity.js';
import { AiJobKind, AiJobStatus, ChatRole } from './ai.enums.js';

/** Longest chat message, in characters. */
export const CHAT_MESSAGE_MAX_LENGTH = 2000;

/** Longest conversation title, in characters. */
export const CONVERSATION_TITLE_MAX_LENGTH = 100;

/** A conversation between the elder and the AI companion. Private to the main user and the Carebot. */
@Entity({ tableName: 'conversation' })
@Index({ properties: ['family', 'createdAt'] })
@Index({ properties: ['family', 'lastActivityAt'] })
@ObjectType({
  description: "A conversation between the elder and the AI companion (the elder's own).",
})
export class Conversation {
  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade', index: false })
  family!: Ref<Family>;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it started.' })
  createdAt: Date & Opt = new Date();

  @Property({ length: CONVERSATION_TITLE_MAX_LENGTH })
  @Field(() => String, {
    description:
      'Its title, 1–100 characters: the start of its first message until the main user or the Carebot renames it.',
  })
  title: string & Opt = '';

  /** Moved by every message stored, both sides: the list's order. */
  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When its latest message was stored (either side).' })
  lastActivityAt: Date & Opt = new Date();
}

/** The title a conversation starts with: its first message on one line, cut to the limit. */
export function titleFrom(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= CONVERSATION_TITLE_MAX_LENGTH
    ? line
    : `${chars.slice(0, CONVERSATION_TITLE_MAX_LENGTH - 1).join('')}…`;
}

/** One turn of a conversation. */
@Entity({ tableName: 'chat_message' })
@Index({ properties: ['conversation', 'createdAt'] })
@ObjectType({ description: 'One message of a conversation with the AI companion.' })
export class ChatMessage {
  [OptionalProps]?: 'provider';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier (increasing).' })
  id!: number;

  @ManyToOne(() => Conversation, { ref: true, deleteRule: 'cascade', index: false })
  conversation!: Ref<Conversation>;

  @Enum({ items: () => ChatRole })
  @Field(() => ChatRole, { description: 'Who wrote it.' })
  role!: ChatRole;

  @Property({ length: CHAT_MESSAGE_MAX_LENGTH })
  @Field({ description: 'The text, 1–2,000 characters.' })
  content!: string;

  /** Which AI provider wrote an ASSISTANT message (`local` or a model name). */
  @Property({ length: 100, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'For an ASSISTANT message: the provider that wrote it (`local` or a model name).',
  })
  provider: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was stored (server time).' })
  createdAt: Date & Opt = new Date();
}

/**
 * A durable background AI job. Stored before the work starts; workers claim one with a
 * conditional UPDATE (PENDING → RUNNING), so each runs once even with several API processes.
 */
@Entity({ tableName: 'ai_job' })
@Index({ properties: ['status', 'runAfter'] })
@Unique({ properties: ['family', 'dedupeKey'] })
@ObjectType({ description: 'A background AI job (e.g. the reply to a chat message).' })
export class AiJob {
  [OptionalProps]?:
    | 'status'
    | 'attempts'
    | 'progress'
    | 'error'
    | 'resultId'
    | 'dedupeKey'
    | 'runAfter'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Enum({ items: () => AiJobKind })
  @Field(() => AiJobKind, { description: 'What the job does.' })
  kind!: AiJobKind;

  @Enum({ items: () => AiJobStatus })
  @Field(() => AiJobStatus, { description: 'Where it stands.' })
  status: AiJobStatus = AiJobStatus.PENDING;

  @Property()
  @Field(() => Int, { description: 'How many times a worker has started it.' })
  attempts: number = 0;

  /** What the job works on, e.g. `{ conversationId, messageId }`. */
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property()
  @Field(() => Int, { description: 'How far the current attempt got, 0–100 (100 when DONE).' })
  progress: number = 0;

  /** The id of what the job produced (a ChatMessage, MentalStatus or MentalReport, per kind). */
  @Property({ type: 'integer', nullable: true })
  resultId: number | null = null;

  /** Unique per family when set: a scheduled job (e.g. `weekly:2026-11-16`) is stored once. */
  @Property({ length: 100, nullable: true })
  dedupeKey: string | null = null;

  @Property({ length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed, if it did.' })
  error: string | null = null;

  /** Not before this time (backoff between attempts). */
  @Property({ type: 'datetime', length: 3 })
  runAfter: Date = new Date();

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date = new Date();
}

/**
 * Per-family state of the sustained-low-mood watch: `lowSince` is set when an episode starts
 * (and its one warning is raised) and cleared when the mood has recovered. The row is locked
 * while an analysis decides, so each episode warns once whichever worker analyses the mood.
 */
@Entity({ tableName: 'mood_watch' })
export class MoodWatch {
  [OptionalProps]?: 'lowSince';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @OneToOne(() => Family, { ref: true, owner: true, deleteRule: 'cascade', unique: true })
  family!: Ref<Family>;

  @Property({ type: 'datetime', length: 3, nullable: true })
  lowSince: Date | null = null;
}
