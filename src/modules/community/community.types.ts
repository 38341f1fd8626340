import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../graphql/connection.js';
import { BoardPermissionLevel, Comment, ContentReport, Post } from './community.entities.js';

/** How the viewer stands on a board (the board standing of src/auth/board-access.ts). */
export enum BoardRole {
  READ = 'READ',
  READ_WRITE = 'READ_WRITE',
  ADMIN = 'ADMIN',
}
registerEnumType(BoardRole, {
  name: 'BoardRole',
  description: 'What the viewer may do on a board.',
  valuesConfig: {
    READ: { description: 'Read, like and report.' },
    READ_WRITE: { description: 'Also write posts and comments while the board is open.' },
    ADMIN: { description: 'Everything, hidden content and moderation included.' },
  },
});

/** A post's or comment's author as the community shows them: a name and a face, no e-mail. */
@ObjectType({ description: 'The author of a post or comment: name and avatar, nothing else.' })
export class CommunityAuthor {
  @Field(() => ID, { description: 'The user’s id.' })
  id!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  /** The avatar file id, resolved to a File by the resolver. */
  avatarId!: string | null;
}

/** One user's grant on a RESTRICTED board, for the admins. */
@ObjectType({ description: 'A user granted access to a restricted board.' })
export class BoardGrantEntry {
  boardId!: number;

  @Field(() => CommunityAuthor, { description: 'The user.' })
  user!: CommunityAuthor;

  @Field(() => BoardPermissionLevel, { description: 'READ or READ_WRITE.' })
  level!: BoardPermissionLevel;

  @Field(() => Date, { description: 'When it was granted.' })
  createdAt!: Date;
}

export const { ConnectionType: PostConnection } = connectionTypes('Post', Post, 'post');
export const { ConnectionType: CommentConnection } = connectionTypes('Comment', Comment, 'comment');
export const { ConnectionType: ContentReportConnection } = connectionTypes(
  'ContentReport',
  ContentReport,
  'content report',
);
