import { type Opt, OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/**
 * What an admin did. Stored as text (not a database enum), so a module that records a new
 * action adds a value here without a migration.
 */
export enum AuditAction {
  SUSPEND_USER = 'SUSPEND_USER',
  UNSUSPEND_USER = 'UNSUSPEND_USER',
  BROADCAST_DISASTER = 'BROADCAST_DISASTER',
  CLAIM_SUPPORT_CONVERSATION = 'CLAIM_SUPPORT_CONVERSATION',
  CLOSE_SUPPORT_CONVERSATION = 'CLOSE_SUPPORT_CONVERSATION',
  CREATE_BOARD = 'CREATE_BOARD',
  UPDATE_BOARD = 'UPDATE_BOARD',
  GRANT_BOARD_ACCESS = 'GRANT_BOARD_ACCESS',
  REVOKE_BOARD_ACCESS = 'REVOKE_BOARD_ACCESS',
  HIDE_POST = 'HIDE_POST',
  UNHIDE_POST = 'UNHIDE_POST',
  HIDE_COMMENT = 'HIDE_COMMENT',
  UNHIDE_COMMENT = 'UNHIDE_COMMENT',
  RESOLVE_CONTENT_REPORT = 'RESOLVE_CONTENT_REPORT',
}
registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'An action an admin took.',
  valuesConfig: {
    SUSPEND_USER: { description: 'Suspended a user until a time (their sessions ended).' },
    UNSUSPEND_USER: { description: "Lifted a user's suspension." },
    BROADCAST_DISASTER: { description: 'Broadcast a public-disaster alert to regions.' },
    CLAIM_SUPPORT_CONVERSATION: { description: 'Took a support conversation from the queue.' },
    CLOSE_SUPPORT_CONVERSATION: { description: 'Closed a support conversation as staff.' },
    CREATE_BOARD: { description: 'Created a community board.' },
    UPDATE_BOARD: { description: "Changed a board's name, description, visibility or openness." },
    GRANT_BOARD_ACCESS: { description: 'Granted a user read or read-write access to a board.' },
    REVOKE_BOARD_ACCESS: { description: "Revoked a user's access to a board." },
    HIDE_POST: { description: 'Hid a post (moderation).' },
    UNHIDE_POST: { description: 'Showed a hidden post again.' },
    HIDE_COMMENT: { description: 'Hid a comment (moderation).' },
    UNHIDE_COMMENT: { description: 'Showed a hidden comment again.' },
    RESOLVE_CONTENT_REPORT: { description: "Resolved a user's report of a post or comment." },
  },
});

/** Longest reason an admin gives, in characters. */
export const AUDIT_REASON_MAX_LENGTH = 500;

/**
 * One admin action, written in the transaction that did it and never changed afterwards: no
 * operation updates or deletes an entry. The actor is kept as a plain id (no foreign key), so
 * an entry outlives the account that made it unchanged.
 */
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['createdAt'] })
@Index({ properties: ['actorId', 'createdAt'] })
@Index({ properties: ['action', 'createdAt'] })
@ObjectType({ description: 'One admin action, as recorded (never edited).' })
export class AuditEntry {
  [OptionalProps]?: 'createdAt' | 'reason' | 'detail';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable, increasing identifier.' })
  id!: number;

  /** The admin's user id (the account may since have been deleted). */
  @Property({ type: 'integer', index: false })
  actorId!: number;

  @Property({ type: 'string', length: 64 })
  @Field(() => AuditAction, { description: 'What was done.' })
  action!: AuditAction;

  @Property({ length: 40 })
  @Field({ description: 'The kind of thing acted on, e.g. `User`, `Region`.' })
  targetType!: string;

  @Property({ length: 64 })
  @Field({ description: 'Its identifier (several, comma-separated, for a broadcast).' })
  targetId!: string;

  @Property({ length: AUDIT_REASON_MAX_LENGTH, nullable: true })
  @Field(() => String, { nullable: true, description: 'Why, as the admin gave it.' })
  reason: string | null = null;

  /** A small JSON object with the action's particulars (e.g. until when, how many families). */
  @Property({ type: 'json', nullable: true })
  detail: Record<string, unknown> | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was done (server time).' })
  createdAt: Date & Opt = new Date();
}
