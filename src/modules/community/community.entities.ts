import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { File } from '../file/file.entity.js';

/** Limits of seed 003 (board name 128, description 512, title 64, body 1,024, comment 256). */
export const BOARD_NAME_MAX = 128;
export const BOARD_DESCRIPTION_MAX = 512;
export const POST_TITLE_MAX = 64;
export const POST_BODY_MAX = 1024;
export const COMMENT_BODY_MAX = 256;
export const REPORT_REASON_MAX = 500;
/** Files one post or comment may carry. */
export const ATTACHMENTS_MAX = 5;

/** Who may use a board. */
export enum BoardVisibility {
  PUBLIC = 'PUBLIC',
  RESTRICTED = 'RESTRICTED',
}
registerEnumType(BoardVisibility, {
  name: 'BoardVisibility',
  description: 'Who may use a board.',
  valuesConfig: {
    PUBLIC: { description: 'Every signed-in user reads it (and writes while it is open).' },
    RESTRICTED: { description: 'Only users an admin granted READ or READ_WRITE.' },
  },
});

/** What an admin granted one user on a RESTRICTED board. */
export enum BoardPermissionLevel {
  READ = 'READ',
  READ_WRITE = 'READ_WRITE',
}
registerEnumType(BoardPermissionLevel, {
  name: 'BoardPermissionLevel',
  description: 'What a user may do on a board.',
  valuesConfig: {
    READ: { description: 'Read posts and comments, like and report them.' },
    READ_WRITE: { description: 'Also write posts and comments (while the board is open).' },
  },
});

/** A community board that admins create at will (seed 003 `Board`). */
@Entity({ tableName: 'board' })
@ObjectType({ description: 'A community board of posts.' })
export class Board {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'visible' | 'open' | 'visibility';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @Property({ length: BOARD_NAME_MAX, unique: true })
  @Field({ description: 'Unique name, 1–128 characters.' })
  name!: string;

  @Property({ length: BOARD_DESCRIPTION_MAX })
  @Field({ description: 'What the board is for, up to 512 characters.' })
  description!: string;

  /** Hidden boards exist only for admins (being set up, or retired). */
  @Property()
  @Field(() => Boolean, { description: 'Whether users see the board at all (admins always do).' })
  visible: boolean & Opt = true;

  @Property()
  @Field(() => Boolean, { description: 'Whether users may write new posts and comments on it.' })
  open: boolean & Opt = true;

  @Enum({ items: () => BoardVisibility, length: 16 })
  @Field(() => BoardVisibility, { description: 'Public to every user, or restricted to grants.' })
  visibility: BoardVisibility & Opt = BoardVisibility.PUBLIC;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was created.' })
  createdAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  updatedAt!: Date;
}

/** One user's access to one RESTRICTED board (seed 003 `UserPermissionTable`). */
@Entity({ tableName: 'board_permission' })
@Unique({ properties: ['board', 'user'] })
@Index({ properties: ['user', 'board'] })
export class BoardPermission {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Board, { ref: true, deleteRule: 'cascade', index: false })
  board!: Ref<Board>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: false })
  user!: Ref<User>;

  @Enum({ items: () => BoardPermissionLevel, length: 16 })
  level!: BoardPermissionLevel;

  @Property({ type: 'datetime', length: 3 })
  createdAt!: Date;
}

/**
 * A post on a board. The three counters are stored so lists sort and show them without
 * counting: likes and comments are recounted in the transaction that changes them (under the
 * post's row lock), views are added by the flush job (community.views.ts).
 */
@Entity({ tableName: 'post' })
@Index({ properties: ['board', 'createdAt', 'id'] })
@Index({ properties: ['board', 'likeCount', 'id'] })
@ObjectType({ description: 'A post on a community board.' })
export class Post {
  [OptionalProps]?:
    | 'viewCount'
    | 'likeCount'
    | 'commentCount'
    | 'editedAt'
    | 'deletedAt'
    | 'hiddenAt'
    | 'hiddenReason';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Board, { ref: true, deleteRule: 'cascade', index: false })
  board!: Ref<Board>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  author!: Ref<User>;

  @Property({ length: POST_TITLE_MAX })
  @Field({ description: 'Title, 1–64 characters.' })
  title!: string;

  @Property({ length: POST_BODY_MAX })
  @Field({ description: 'Text, 1–1,024 characters.' })
  body!: string;

  @Property()
  @Field(() => Int, { description: 'Distinct viewers per hour, added in batches (not live).' })
  viewCount: number & Opt = 0;

  @Property()
  @Field(() => Int, { description: 'How many users like it.' })
  likeCount: number & Opt = 0;

  @Property()
  @Field(() => Int, { description: 'How many visible comments it has.' })
  commentCount: number & Opt = 0;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was posted.' })
  createdAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When its author last edited it.' })
  editedAt: Date | null = null;

  /** Its author deleted it: gone for everyone but admins, kept for moderation. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  deletedAt: Date | null = null;

  /** An admin hid it (moderation): gone for everyone but admins until unhidden. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  hiddenAt: Date | null = null;

  @Property({ length: REPORT_REASON_MAX, nullable: true })
  hiddenReason: string | null = null;
}

/** A comment on a post; `board` is the post's, kept here so access needs no lookup. */
@Entity({ tableName: 'post_comment' })
@Index({ properties: ['post', 'createdAt', 'id'] })
@ObjectType({ description: 'A comment on a post.' })
export class Comment {
  [OptionalProps]?: 'editedAt' | 'deletedAt' | 'hiddenAt' | 'hiddenReason';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Post, { ref: true, deleteRule: 'cascade', index: false })
  post!: Ref<Post>;

  @ManyToOne(() => Board, { ref: true, deleteRule: 'cascade' })
  board!: Ref<Board>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  author!: Ref<User>;

  @Property({ length: COMMENT_BODY_MAX })
  @Field({ description: 'Text, 1–256 characters.' })
  body!: string;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was written.' })
  createdAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When its author last edited it.' })
  editedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  deletedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  hiddenAt: Date | null = null;

  @Property({ length: REPORT_REASON_MAX, nullable: true })
  hiddenReason: string | null = null;
}

/**
 * A file attached to a post or a comment (exactly one of the two), by a foreign key to the file
 * (file.references.ts): the hourly sweep keeps it while a row here points at it.
 */
@Entity({ tableName: 'community_attachment' })
@Index({ properties: ['post', 'position'] })
@Index({ properties: ['comment', 'position'] })
export class CommunityAttachment {
  [OptionalProps]?: 'post' | 'comment';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Post, { ref: true, nullable: true, deleteRule: 'cascade', index: false })
  post: Ref<Post> | null = null;

  @ManyToOne(() => Comment, { ref: true, nullable: true, deleteRule: 'cascade', index: false })
  comment: Ref<Comment> | null = null;

  @ManyToOne(() => File, { mapToPk: true, fieldName: 'file_id', deleteRule: 'cascade' })
  fileId!: string;

  @Property()
  position!: number;
}

/** One user likes one post: the unique index makes a toggle idempotent under concurrency. */
@Entity({ tableName: 'post_like' })
@Unique({ properties: ['post', 'user'] })
@Index({ properties: ['user', 'post'] })
export class PostLike {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Post, { ref: true, deleteRule: 'cascade', index: false })
  post!: Ref<Post>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: false })
  user!: Ref<User>;

  @Property({ type: 'datetime', length: 3 })
  createdAt!: Date;
}

/**
 * One viewer read one post within one clock hour (`hour` = epoch hours). The unique index
 * counts a viewer once per hour; `counted` marks rows the flush job has added to the post.
 */
@Entity({ tableName: 'post_view' })
@Unique({ properties: ['post', 'viewer', 'hour'] })
@Index({ properties: ['counted', 'id'] })
export class PostView {
  [OptionalProps]?: 'counted';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Post, { ref: true, deleteRule: 'cascade', index: false })
  post!: Ref<Post>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  viewer!: Ref<User>;

  @Property()
  hour!: number;

  @Property()
  counted: boolean & Opt = false;
}

/** Where a report is in its life. */
export enum ReportStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
registerEnumType(ReportStatus, {
  name: 'ContentReportStatus',
  description: 'Where a report of community content is in its life.',
  valuesConfig: {
    OPEN: { description: 'Waiting for an admin.' },
    RESOLVED: { description: 'An admin dealt with it.' },
  },
});

/** A user reported a post or a comment (exactly one of the two) to the admins. */
@Entity({ tableName: 'content_report' })
@Index({ properties: ['status', 'createdAt', 'id'] })
@ObjectType({ description: 'A report of a post or comment, for the admins.' })
export class ContentReport {
  [OptionalProps]?: 'post' | 'comment' | 'status' | 'resolvedAt' | 'resolvedBy' | 'resolution';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Post, { ref: true, nullable: true, deleteRule: 'cascade' })
  post: Ref<Post> | null = null;

  @ManyToOne(() => Comment, { ref: true, nullable: true, deleteRule: 'cascade' })
  comment: Ref<Comment> | null = null;

  @ManyToOne(() => Board, { ref: true, deleteRule: 'cascade' })
  board!: Ref<Board>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  reporter!: Ref<User>;

  @Property({ length: REPORT_REASON_MAX })
  @Field({ description: 'Why it was reported, 1–500 characters.' })
  reason!: string;

  @Enum({ items: () => ReportStatus, length: 16 })
  @Field(() => ReportStatus, { description: 'Open or resolved.' })
  status: ReportStatus & Opt = ReportStatus.OPEN;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was reported.' })
  createdAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When an admin resolved it.' })
  resolvedAt: Date | null = null;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  resolvedBy: Ref<User> | null = null;

  @Property({ length: REPORT_REASON_MAX, nullable: true })
  @Field(() => String, { nullable: true, description: 'What the admin noted when resolving it.' })
  resolution: string | null = null;
}
