import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRole } from '../src/modules/account/user.entity.js';
import { Post, PostLike } from '../src/modules/community/community.entities.js';
import {
  AuditLogDocument,
  BoardDocument,
  BoardGrantsDocument,
  CommentsDocument,
  CompleteUploadDocument,
  ContentReportsDocument,
  CreateBoardDocument,
  CreateCommentDocument,
  CreatePostDocument,
  CreateUploadDocument,
  DeleteCommentDocument,
  DeletePostDocument,
  GrantBoardAccessDocument,
  ModerateCommentDocument,
  ModeratePostDocument,
  MyBoardsDocument,
  PostDocument,
  PostModerationDocument,
  PostsDocument,
  ReportCommentDocument,
  ReportPostDocument,
  ResolveContentReportDocument,
  RevokeBoardAccessDocument,
  TogglePostLikeDocument,
  UpdateBoardDocument,
  UpdateCommentDocument,
  UpdatePostDocument,
} from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser, type TestUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

type Headers = Record<string, string>;
const HOUR = 3600_000;

describe('community boards', () => {
  let t: TestServer;
  let filesDir: string;
  /** The server's clock runs this far ahead of real time (tests move it by hours). */
  let offset = 0;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let publicBoard: string;

  beforeAll(async () => {
    filesDir = mkdtempSync(join(tmpdir(), 'carebot-community-'));
    t = await startTestServer(
      {
        FILES_DIR: filesDir,
        RATE_LIMIT_COMMUNITY_POST_POINTS: '12',
        RATE_LIMIT_COMMUNITY_COMMENT_POINTS: '30',
      },
      { clock: () => new Date(Date.now() + offset) },
    );
    admin = await createUser(t, { role: UserRole.ADMIN, name: 'Operator' });
    alice = await createUser(t, { name: 'Alice' });
    bob = await createUser(t, { name: 'Bob' });
    publicBoard = (
      await t.request(
        CreateBoardDocument,
        { input: { name: 'Caregivers', description: 'Ask other caregivers' } },
        admin.headers,
      )
    ).createBoard.id;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(filesDir, { recursive: true, force: true });
  });

  const errorsOf = async (document: never, variables: unknown, headers?: Headers) =>
    t.requestErrors(document, variables as never, headers);
  const codeFor = async (document: unknown, variables: unknown, headers?: Headers) =>
    codeOf(await errorsOf(document as never, variables, headers));

  const post = async (boardId: string, who: TestUser, title = 'A question') =>
    (
      await t.request(
        CreatePostDocument,
        { input: { boardId, title, body: 'Some text' } },
        who.headers,
      )
    ).createPost;

  let boardCount = 0;
  const newBoard = async (input: Record<string, unknown> = {}) => {
    boardCount += 1;
    return (
      await t.request(
        CreateBoardDocument,
        { input: { name: `Board ${boardCount}`, description: '', ...input } },
        admin.headers,
      )
    ).createBoard.id;
  };

  it('lets only admins create boards, with unique names', async () => {
    const member = await createUser(t);
    const f = await createFamily(t);
    const input = { name: 'Another', description: 'x' };
    expect(await codeFor(CreateBoardDocument, { input }, member.headers)).toBe('FORBIDDEN');
    expect(await codeFor(CreateBoardDocument, { input }, f.device.headers)).toBe('FORBIDDEN');
    expect(await codeFor(CreateBoardDocument, { input })).toBe('UNAUTHENTICATED');
    const duplicate = await errorsOf(
      CreateBoardDocument as never,
      { input: { name: 'Caregivers', description: '' } },
      admin.headers,
    );
    expect(codeOf(duplicate)).toBe('BAD_USER_INPUT');
    expect(duplicate[0]?.extensions?.['fields']).toHaveProperty(['input.name']);
    const long = await errorsOf(
      CreateBoardDocument as never,
      { input: { name: 'x'.repeat(129), description: '' } },
      admin.headers,
    );
    expect(long[0]?.extensions?.['fields']).toHaveProperty(['input.name']);
  });

  it('hides a restricted board and its posts from users without a grant (NOT_FOUND)', async () => {
    const board = await newBoard({ visibility: 'RESTRICTED' });
    const reader = await createUser(t);
    const writer = await createUser(t);
    const stranger = await createUser(t);
    const f = await createFamily(t);
    const adminPost = await post(board, admin, 'Staff only');

    // grants
    await t.request(
      GrantBoardAccessDocument,
      { boardId: board, userId: String(reader.user.id), level: 'READ' },
      admin.headers,
    );
    await t.request(
      GrantBoardAccessDocument,
      { boardId: board, userId: String(writer.user.id), level: 'READ_WRITE' },
      admin.headers,
    );
    expect(
      await codeFor(
        GrantBoardAccessDocument,
        { boardId: board, userId: String(stranger.user.id), level: 'READ' },
        writer.headers,
      ),
    ).toBe('FORBIDDEN');
    expect(
      (await t.request(BoardGrantsDocument, { boardId: board }, admin.headers)).boardGrants,
    ).toHaveLength(2);

    // the role matrix of reading and writing
    const read = { id: board };
    const list = { boardId: board };
    const one = { id: adminPost.id };
    const write = { input: { boardId: board, title: 'Hello', body: 'Text' } };
    const matrix: [string, Headers | undefined, { read: unknown; write: unknown }][] = [
      ['stranger', stranger.headers, { read: 'NOT_FOUND', write: 'NOT_FOUND' }],
      ['reader', reader.headers, { read: 'OK', write: 'FORBIDDEN' }],
      ['writer', writer.headers, { read: 'OK', write: 'OK' }],
      ['admin', admin.headers, { read: 'OK', write: 'OK' }],
      ['device', f.device.headers, { read: 'FORBIDDEN', write: 'FORBIDDEN' }],
      ['anonymous', undefined, { read: 'UNAUTHENTICATED', write: 'UNAUTHENTICATED' }],
    ];
    const outcome = async (document: unknown, variables: unknown, headers?: Headers) => {
      try {
        await t.request(document as never, variables as never, headers);
        return 'OK';
      } catch {
        return codeFor(document, variables, headers);
      }
    };
    for (const [who, headers, expected] of matrix) {
      const seen = {
        board: await outcome(BoardDocument, read, headers),
        posts: await outcome(PostsDocument, list, headers),
        post: await outcome(PostDocument, one, headers),
        comments: await outcome(CommentsDocument, { postId: adminPost.id }, headers),
        createPost: await outcome(CreatePostDocument, write, headers),
      };
      expect({ who, ...seen }).toEqual({
        who,
        board: expected.read,
        posts: expected.read,
        post: expected.read,
        comments: expected.read,
        createPost: expected.write,
      });
    }
    const names = async (who: TestUser) =>
      (await t.request(MyBoardsDocument, {}, who.headers)).myBoards.map((b) => b.id);
    expect(await names(stranger)).not.toContain(board);
    expect(await names(stranger)).toContain(publicBoard);
    const mine = (await t.request(MyBoardsDocument, {}, reader.headers)).myBoards;
    expect(mine.find((b) => b.id === board)).toMatchObject({ myRole: 'READ', canWrite: false });

    // a made-up id answers the same as a board the viewer may not know
    const unknown = await errorsOf(PostsDocument as never, { boardId: '999999' }, stranger.headers);
    const hidden = await errorsOf(PostsDocument as never, { boardId: board }, stranger.headers);
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    expect(hidden[0]?.message.replace(board, '?')).toBe(unknown[0]?.message.replace('999999', '?'));

    // revoking closes it again
    await t.request(
      RevokeBoardAccessDocument,
      { boardId: board, userId: String(reader.user.id) },
      admin.headers,
    );
    expect(await codeFor(PostDocument, one, reader.headers)).toBe('NOT_FOUND');
  });

  it('keeps invisible boards to admins and closed boards read-only for users', async () => {
    const invisible = await newBoard({ visible: false });
    expect(await codeFor(BoardDocument, { id: invisible }, alice.headers)).toBe('NOT_FOUND');
    expect((await t.request(BoardDocument, { id: invisible }, admin.headers)).board).toMatchObject({
      myRole: 'ADMIN',
      visible: false,
    });
    const closed = await newBoard({ open: false });
    const write = { input: { boardId: closed, title: 'Hi', body: 'Text' } };
    expect(await codeFor(CreatePostDocument, write, alice.headers)).toBe('FORBIDDEN');
    await t.request(CreatePostDocument, write, admin.headers);
    await t.request(UpdateBoardDocument, { id: closed, input: { open: true } }, admin.headers);
    await t.request(CreatePostDocument, write, alice.headers);
    expect(
      await codeFor(UpdateBoardDocument, { id: closed, input: { open: false } }, alice.headers),
    ).toBe('FORBIDDEN');
  });

  it('lets only the author edit and delete a post; a deleted post is gone for others', async () => {
    const mine = await post(publicBoard, alice, 'Edit me');
    expect(mine.author).toMatchObject({ name: 'Alice', id: String(alice.user.id) });
    expect(
      await codeFor(UpdatePostDocument, { id: mine.id, input: { title: 'Mine now' } }, bob.headers),
    ).toBe('FORBIDDEN');
    expect(await codeFor(DeletePostDocument, { id: mine.id }, bob.headers)).toBe('FORBIDDEN');
    const edited = (
      await t.request(
        UpdatePostDocument,
        { id: mine.id, input: { title: 'Edited' } },
        alice.headers,
      )
    ).updatePost;
    expect(edited).toMatchObject({ title: 'Edited', body: 'Some text' });
    expect(edited.editedAt).not.toBeNull();
    await t.request(DeletePostDocument, { id: mine.id }, alice.headers);
    expect(await codeFor(PostDocument, { id: mine.id }, bob.headers)).toBe('NOT_FOUND');
    expect(await codeFor(PostDocument, { id: mine.id }, alice.headers)).toBe('NOT_FOUND');
    const listed = (
      await t.request(PostsDocument, { boardId: publicBoard, first: 100 }, bob.headers)
    ).posts.edges.map((e) => e.node.id);
    expect(listed).not.toContain(mine.id);
    // admins keep it for moderation
    expect(
      (await t.request(PostModerationDocument, { id: mine.id }, admin.headers)).post,
    ).toMatchObject({ deleted: true, hidden: false });
  });

  it('refuses over-long or blank text with BAD_USER_INPUT naming the field, storing nothing', async () => {
    const writer = await createUser(t);
    const count = async () => t.server.app.orm.em.fork().count(Post, { author: writer.user.id });
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x'.repeat(65), body: 'ok' }, 'input.title'],
      [{ title: '   ', body: 'ok' }, 'input.title'],
      [{ title: 'ok', body: 'y'.repeat(1025) }, 'input.body'],
      [{ title: 'ok', body: 'ok', attachmentIds: ['not-a-file'] }, 'input.attachmentIds'],
    ];
    for (const [input, field] of cases) {
      const errors = await errorsOf(
        CreatePostDocument as never,
        { input: { boardId: publicBoard, ...input } },
        writer.headers,
      );
      expect(codeOf(errors)).toBe('BAD_USER_INPUT');
      const fields = Object.keys(errors[0]?.extensions?.['fields'] as object);
      expect(fields.some((name) => name.startsWith(field))).toBe(true);
    }
    expect(await count()).toBe(0);
    // exactly at the limits is fine (code points, not UTF-16 units)
    await t.request(
      CreatePostDocument,
      { input: { boardId: publicBoard, title: '가'.repeat(64), body: '😀'.repeat(1024) } },
      writer.headers,
    );
    const target = await post(publicBoard, writer);
    const comment = await errorsOf(
      CreateCommentDocument as never,
      { input: { postId: target.id, body: 'z'.repeat(257) } },
      writer.headers,
    );
    expect(comment[0]?.extensions?.['fields']).toHaveProperty(['input.body']);
    const report = await errorsOf(
      ReportPostDocument as never,
      { postId: target.id, reason: '' },
      writer.headers,
    );
    expect(report[0]?.extensions?.['fields']).toHaveProperty(['reason']);
  });

  it('counts one like per user under 20 concurrent toggles', async () => {
    const target = await post(publicBoard, alice, 'Like me');
    const users = await Promise.all(Array.from({ length: 20 }, () => createUser(t)));
    await Promise.all(
      users.map((u) => t.request(TogglePostLikeDocument, { postId: target.id }, u.headers)),
    );
    const likes = () => t.server.app.orm.em.fork().count(PostLike, { post: Number(target.id) });
    const shown = async () =>
      (await t.request(PostDocument, { id: target.id }, bob.headers)).post.likeCount;
    expect(await likes()).toBe(20);
    expect(await shown()).toBe(20);

    // one user toggling 20 times at once: an even number of toggles leaves them as they were
    await Promise.all(
      Array.from({ length: 20 }, () =>
        t.request(TogglePostLikeDocument, { postId: target.id }, bob.headers),
      ),
    );
    expect(await likes()).toBe(20);
    expect(await shown()).toBe(20);
    const once = (await t.request(TogglePostLikeDocument, { postId: target.id }, bob.headers))
      .togglePostLike;
    expect(once).toMatchObject({ likeCount: 21, likedByMe: true });
    expect(await likes()).toBe(21);
  });

  it('counts views once per viewer per hour, settled by the flush job', async () => {
    const target = await post(publicBoard, alice, 'Read me');
    const flush = () => t.server.periodic.runNow('flush-post-views');
    const views = async () =>
      (
        await t.server.app.orm.em.fork().findOneOrFail(
          Post,
          { id: Number(target.id) },
          {
            refresh: true,
          },
        )
      ).viewCount;
    for (let i = 0; i < 3; i++) await t.request(PostDocument, { id: target.id }, bob.headers);
    await t.request(PostDocument, { id: target.id }, admin.headers);
    // not written per read: nothing until the job runs
    expect(await views()).toBe(0);
    expect(await flush()).toBe(true);
    expect(await views()).toBe(2);
    await t.request(PostDocument, { id: target.id }, bob.headers);
    await flush();
    expect(await views()).toBe(2);
    offset += HOUR;
    await t.request(PostDocument, { id: target.id }, bob.headers);
    await flush();
    await flush();
    expect(await views()).toBe(3);
    expect((await t.request(PostDocument, { id: target.id }, alice.headers)).post.viewCount).toBe(
      3,
    );
  });

  it('lists newest or most liked first, with title search and cursors', async () => {
    const board = await newBoard();
    const titles = ['Sleep at night', 'Falls at home', '100% sure? sleep_tips'];
    const made = [];
    for (const title of titles) made.push(await post(board, alice, title));
    await t.request(TogglePostLikeDocument, { postId: made[1]!.id }, bob.headers);
    await t.request(TogglePostLikeDocument, { postId: made[1]!.id }, admin.headers);
    await t.request(TogglePostLikeDocument, { postId: made[0]!.id }, bob.headers);

    const newest = (await t.request(PostsDocument, { boardId: board }, bob.headers)).posts;
    expect(newest.totalCount).toBe(3);
    expect(newest.edges.map((e) => e.node.title)).toEqual([...titles].reverse());
    const liked = (
      await t.request(PostsDocument, { boardId: board, order: 'MOST_LIKED', first: 2 }, bob.headers)
    ).posts;
    expect(liked.edges.map((e) => e.node.likeCount)).toEqual([2, 1]);
    expect(liked.pageInfo.hasNextPage).toBe(true);
    const rest = (
      await t.request(
        PostsDocument,
        { boardId: board, order: 'MOST_LIKED', first: 2, after: liked.pageInfo.endCursor },
        bob.headers,
      )
    ).posts;
    expect(rest.edges.map((e) => e.node.id)).toEqual([made[2]!.id]);
    const search = async (text: string) =>
      (
        await t.request(PostsDocument, { boardId: board, search: text }, bob.headers)
      ).posts.edges.map((e) => e.node.title);
    expect(await search('SLEEP')).toEqual([titles[2], titles[0]]);
    // wildcards are literal
    expect(await search('%')).toEqual([titles[2]]);
    expect(await search('p_t')).toEqual(['100% sure? sleep_tips']);
    expect(await codeFor(PostsDocument, { boardId: board, after: 'nonsense' }, bob.headers)).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('keeps comments and their count; authors edit and delete their own', async () => {
    const target = await post(publicBoard, alice, 'Comment on me');
    const first = (
      await t.request(
        CreateCommentDocument,
        { input: { postId: target.id, body: 'Same here' } },
        bob.headers,
      )
    ).createComment;
    await t.request(
      CreateCommentDocument,
      { input: { postId: target.id, body: 'Thanks' } },
      alice.headers,
    );
    const shown = async () => (await t.request(PostDocument, { id: target.id }, bob.headers)).post;
    expect((await shown()).commentCount).toBe(2);
    expect(
      await codeFor(
        UpdateCommentDocument,
        { id: first.id, body: 'Edited by Alice' },
        alice.headers,
      ),
    ).toBe('FORBIDDEN');
    expect(
      (await t.request(UpdateCommentDocument, { id: first.id, body: 'Same here!' }, bob.headers))
        .updateComment.body,
    ).toBe('Same here!');
    expect(await codeFor(DeleteCommentDocument, { id: first.id }, alice.headers)).toBe('FORBIDDEN');
    await t.request(DeleteCommentDocument, { id: first.id }, bob.headers);
    expect((await shown()).commentCount).toBe(1);
    const list = (await t.request(CommentsDocument, { postId: target.id }, bob.headers)).comments;
    expect(list.edges.map((e) => e.node.body)).toEqual(['Thanks']);
    expect(list.edges[0]?.node.author).toMatchObject({ name: 'Alice' });
  });

  it('lets users report, and admins hide content and resolve the reports', async () => {
    const target = await post(publicBoard, alice, 'Rude post');
    const comment = (
      await t.request(
        CreateCommentDocument,
        { input: { postId: target.id, body: 'Rude' } },
        alice.headers,
      )
    ).createComment;
    const reported = (
      await t.request(ReportPostDocument, { postId: target.id, reason: 'Insulting' }, bob.headers)
    ).reportPost;
    expect(reported).toMatchObject({ status: 'OPEN', reason: 'Insulting' });
    await t.request(ReportCommentDocument, { commentId: comment.id, reason: 'Rude' }, bob.headers);
    expect(await codeFor(ContentReportsDocument, {}, bob.headers)).toBe('FORBIDDEN');
    const open = (await t.request(ContentReportsDocument, { first: 100 }, admin.headers))
      .contentReports;
    const mine = open.edges.filter((e) => e.node.reporter?.id === String(bob.user.id));
    expect(mine.map((e) => e.node.post?.id ?? e.node.comment?.id)).toEqual([comment.id, target.id]);

    expect(await codeFor(ModeratePostDocument, { id: target.id, hidden: true }, bob.headers)).toBe(
      'FORBIDDEN',
    );
    await t.request(
      ModerateCommentDocument,
      { id: comment.id, hidden: true, reason: 'rude' },
      admin.headers,
    );
    expect((await t.request(PostDocument, { id: target.id }, bob.headers)).post.commentCount).toBe(
      0,
    );
    await t.request(
      ModeratePostDocument,
      { id: target.id, hidden: true, reason: 'rude' },
      admin.headers,
    );
    expect(await codeFor(PostDocument, { id: target.id }, bob.headers)).toBe('NOT_FOUND');
    expect(await codeFor(PostDocument, { id: target.id }, alice.headers)).toBe('NOT_FOUND');
    expect(
      (await t.request(PostModerationDocument, { id: target.id }, admin.headers)).post,
    ).toMatchObject({ hidden: true, hiddenReason: 'rude' });
    // a user may not read the moderation fields at all
    await t.request(ModeratePostDocument, { id: target.id, hidden: false }, admin.headers);
    expect(await codeFor(PostModerationDocument, { id: target.id }, bob.headers)).toBe('FORBIDDEN');

    const resolved = (
      await t.request(
        ResolveContentReportDocument,
        { id: reported.id, note: 'Warned' },
        admin.headers,
      )
    ).resolveContentReport;
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolution: 'Warned' });
    expect(await codeFor(ResolveContentReportDocument, { id: reported.id }, alice.headers)).toBe(
      'FORBIDDEN',
    );
    const still = (
      await t.request(ContentReportsDocument, { first: 100 }, admin.headers)
    ).contentReports.edges.map((e) => e.node.id);
    expect(still).not.toContain(reported.id);

    // every admin action on the content is in the audit log, with its reason
    const audit = (
      await t.request(
        AuditLogDocument,
        { actorId: String(admin.user.id), first: 100 },
        admin.headers,
      )
    ).auditLog.edges.map((e) => e.node);
    const of = (type: string, id: string): unknown[] =>
      audit
        .filter((entry) => entry.targetType === type && entry.targetId === id)
        .map((entry) => [entry.action, entry.reason])
        .sort();
    expect(of('Post', target.id)).toEqual([
      ['HIDE_POST', 'rude'],
      ['UNHIDE_POST', null],
    ]);
    expect(of('Comment', comment.id)).toEqual([['HIDE_COMMENT', 'rude']]);
    expect(of('ContentReport', reported.id)).toEqual([['RESOLVE_CONTENT_REPORT', 'Warned']]);
  });

  it('rate-limits posting per account (RATE_LIMIT_COMMUNITY_POST_POINTS)', async () => {
    const eager = await createUser(t);
    for (let i = 0; i < 12; i++) await post(publicBoard, eager, `Post ${i}`);
    const errors = await errorsOf(
      CreatePostDocument as never,
      { input: { boardId: publicBoard, title: 'One more', body: 'x' } },
      eager.headers,
    );
    expect(codeOf(errors)).toBe('RATE_LIMITED');
    expect(errors[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    // someone else is not affected
    await post(publicBoard, alice, 'Still fine');
  });

  it('attaches own ATTACHMENT uploads, shown with thumbnails to every reader', async () => {
    const bytes = await sharp({
      create: { width: 400, height: 300, channels: 3, background: '#3a6' },
    })
      .png()
      .toBuffer();
    const { createUpload: ticket } = await t.request(
      CreateUploadDocument,
      { input: { purpose: 'ATTACHMENT', contentType: 'image/png', byteSize: bytes.length } },
      alice.headers,
    );
    const put = await fetch(ticket.uploadUrl, {
      method: 'PUT',
      headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])),
      body: new Uint8Array(bytes),
    });
    expect(put.status).toBe(200);
    await t.request(CompleteUploadDocument, { fileId: ticket.fileId }, alice.headers);
    // someone else's file is refused like an unknown one
    const stolen = await errorsOf(
      CreatePostDocument as never,
      { input: { boardId: publicBoard, title: 'x', body: 'y', attachmentIds: [ticket.fileId] } },
      bob.headers,
    );
    expect(stolen[0]?.extensions?.['fields']).toHaveProperty(['input.attachmentIds.0']);
    const created = (
      await t.request(
        CreatePostDocument,
        {
          input: {
            boardId: publicBoard,
            title: 'Photo',
            body: 'Look',
            attachmentIds: [ticket.fileId],
          },
        },
        alice.headers,
      )
    ).createPost;
    const seen = (await t.request(PostDocument, { id: created.id }, bob.headers)).post;
    expect(seen.attachments).toHaveLength(1);
    expect(seen.attachments[0]).toMatchObject({ id: ticket.fileId, contentType: 'image/png' });
    const thumbnail = await fetch(seen.attachments[0]!.thumbnailUrl!);
    expect(thumbnail.status).toBe(200);
  });

  it('answers the same over WebSocket: NOT_FOUND without a grant, the posts with one', async () => {
    const board = await newBoard({ visibility: 'RESTRICTED' });
    await post(board, admin, 'Over the socket');
    const member = await createUser(t);
    const query = print(PostsDocument);
    const run = async (who: TestUser) => {
      const client = t.ws({ authorization: who.headers.authorization });
      const results = [];
      for await (const result of client.iterate({ query, variables: { boardId: board } }))
        results.push(result);
      return results[0]!;
    };
    const refused = await run(member);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    await t.request(
      GrantBoardAccessDocument,
      { boardId: board, userId: String(member.user.id), level: 'READ' },
      admin.headers,
    );
    const allowed = await run(member);
    expect(allowed.errors).toBeUndefined();
    expect((allowed.data as { posts: { totalCount: number } } | undefined)?.posts.totalCount).toBe(
      1,
    );
  });
});
