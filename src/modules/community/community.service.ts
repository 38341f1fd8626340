import { type QueryResult, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { BoardGrant } from '../../auth/board-access.js';
import { requireUser } from '../../auth/access.js';
import { countPerDay } from '../../database/sql.js';
import type { EntityManager } from '../../database/orm.js';
import { type Connection, PAGE_SIZE, paginate, SortOrder } from '../../graphql/connection.js';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import type { Scope } from '../../scope.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { User } from '../account/user.entity.js';
import { AuditAction } from '../admin/audit.entity.js';
import type { AuditService } from '../admin/audit.service.js';
import type { FileService } from '../file/file.service.js';
import {
  Board,
  BoardPermission,
  type BoardPermissionLevel,
  Comment,
  CommunityAttachment,
  ContentReport,
  Post,
  PostLike,
  REPORT_REASON_MAX,
  ReportStatus,
} from './community.entities.js';
import {
  type CommentsArgs,
  type ContentReportsArgs,
  type CreateBoardInput,
  type CreateCommentInput,
  type CreatePostInput,
  PostOrder,
  type PostsArgs,
  type UpdateBoardInput,
  type UpdatePostInput,
} from './community.inputs.js';
import type { BoardGrantEntry } from './community.types.js';
import { recordView } from './community.views.js';

/** What the community service is built from. */
export interface CommunityDeps {
  files: FileService;
  /** every admin action on boards and content is written to the audit log */
  audit: AuditService;
  rateLimiter: RateLimiter;
  clock: () => Date;
}

/** Escapes LIKE wildcards with `!` (the ESCAPE character both databases are given). */
function likePattern(text: string): string {
  return `%${text.replace(/[!%_]/g, '!$&')}%`;
}

/** A posts cursor: the sort key (epoch ms or like count) and the id. */
function postCursor(key: number, id: number): string {
  return Buffer.from(`${key}:${id}`).toString('base64url');
}

function readPostCursor(cursor: string): { key: number; id: number } {
  const match = /^(\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw BadUserInputError.field('after', 'is not a cursor from this list');
  return { key: Number(match[1]), id: Number(match[2]) };
}

/**
 * Boards, posts, comments, likes, views and reports (seed 003). Every method takes the grant of
 * the board policy its operation was allowed under (`@BoardAccess`), so none runs unchecked.
 */
export class CommunityService {
  constructor(private readonly deps: CommunityDeps) {}

  private now(): Date {
    return this.deps.clock();
  }

  // ---- boards ----

  /** The boards the viewer may use, by name. */
  async myBoards(ctx: Scope): Promise<Board[]> {
    requireUser(ctx.viewer);
    const ids = [...(await ctx.access.boards.places()).keys()];
    if (ids.length === 0) return [];
    return ctx.em.find(Board, { id: { $in: ids } }, { orderBy: { name: 'asc', id: 'asc' } });
  }

  async board(ctx: Scope, grant: BoardGrant<'READ'>): Promise<Board> {
    return ctx.em.findOneOrFail(Board, { id: grant.boardId });
  }

  private async requireFreeName(em: EntityManager, name: string, except?: number): Promise<void> {
    const taken = await em.findOne(Board, { name }, { fields: ['id'] });
    if (taken !== null && taken.id !== except)
      throw BadUserInputError.field('input.name', 'is already the name of another board');
  }

  /** Saves a board, answering a name taken meanwhile like one taken before. */
  private async saveBoard(em: EntityManager): Promise<void> {
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw BadUserInputError.field('input.name', 'is already the name of another board');
      throw error;
    }
  }

  async createBoard(ctx: Scope, input: CreateBoardInput): Promise<Board> {
    const name = input.name.trim();
    await this.requireFreeName(ctx.em, name);
    const now = this.now();
    const board = await ctx.em.transactional(async (em) => {
      const created = em.create(Board, {
        name,
        description: input.description,
        visibility: input.visibility,
        visible: input.visible,
        open: input.open,
        createdAt: now,
        updatedAt: now,
      });
      await this.saveBoard(em);
      this.deps.audit.record(
        em,
        requireUser(ctx.viewer),
        AuditAction.CREATE_BOARD,
        {
          type: 'Board',
          id: created.id,
        },
        null,
        { name },
      );
      return created;
    });
    ctx.log.info({ boardId: board.id }, 'board created');
    return board;
  }

  async updateBoard(
    ctx: Scope,
    grant: BoardGrant<'MODERATE'>,
    input: UpdateBoardInput,
  ): Promise<Board> {
    const board = await ctx.em.findOneOrFail(Board, { id: grant.boardId });
    if (input.name != null) {
      const name = input.name.trim();
      await this.requireFreeName(ctx.em, name, board.id);
      board.name = name;
    }
    if (input.description != null) board.description = input.description;
    if (input.visibility != null) board.visibility = input.visibility;
    if (input.visible != null) board.visible = input.visible;
    if (input.open != null) board.open = input.open;
    board.updatedAt = this.now();
    this.deps.audit.record(
      ctx.em,
      requireUser(ctx.viewer),
      AuditAction.UPDATE_BOARD,
      { type: 'Board', id: board.id },
      null,
      { ...input },
    );
    await this.saveBoard(ctx.em);
    return board;
  }

  async grantAccess(
    ctx: Scope,
    grant: BoardGrant<'MODERATE'>,
    userId: string,
    level: BoardPermissionLevel,
  ): Promise<BoardGrantEntry> {
    const id = parseId(userId, 'User');
    const user = await ctx.em.findOne(User, { id }, { fields: ['id', 'name', 'avatarId'] });
    if (user === null) throw new NotFoundError('User', id);
    let permission = await ctx.em.findOne(BoardPermission, { board: grant.boardId, user: id });
    if (permission === null) {
      permission = ctx.em.create(BoardPermission, {
        board: grant.boardId,
        user: id,
        level,
        createdAt: this.now(),
      });
    } else {
      permission.level = level;
    }
    this.deps.audit.record(
      ctx.em,
      requireUser(ctx.viewer),
      AuditAction.GRANT_BOARD_ACCESS,
      { type: 'Board', id: grant.boardId },
      null,
      { userId: id, level },
    );
    try {
      await ctx.em.flush();
    } catch (error) {
      // a concurrent grant of the same user: theirs stands, ours updates it
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      await ctx.em.nativeUpdate(BoardPermission, { board: grant.boardId, user: id }, { level });
    }
    return {
      boardId: grant.boardId,
      user: { id: String(user.id), name: user.name, avatarId: user.avatarId },
      level,
      createdAt: permission.createdAt,
    };
  }

  async revokeAccess(ctx: Scope, grant: BoardGrant<'MODERATE'>, userId: string): Promise<boolean> {
    const id = parseId(userId, 'User');
    return ctx.em.transactional(async (em) => {
      const removed = await em.nativeDelete(BoardPermission, { board: grant.boardId, user: id });
      if (removed > 0)
        this.deps.audit.record(
          em,
          requireUser(ctx.viewer),
          AuditAction.REVOKE_BOARD_ACCESS,
          { type: 'Board', id: grant.boardId },
          null,
          { userId: id },
        );
      return removed > 0;
    });
  }

  async boardGrants(ctx: Scope, grant: BoardGrant<'MODERATE'>): Promise<BoardGrantEntry[]> {
    const rows = await ctx.em.find(
      BoardPermission,
      { board: grant.boardId },
      { populate: ['user'], orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    return rows.map((row) => ({
      boardId: grant.boardId,
      user: {
        id: String(row.user.id),
        name: row.user.getEntity().name,
        avatarId: row.user.getEntity().avatarId,
      },
      level: row.level,
      createdAt: row.createdAt,
    }));
  }

  // ---- posts ----

  /** Whether the viewer sees a post or comment: admins see deleted and hidden ones too. */
  private shows(grant: BoardGrant, record: { deletedAt: Date | null; hiddenAt: Date | null }) {
    return grant.standing === 'ADMIN' || (record.deletedAt === null && record.hiddenAt === null);
  }

  /** The post of the board the viewer may see; NOT_FOUND otherwise (as if it did not exist). */
  private async visiblePost(ctx: Scope, grant: BoardGrant, postId: number): Promise<Post> {
    const post = await ctx.em.findOne(Post, { id: postId, board: grant.boardId });
    if (post === null || !this.shows(grant, post)) throw new NotFoundError('Post', postId);
    return post;
  }

  private async visibleComment(ctx: Scope, grant: BoardGrant, commentId: number) {
    const comment = await ctx.em.findOne(Comment, { id: commentId, board: grant.boardId });
    if (comment === null || !this.shows(grant, comment))
      throw new NotFoundError('Comment', commentId);
    // a comment under a post the viewer cannot see is gone with it
    await this.visiblePost(ctx, grant, comment.post.id).catch(() => {
      throw new NotFoundError('Comment', commentId);
    });
    return comment;
  }

  /** A board's posts, newest or most liked first, optionally by title. */
  async posts(ctx: Scope, grant: BoardGrant<'READ'>, args: PostsArgs): Promise<Connection<Post>> {
    const limit = args.first ?? PAGE_SIZE.default;
    const mostLiked = args.order === PostOrder.MOST_LIKED;
    const base = ctx.em.createQueryBuilder(Post, 'p').where({ board: grant.boardId });
    if (grant.standing !== 'ADMIN') base.andWhere({ deletedAt: null, hiddenAt: null });
    else base.andWhere({ deletedAt: null });
    if (args.search != null) {
      base.andWhere("p.title like ? escape '!'", [likePattern(args.search.trim())]);
    }
    const total = base.clone().count('p.id');
    const page = base.clone();
    if (args.after != null) {
      const cursor = readPostCursor(args.after);
      if (mostLiked) {
        page.andWhere({
          $or: [
            { likeCount: { $lt: cursor.key } },
            { likeCount: cursor.key, id: { $lt: cursor.id } },
          ],
        });
      } else {
        const time = new Date(cursor.key);
        page.andWhere({
          $or: [{ createdAt: { $lt: time } }, { createdAt: time, id: { $lt: cursor.id } }],
        });
      }
    }
    page
      .orderBy(mostLiked ? { likeCount: 'desc', id: 'desc' } : { createdAt: 'desc', id: 'desc' })
      .limit(limit + 1);
    const [rows, counted] = await Promise.all([
      limit === 0 ? Promise.resolve([] as Post[]) : page.getResultList(),
      total.execute<{ count: number | string }>('get'),
    ]);
    const hasMore = rows.length > limit;
    const edges = rows.slice(0, limit).map((node) => ({
      cursor: postCursor(mostLiked ? node.likeCount : node.createdAt.getTime(), node.id),
      node,
    }));
    return {
      edges,
      totalCount: Number(counted.count),
      pageInfo: {
        hasNextPage: hasMore,
        hasPreviousPage: args.after != null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  /** One post; counts the read as a view (once per viewer per hour, added by the flush job). */
  async post(ctx: Scope, grant: BoardGrant<'READ'>, postId: number): Promise<Post> {
    const post = await this.visiblePost(ctx, grant, postId);
    await recordView(ctx.em, post.id, grant.userId, this.now());
    return post;
  }

  /** READY ATTACHMENT uploads of the viewer, marked referenced, as rows of `owner`. */
  private async attach(
    em: EntityManager,
    userId: number,
    fileIds: readonly string[],
    owner: { post: Post } | { comment: Comment },
  ): Promise<void> {
    const unique = [...new Set(fileIds)];
    for (const [position, fileId] of unique.entries()) {
      await this.deps.files.referenceOwnAttachment(em, {
        fileId,
        userId,
        field: `input.attachmentIds.${fileIds.indexOf(fileId)}`,
      });
      em.create(CommunityAttachment, { ...owner, fileId, position });
    }
  }

  async createPost(ctx: Scope, grant: BoardGrant<'WRITE'>, input: CreatePostInput): Promise<Post> {
    await this.deps.rateLimiter.consume('communityPost', `user:${grant.userId}`);
    return ctx.em.transactional(async (em) => {
      const post = em.create(Post, {
        board: grant.boardId,
        author: grant.userId,
        title: input.title.trim(),
        body: input.body,
        createdAt: this.now(),
      });
      await this.attach(em, grant.userId, input.attachmentIds ?? [], { post });
      await em.flush();
      return post;
    });
  }

  private requireAuthor(grant: BoardGrant, record: { author: { id: number } }, what: string) {
    if (record.author.id !== grant.userId)
      throw new ForbiddenError(`Only its author may change this ${what}.`);
  }

  async updatePost(
    ctx: Scope,
    grant: BoardGrant<'WRITE'>,
    postId: number,
    input: UpdatePostInput,
  ): Promise<Post> {
    return ctx.em.transactional(async (em) => {
      const post = await em.findOne(Post, { id: postId, board: grant.boardId });
      if (post === null || post.deletedAt !== null || post.hiddenAt !== null)
        throw new NotFoundError('Post', postId);
      this.requireAuthor(grant, post, 'post');
      if (input.title != null) post.title = input.title.trim();
      if (input.body != null) post.body = input.body;
      if (input.attachmentIds != null) {
        await em.nativeDelete(CommunityAttachment, { post: post.id });
        await this.attach(em, grant.userId, input.attachmentIds, { post });
      }
      post.editedAt = this.now();
      await em.flush();
      return post;
    });
  }

  /** The author deletes their post: hidden from everyone but admins, kept for moderation. */
  async deletePost(ctx: Scope, grant: BoardGrant<'READ'>, postId: number): Promise<boolean> {
    const post = await ctx.em.findOne(Post, { id: postId, board: grant.boardId });
    if (post === null || post.deletedAt !== null || post.hiddenAt !== null)
      throw new NotFoundError('Post', postId);
    this.requireAuthor(grant, post, 'post');
    post.deletedAt = this.now();
    await ctx.em.flush();
    return true;
  }

  /**
   * Likes the post, or takes the like back. The post's row is locked first, so concurrent
   * toggles of one post queue; the unique (post, user) index keeps one like per user, and the
   * count is recounted from the likes in the same transaction, so it always equals them.
   */
  async toggleLike(ctx: Scope, grant: BoardGrant<'READ'>, postId: number): Promise<Post> {
    await this.visiblePost(ctx, grant, postId);
    await ctx.em.transactional(async (em) => {
      await em.execute('update `post` set `like_count` = `like_count` where `id` = ?', [postId]);
      const removed = await em.nativeDelete(PostLike, { post: postId, user: grant.userId });
      if (removed === 0) {
        await em
          .createQueryBuilder(PostLike)
          .insert({ post: postId, user: grant.userId, createdAt: this.now() })
          .onConflict(['post', 'user'])
          .ignore()
          .execute<QueryResult>('run');
      }
      await em.execute(
        'update `post` set `like_count` = (select count(*) from `post_like` where `post_id` = ?) where `id` = ?',
        [postId, postId],
      );
    });
    return ctx.em.findOneOrFail(Post, { id: postId }, { refresh: true });
  }

  /** Recounts a post's visible comments (in the transaction that changed one). */
  private async recountComments(em: EntityManager, postId: number): Promise<void> {
    await em.execute(
      'update `post` set `comment_count` = (select count(*) from `post_comment` c where c.`post_id` = ? and c.`deleted_at` is null and c.`hidden_at` is null) where `id` = ?',
      [postId, postId],
    );
  }

  // ---- comments ----

  async comments(
    ctx: Scope,
    grant: BoardGrant<'READ'>,
    args: CommentsArgs,
  ): Promise<Connection<Comment>> {
    const postId = parseId(args.postId, 'Post');
    await this.visiblePost(ctx, grant, postId);
    return paginate({
      em: ctx.em,
      entity: Comment,
      where:
        grant.standing === 'ADMIN'
          ? { post: postId, deletedAt: null }
          : { post: postId, deletedAt: null, hiddenAt: null },
      timeField: 'createdAt',
      args,
      order: SortOrder.ASC,
    });
  }

  async createComment(
    ctx: Scope,
    grant: BoardGrant<'WRITE'>,
    input: CreateCommentInput,
  ): Promise<Comment> {
    const postId = parseId(input.postId, 'Post');
    const post = await this.visiblePost(ctx, grant, postId);
    if (post.deletedAt !== null || post.hiddenAt !== null) throw new NotFoundError('Post', postId);
    await this.deps.rateLimiter.consume('communityComment', `user:${grant.userId}`);
    const comment = await ctx.em.transactional(async (em) => {
      await em.execute('update `post` set `comment_count` = `comment_count` where `id` = ?', [
        postId,
      ]);
      const created = em.create(Comment, {
        post: postId,
        board: grant.boardId,
        author: grant.userId,
        body: input.body,
        createdAt: this.now(),
      });
      await this.attach(em, grant.userId, input.attachmentIds ?? [], { comment: created });
      await em.flush();
      await this.recountComments(em, postId);
      return created;
    });
    return comment;
  }

  async updateComment(
    ctx: Scope,
    grant: BoardGrant<'WRITE'>,
    commentId: number,
    body: string,
  ): Promise<Comment> {
    const comment = await this.visibleComment(ctx, grant, commentId);
    if (comment.deletedAt !== null || comment.hiddenAt !== null)
      throw new NotFoundError('Comment', commentId);
    this.requireAuthor(grant, comment, 'comment');
    comment.body = body;
    comment.editedAt = this.now();
    await ctx.em.flush();
    return comment;
  }

  async deleteComment(ctx: Scope, grant: BoardGrant<'READ'>, commentId: number): Promise<boolean> {
    const comment = await this.visibleComment(ctx, grant, commentId);
    if (comment.deletedAt !== null || comment.hiddenAt !== null)
      throw new NotFoundError('Comment', commentId);
    this.requireAuthor(grant, comment, 'comment');
    await ctx.em.transactional(async (em) => {
      await em.nativeUpdate(Comment, { id: commentId }, { deletedAt: this.now() });
      await this.recountComments(em, comment.post.id);
    });
    return true;
  }

  // ---- reports and moderation ----

  async report(
    ctx: Scope,
    grant: BoardGrant<'READ'>,
    target: { postId: number } | { commentId: number },
    reason: string,
  ): Promise<ContentReport> {
    const subject =
      'postId' in target
        ? { post: await this.visiblePost(ctx, grant, target.postId) }
        : { comment: await this.visibleComment(ctx, grant, target.commentId) };
    await this.deps.rateLimiter.consume('communityReport', `user:${grant.userId}`);
    const report = ctx.em.create(ContentReport, {
      ...subject,
      board: grant.boardId,
      reporter: grant.userId,
      reason: reason.trim(),
      createdAt: this.now(),
    });
    await ctx.em.flush();
    return report;
  }

  async setPostHidden(
    ctx: Scope,
    grant: BoardGrant<'MODERATE'>,
    postId: number,
    hidden: boolean,
    reason: string | null,
  ): Promise<Post> {
    const post = await this.visiblePost(ctx, grant, postId);
    post.hiddenAt = hidden ? (post.hiddenAt ?? this.now()) : null;
    post.hiddenReason = hidden ? reason : null;
    this.deps.audit.record(
      ctx.em,
      requireUser(ctx.viewer),
      hidden ? AuditAction.HIDE_POST : AuditAction.UNHIDE_POST,
      { type: 'Post', id: postId },
      reason,
    );
    await ctx.em.flush();
    ctx.log.info({ postId, hidden }, 'post moderated');
    return post;
  }

  async setCommentHidden(
    ctx: Scope,
    grant: BoardGrant<'MODERATE'>,
    commentId: number,
    hidden: boolean,
    reason: string | null,
  ): Promise<Comment> {
    const comment = await this.visibleComment(ctx, grant, commentId);
    await ctx.em.transactional(async (em) => {
      await em.nativeUpdate(
        Comment,
        { id: commentId },
        {
          hiddenAt: hidden ? (comment.hiddenAt ?? this.now()) : null,
          hiddenReason: hidden ? reason : null,
        },
      );
      await this.recountComments(em, comment.post.id);
      this.deps.audit.record(
        em,
        requireUser(ctx.viewer),
        hidden ? AuditAction.HIDE_COMMENT : AuditAction.UNHIDE_COMMENT,
        { type: 'Comment', id: commentId },
        reason,
      );
    });
    ctx.log.info({ commentId, hidden }, 'comment moderated');
    return ctx.em.findOneOrFail(Comment, { id: commentId }, { refresh: true });
  }

  /** Reports of every board, for admins (the operation is admin-only). */
  async reports(ctx: Scope, args: ContentReportsArgs): Promise<Connection<ContentReport>> {
    return paginate({
      em: ctx.em,
      entity: ContentReport,
      where: { status: args.status ?? ReportStatus.OPEN },
      timeField: 'createdAt',
      args,
      order: SortOrder.DESC,
    });
  }

  async resolveReport(ctx: Scope, reportId: number, note: string | null): Promise<ContentReport> {
    const viewer = requireUser(ctx.viewer);
    if (note !== null && (note.trim() === '' || [...note].length > REPORT_REASON_MAX))
      throw BadUserInputError.field('note', `must be 1 to ${REPORT_REASON_MAX} characters long`);
    const report = await ctx.em.findOne(ContentReport, { id: reportId });
    if (report === null) throw new NotFoundError('ContentReport', reportId);
    if ((report.status as ReportStatus) === ReportStatus.OPEN) {
      report.status = ReportStatus.RESOLVED;
      report.resolvedAt = this.now();
      report.resolvedBy = ctx.em.getReference(User, viewer.userId) as never;
      report.resolution = note;
      this.deps.audit.record(
        ctx.em,
        viewer,
        AuditAction.RESOLVE_CONTENT_REPORT,
        { type: 'ContentReport', id: reportId },
        note,
      );
      await ctx.em.flush();
    }
    return report;
  }

  /** Posts written on each of `days` (UTC days), for the admin console's figures. */
  postsPerDay(ctx: Scope, days: readonly Date[]): Promise<number[]> {
    return countPerDay(ctx.em, Post, 'createdAt', days);
  }
}
