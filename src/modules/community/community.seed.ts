import type { EntityManager } from '../../database/orm.js';
import { User } from '../account/user.entity.js';
import { Board, BoardVisibility, Comment, Post } from './community.entities.js';

/** The demo board's name: `seed:demo` reuses it when it exists (posts go with their authors). */
export const DEMO_BOARD_NAME = '돌봄 이야기';

/**
 * Adds a public board with a few posts, a comment and a like count to a demo database, written
 * by the given demo accounts (by e-mail, in order). Returns a line for the seed's summary.
 */
export async function seedCommunityDemo(
  em: EntityManager,
  authorEmails: string[],
): Promise<string> {
  const authors = await em.find(User, { email: { $in: authorEmails } });
  const byEmail = new Map(authors.map((user) => [user.email, user]));
  const writers = authorEmails.map((email) => byEmail.get(email)).filter((u) => u !== undefined);
  const [first] = writers;
  if (first === undefined) return 'no community posts (no demo accounts)';
  const second = writers[1] ?? first;
  const now = new Date();
  const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  let board = await em.findOne(Board, { name: DEMO_BOARD_NAME });
  board ??= em.create(Board, {
    name: DEMO_BOARD_NAME,
    description: '부모님을 돌보는 가족과 요양보호사가 경험을 나누는 게시판입니다.',
    visibility: BoardVisibility.PUBLIC,
    createdAt: minutesAgo(600),
    updatedAt: minutesAgo(600),
  });
  const posts = [
    {
      author: first,
      title: '밤에 자주 깨시는 어머니',
      body: '요즘 어머니가 새벽에 자주 깨세요. 비슷한 경험 있으신 분 계신가요?',
    },
    {
      author: second,
      title: '낙상 예방 팁 공유합니다',
      body: '욕실에 미끄럼 방지 매트를 깔고, 밤에는 복도 조명을 켜 두세요.',
    },
    {
      author: first,
      title: '케어봇 대화 기능 후기',
      body: '어머니가 케어봇과 이야기하시는 시간이 늘었어요. 기분 리포트도 도움이 됩니다.',
    },
  ];
  const created = posts.map((post, index) =>
    em.create(Post, {
      board,
      author: post.author,
      title: post.title,
      body: post.body,
      createdAt: minutesAgo(300 - index * 60),
    }),
  );
  em.create(Comment, {
    post: created[0]!,
    board,
    author: second,
    body: '저희 아버지도 그러셨어요. 낮에 산책을 늘리니 나아지셨습니다.',
    createdAt: minutesAgo(200),
  });
  created[0]!.commentCount = 1;
  await em.flush();
  return `board "${DEMO_BOARD_NAME}" (id ${board.id}) with ${created.length} posts and 1 comment`;
}
