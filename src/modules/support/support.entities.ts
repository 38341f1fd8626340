import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../account/user.entity.js';

/** Longest subject, in characters. */
export const SUPPORT_SUBJECT_MAX_LENGTH = 120;
/** Longest message, in characters (as direct messages). */
export const SUPPORT_MESSAGE_MAX_LENGTH = 2000;

export enum SupportStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}
registerEnumType(SupportStatus, {
  name: 'SupportStatus',
  description: 'Whether a support conversation still takes messages.',
  valuesConfig: {
    OPEN: { description: 'Open: both sides may write.' },
    CLOSED: { description: 'Closed by either side: read-only.' },
  },
});

/**
 * A user's conversation with operator staff (ADMIN users). Not family data: only its user and
 * staff read it (staffData). Each side's read position is the last message id it has read.
 */
@Entity({ tableName: 'support_conversation' })
@Index({ properties: ['user', 'lastMessageAt'] })
@Index({ properties: ['status', 'lastMessageAt'] })
@ObjectType({ description: "A user's conversation with support staff." })
export class SupportConversation {
  [OptionalProps]?:
    | 'status'
    | 'claimedBy'
    | 'closedAt'
    | 'createdAt'
    | 'lastMessageAt'
    | 'userReadUpTo'
    | 'staffReadUpTo';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  // the composite index above starts with it
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: false })
  user!: Ref<User>;

  @Property({ length: SUPPORT_SUBJECT_MAX_LENGTH })
  @Field({ description: 'What it is about, 1–120 characters.' })
  subject!: string;

  @Property({ type: 'string', length: 10 })
  @Field(() => SupportStatus, { description: 'Open or closed (read-only).' })
  status: SupportStatus = SupportStatus.OPEN;

  /** The staff member who took it from the queue. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  claimedBy: Ref<User> | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was closed.' })
  closedAt: Date | null = null;

  /** Last message id the user has read. */
  @Property({ type: 'integer' })
  userReadUpTo: number & Opt = 0;

  /** Last message id any staff member has read (staff share one queue). */
  @Property({ type: 'integer' })
  staffReadUpTo: number & Opt = 0;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was opened.' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When its latest message was written.' })
  lastMessageAt: Date & Opt = new Date();
}

/** One message of a support conversation; ids are increasing (the live resume cursor). */
@Entity({ tableName: 'support_message' })
@Index({ properties: ['conversation', 'createdAt'] })
@ObjectType({ description: 'A message in a support conversation.' })
export class SupportMessage {
  [OptionalProps]?: 'createdAt' | 'author';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, {
    description: 'Stable, increasing identifier (resume cursor for supportMessageAdded).',
  })
  id!: number;

  // the composite index above starts with it
  @ManyToOne(() => SupportConversation, { ref: true, deleteRule: 'cascade', index: false })
  conversation!: Ref<SupportConversation>;

  /** The conversation's user, copied here so the type guard decides without a lookup. */
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  owner!: Ref<User>;

  /** Who wrote it; null once that account is deleted. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  author: Ref<User> | null = null;

  @Property({ type: 'boolean' })
  @Field({ description: 'Whether staff wrote it (else the conversation’s user).' })
  fromStaff!: boolean;

  @Property({ length: SUPPORT_MESSAGE_MAX_LENGTH })
  @Field({ description: 'The text, 1–2,000 characters.' })
  content!: string;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was written (server time).' })
  createdAt: Date & Opt = new Date();
}
