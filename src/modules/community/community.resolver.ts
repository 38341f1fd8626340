import { IsOptional } from 'class-validator';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { BoardGrant } from '../../auth/board-access.js';
import { BoardAccess, BoardGranted, SignedIn } from '../../auth/operation-access.js';
import { boardData, openData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import type { Connection } from '../../graphql/connection.js';
import { parseId } from '../../graphql/ids.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { UserRole } from '../account/user.entity.js';
import { File } from '../file/file.entity.js';
import {
  Board,
  BoardPermissionLevel,
  Comment,
  COMMENT_BODY_MAX,
  CommunityAttachment,
  ContentReport,
  Post,
  PostLike,
  REPORT_REASON_MAX,
} from './community.entities.js';
import {
  CommentsArgs,
  ContentReportsArgs,
  CreateBoardInput,
  CreateCommentInput,
  CreatePostInput,
  PostsArgs,
  ReasonArgs,
  UpdateBoardInput,
  UpdatePostInput,
} from './community.inputs.js';
import {
  BoardGrantEntry,
  BoardRole,
  CommentConnection,
  CommunityAuthor,
  ContentReportConnection,
  PostConnection,
} from './community.types.js';

@ArgsType()
class ModerationArgs {
  @Field({ description: 'true hides it from everyone but admins; false shows it again.' })
  hidden!: boolean;

  @Field(() => String, { nullable: true, description: 'Why (1–500 characters), for the record.' })
  @IsOptional()
  @IsNotBlank()
  @CharLength(1, REPORT_REASON_MAX)
  reason?: string | null;
}

@ArgsType()
class UpdateCommentArgs {
  @Field(() => ID, { description: 'Your comment.' })
  id!: string;

  @Field({ description: 'The new text, 1–256 characters.' })
  @IsNotBlank()
  @CharLength(1, COMMENT_BODY_MAX)
  body!: string;
}

/** The author of a record as the community shows them (name and avatar only). */
async function authorOf(ctx: Context, userId: number): Promise<CommunityAuthor | null> {
  const user = await ctx.loaders.user.load(userId);
  if (user === null) return null;
  return { id: String(user.id), name: user.name, avatarId: user.avatarId };
}

/** The attached files of posts or comments, one statement per operation for each kind. */
function attachmentsOf(ctx: Context, owner: 'post' | 'comment', id: number): Promise<File[]> {
  return ctx.loaders
    .batched(`communityAttachments:${owner}`, async (ids) => {
      const rows = await ctx.em.find(
        CommunityAttachment,
        { [owner]: { $in: [...ids] } },
        { orderBy: { position: 'asc', id: 'asc' } },
      );
      const files = await ctx.loaders.file.loadMany(rows.map((row) => row.fileId));
      const byOwner = new Map<number, File[]>();
      rows.forEach((row, index) => {
        const file = files[index];
        const key = (owner === 'post' ? row.post : row.comment)?.id;
        if (key === undefined || !(file instanceof File)) return;
        byOwner.set(key, [...(byOwner.get(key) ?? []), file]);
      });
      return ids.map((ownerId) => byOwner.get(ownerId) ?? []);
    })
    .load(id);
}

@Resolver(() => Board)
export class BoardResolver {
  @SignedIn()
  @Query(() => [Board], {
    description:
      'The boards you may use, by name: every visible PUBLIC board and the RESTRICTED ones you were granted (admins: every board).',
  })
  myBoards(@Ctx() ctx: Context): Promise<Board[]> {
    return ctx.app.services.community.myBoards(ctx);
  }

  @BoardAccess('READ', { boardArg: 'id' })
  @Query(() => Board, { description: 'A board you may use; NOT_FOUND otherwise.' })
  board(
    @Arg('id', () => ID, { description: 'The board.' }) _id: string,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<Board> {
    return ctx.app.services.community.board(ctx, grant);
  }

  @SignedIn(UserRole.ADMIN)
  @Mutation(() => Board, { description: 'Creates a board (admins).' })
  createBoard(
    @Arg('input', () => CreateBoardInput, { description: 'The board.' }) input: CreateBoardInput,
    @Ctx() ctx: Context,
  ): Promise<Board> {
    return ctx.app.services.community.createBoard(ctx, input);
  }

  @BoardAccess('MODERATE', { boardArg: 'id' })
  @Mutation(() => Board, { description: 'Changes a board (admins).' })
  updateBoard(
    @Arg('id', () => ID, { description: 'The board.' }) _id: string,
    @Arg('input', () => UpdateBoardInput, { description: 'The changes.' })
    input: UpdateBoardInput,
    @BoardGranted() grant: BoardGrant<'MODERATE'>,
    @Ctx() ctx: Context,
  ): Promise<Board> {
    return ctx.app.services.community.updateBoard(ctx, grant, input);
  }

  @BoardAccess('MODERATE', { boardArg: 'boardId' })
  @Mutation(() => BoardGrantEntry, {
    description: 'Grants a user READ or READ_WRITE on a RESTRICTED board, or changes it (admins).',
  })
  grantBoardAccess(
    @Arg('boardId', () => ID, { description: 'The board.' }) _boardId: string,
    @Arg('userId', () => ID, { description: 'The user.' }) userId: string,
    @Arg('level', () => BoardPermissionLevel, { description: 'READ or READ_WRITE.' })
    level: BoardPermissionLevel,
    @BoardGranted() grant: BoardGrant<'MODERATE'>,
    @Ctx() ctx: Context,
  ): Promise<BoardGrantEntry> {
    return ctx.app.services.community.grantAccess(ctx, grant, userId, level);
  }

  @BoardAccess('MODERATE', { boardArg: 'boardId' })
  @Mutation(() => Boolean, {
    description: "Takes a user's grant on a board away (admins); false when there was none.",
  })
  revokeBoardAccess(
    @Arg('boardId', () => ID, { description: 'The board.' }) _boardId: string,
    @Arg('userId', () => ID, { description: 'The user.' }) userId: string,
    @BoardGranted() grant: BoardGrant<'MODERATE'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.community.revokeAccess(ctx, grant, userId);
  }

  @BoardAccess('MODERATE', { boardArg: 'boardId' })
  @Query(() => [BoardGrantEntry], { description: 'The users granted access to a board (admins).' })
  boardGrants(
    @Arg('boardId', () => ID, { description: 'The board.' }) _boardId: string,
    @BoardGranted() grant: BoardGrant<'MODERATE'>,
    @Ctx() ctx: Context,
  ): Promise<BoardGrantEntry[]> {
    return ctx.app.services.community.boardGrants(ctx, grant);
  }

  @FieldResolver(() => BoardRole, { description: 'What you may do on this board.' })
  async myRole(@Root() board: Board, @Ctx() ctx: Context): Promise<BoardRole> {
    const place = await ctx.access.boards.placeOn(board.id);
    // the type guard let the viewer read the board, so they stand on it
    return BoardRole[place?.standing ?? 'READ'];
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether you may write posts and comments on it now.',
  })
  canWrite(@Root() board: Board, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.access.boards.may(board.id, 'WRITE');
  }
}

@Resolver(() => Post)
export class PostResolver {
  @BoardAccess('READ', { boardArg: 'boardId' })
  @Query(() => PostConnection, {
    description: "A board's posts, newest or most liked first, optionally searched by title.",
  })
  posts(
    @Args() args: PostsArgs,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<Connection<Post>> {
    return ctx.app.services.community.posts(ctx, grant, args);
  }

  @BoardAccess('READ', { postArg: 'id' })
  @Query(() => Post, {
    description:
      'A post of a board you may use (counted as a view: once per viewer per hour); NOT_FOUND otherwise.',
  })
  post(
    @Arg('id', () => ID, { description: 'The post.' }) id: string,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<Post> {
    return ctx.app.services.community.post(ctx, grant, parseId(id, 'Post'));
  }

  @BoardAccess('WRITE', { boardArg: 'input.boardId' })
  @Mutation(() => Post, { description: 'Writes a post on a board open for writing.' })
  createPost(
    @Arg('input', () => CreatePostInput, { description: 'The post.' }) input: CreatePostInput,
    @BoardGranted() grant: BoardGrant<'WRITE'>,
    @Ctx() ctx: Context,
  ): Promise<Post> {
    return ctx.app.services.community.createPost(ctx, grant, input);
  }

  @BoardAccess('WRITE', { postArg: 'id' })
  @Mutation(() => Post, { description: 'Edits your post.' })
  updatePost(
    @Arg('id', () => ID, { description: 'Your post.' }) id: string,
    @Arg('input', () => UpdatePostInput, { description: 'The changes.' }) input: UpdatePostInput,
    @BoardGranted() grant: BoardGrant<'WRITE'>,
    @Ctx() ctx: Context,
  ): Promise<Post> {
    return ctx.app.services.community.updatePost(ctx, grant, parseId(id, 'Post'), input);
  }

  @BoardAccess('READ', { postArg: 'id' })
  @Mutation(() => Boolean, {
    description: 'Deletes your post: hidden from everyone (admins keep it for moderation).',
  })
  deletePost(
    @Arg('id', () => ID, { description: 'Your post.' }) id: string,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.community.deletePost(ctx, grant, parseId(id, 'Post'));
  }

  @BoardAccess('READ', { postArg: 'postId' })
  @Mutation(() => Post, { description: 'Likes the post, or takes your like back (one per user).' })
  togglePostLike(
    @Arg('postId', () => ID, { description: 'The post.' }) postId: string,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<Post> {
    return ctx.app.services.community.toggleLike(ctx, grant, parseId(postId, 'Post'));
  }

  @BoardAccess('READ', { postArg: 'postId' })
  @Mutation(() => ContentReport, { description: 'Reports a post to the admins, with a reason.' })
  reportPost(
    @Arg('postId', () => ID, { description: 'The post.' }) postId: string,
    @Args() { reason }: ReasonArgs,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<ContentReport> {
    return ctx.app.services.community.report(
      ctx,
      grant,
      { postId: parseId(postId, 'Post') },
      reason,
    );
  }

  @BoardAccess('MODERATE', { postArg: 'id' })
  @Mutation(() => Post, {
    description: 'Hides a post from everyone but admins, or shows it again.',
  })
  moderatePost(
    @Arg('id', () => ID, { description: 'The post.' }) id: string,
    @Args() { hidden, reason }: ModerationArgs,
    @BoardGranted() grant: BoardGrant<'MODERATE'>,
    @Ctx() ctx: Context,
  ): Promise<Post> {
    return ctx.app.services.community.setPostHidden(
      ctx,
      grant,
      parseId(id, 'Post'),
      hidden,
      reason ?? null,
    );
  }

  @FieldResolver(() => Board, { description: 'The board it is on.' })
  board(@Root() post: Post, @Ctx() ctx: Context): Promise<Board> {
    return ctx.em.findOneOrFail(Board, { id: post.board.id });
  }

  @FieldResolver(() => CommunityAuthor, {
    nullable: true,
    description: 'Who wrote it (name and avatar).',
  })
  author(@Root() post: Post, @Ctx() ctx: Context): Promise<CommunityAuthor | null> {
    return authorOf(ctx, post.author.id);
  }

  @FieldResolver(() => [File], {
    description: 'Attached files (pictures have thumbnailUrl).',
  })
  attachments(@Root() post: Post, @Ctx() ctx: Context): Promise<File[]> {
    return attachmentsOf(ctx, 'post', post.id);
  }

  @FieldResolver(() => Boolean, { description: 'Whether you like it.' })
  likedByMe(@Root() post: Post, @Ctx() ctx: Context): Promise<boolean> {
    const viewer = ctx.viewer;
    if (viewer.kind !== 'user') return Promise.resolve(false);
    return ctx.loaders
      .batched(`postLikedBy:${viewer.userId}`, async (ids) => {
        const likes = await ctx.em.find(
          PostLike,
          { user: viewer.userId, post: { $in: [...ids] } },
          { fields: ['post'] },
        );
        const liked = new Set(likes.map((like) => like.post.id));
        return ids.map((id) => liked.has(id));
      })
      .load(post.id);
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether an admin hid it (only admins see it then).',
  })
  hidden(@Root() post: Post): boolean {
    return post.hiddenAt !== null;
  }

  @FieldResolver(() => Boolean, { description: 'Whether its author deleted it (admins).' })
  deleted(@Root() post: Post): boolean {
    return post.deletedAt !== null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why an admin hid it (admins).' })
  hiddenReason(@Root() post: Post): string | null {
    return post.hiddenReason;
  }
}

@Resolver(() => Comment)
export class CommentResolver {
  @BoardAccess('READ', { postArg: 'postId' })
  @Query(() => CommentConnection, { description: "A post's comments, oldest first." })
  comments(
    @Args() args: CommentsArgs,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<Connection<Comment>> {
    return ctx.app.services.community.comments(ctx, grant, args);
  }

  @BoardAccess('WRITE', { postArg: 'input.postId' })
  @Mutation(() => Comment, { description: 'Comments on a post of a board open for writing.' })
  createComment(
    @Arg('input', () => CreateCommentInput, { description: 'The comment.' })
    input: CreateCommentInput,
    @BoardGranted() grant: BoardGrant<'WRITE'>,
    @Ctx() ctx: Context,
  ): Promise<Comment> {
    return ctx.app.services.community.createComment(ctx, grant, input);
  }

  @BoardAccess('WRITE', { commentArg: 'id' })
  @Mutation(() => Comment, { description: 'Edits your comment.' })
  updateComment(
    @Args() { id, body }: UpdateCommentArgs,
    @BoardGranted() grant: BoardGrant<'WRITE'>,
    @Ctx() ctx: Context,
  ): Promise<Comment> {
    return ctx.app.services.community.updateComment(ctx, grant, parseId(id, 'Comment'), body);
  }

  @BoardAccess('READ', { commentArg: 'id' })
  @Mutation(() => Boolean, { description: 'Deletes your comment (hidden from everyone).' })
  deleteComment(
    @Arg('id', () => ID, { description: 'Your comment.' }) id: string,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.community.deleteComment(ctx, grant, parseId(id, 'Comment'));
  }

  @BoardAccess('READ', { commentArg: 'commentId' })
  @Mutation(() => ContentReport, { description: 'Reports a comment to the admins, with a reason.' })
  reportComment(
    @Arg('commentId', () => ID, { description: 'The comment.' }) commentId: string,
    @Args() { reason }: ReasonArgs,
    @BoardGranted() grant: BoardGrant<'READ'>,
    @Ctx() ctx: Context,
  ): Promise<ContentReport> {
    return ctx.app.services.community.report(
      ctx,
      grant,
      { commentId: parseId(commentId, 'Comment') },
      reason,
    );
  }

  @BoardAccess('MODERATE', { commentArg: 'id' })
  @Mutation(() => Comment, {
    description: 'Hides a comment from everyone but admins, or shows it again.',
  })
  moderateComment(
    @Arg('id', () => ID, { description: 'The comment.' }) id: string,
    @Args() { hidden, reason }: ModerationArgs,
    @BoardGranted() grant: BoardGrant<'MODERATE'>,
    @Ctx() ctx: Context,
  ): Promise<Comment> {
    return ctx.app.services.community.setCommentHidden(
      ctx,
      grant,
      parseId(id, 'Comment'),
      hidden,
      reason ?? null,
    );
  }

  @FieldResolver(() => ID, { description: 'The post it belongs to.' })
  postId(@Root() comment: Comment): string {
    return String(comment.post.id);
  }

  @FieldResolver(() => CommunityAuthor, {
    nullable: true,
    description: 'Who wrote it (name and avatar).',
  })
  author(@Root() comment: Comment, @Ctx() ctx: Context): Promise<CommunityAuthor | null> {
    return authorOf(ctx, comment.author.id);
  }

  @FieldResolver(() => [File], { description: 'Attached files.' })
  attachments(@Root() comment: Comment, @Ctx() ctx: Context): Promise<File[]> {
    return attachmentsOf(ctx, 'comment', comment.id);
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether an admin hid it (only admins see it then).',
  })
  hidden(@Root() comment: Comment): boolean {
    return comment.hiddenAt !== null;
  }
}

@Resolver(() => ContentReport)
export class ContentReportResolver {
  @SignedIn(UserRole.ADMIN)
  @Query(() => ContentReportConnection, {
    description: 'Reports of community content, newest first (admins).',
  })
  contentReports(
    @Args() args: ContentReportsArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<ContentReport>> {
    return ctx.app.services.community.reports(ctx, args);
  }

  @SignedIn(UserRole.ADMIN)
  @Mutation(() => ContentReport, {
    description: 'Marks a report resolved, with an optional note (admins); again changes nothing.',
  })
  resolveContentReport(
    @Arg('id', () => ID, { description: 'The report.' }) id: string,
    @Arg('note', () => String, {
      nullable: true,
      description: 'What was done (1–500 characters).',
    })
    note: string | null,
    @Ctx() ctx: Context,
  ): Promise<ContentReport> {
    return ctx.app.services.community.resolveReport(
      ctx,
      parseId(id, 'ContentReport'),
      note ?? null,
    );
  }

  @FieldResolver(() => Post, { nullable: true, description: 'The reported post, if a post.' })
  post(@Root() report: ContentReport, @Ctx() ctx: Context): Promise<Post | null> {
    return report.post === null
      ? Promise.resolve(null)
      : ctx.em.findOne(Post, { id: report.post.id });
  }

  @FieldResolver(() => Comment, {
    nullable: true,
    description: 'The reported comment, if a comment.',
  })
  comment(@Root() report: ContentReport, @Ctx() ctx: Context): Promise<Comment | null> {
    return report.comment === null
      ? Promise.resolve(null)
      : ctx.em.findOne(Comment, { id: report.comment.id });
  }

  @FieldResolver(() => CommunityAuthor, { nullable: true, description: 'Who reported it.' })
  reporter(@Root() report: ContentReport, @Ctx() ctx: Context): Promise<CommunityAuthor | null> {
    return authorOf(ctx, report.reporter.id);
  }
}

@Resolver(() => CommunityAuthor)
export class CommunityAuthorResolver {
  @FieldResolver(() => File, {
    nullable: true,
    description: 'Their profile picture, if set (thumbnailUrl for lists).',
  })
  avatar(@Root() author: CommunityAuthor, @Ctx() ctx: Context): Promise<File | null> {
    return author.avatarId === null
      ? Promise.resolve(null)
      : ctx.loaders.file.load(author.avatarId);
  }
}

boardData(Board, { boardOf: (board) => board.id, read: 'READ' });
boardData(Post, {
  boardOf: (post) => post.board.id,
  read: 'READ',
  fields: { deleted: 'MODERATE', hiddenReason: 'MODERATE' },
});
boardData(Comment, { boardOf: (comment) => comment.board.id, read: 'READ' });
boardData(ContentReport, {
  boardOf: (report) => report.board.id,
  read: 'MODERATE',
  subjects: (report) => [report.reporter.id],
  subjectNote: 'its reporter',
});
boardData(BoardGrantEntry, { boardOf: (entry) => entry.boardId, read: 'MODERATE' });
openData(
  CommunityAuthor,
  "a post's, comment's or report's author by name and avatar only, reached through a record the viewer may read",
);
