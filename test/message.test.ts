import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import {
  FamilyRole,
  Membership,
  MembershipStatus,
} from '../src/modules/family/membership.entity.js';
import { Message } from '../src/modules/message/message.entity.js';
import type { MessageEvent, UnreadCountsEvent } from '../src/realtime/pubsub.js';
import {
  DeleteMessageDocument,
  LeaveFamilyDocument,
  MarkMessagesReadDocument,
  MessageDocument,
  MessagesDocument,
  type MessagesQuery,
  type MessagesQueryVariables,
  SendMessageDocument,
  UnreadMessageCountDocument,
} from './__generated__/graphql.js';
import { FilePurpose } from '../src/modules/file/file.entity.js';
import { createReadyFile } from './factories/files.js';
import { createFamily } from './factories/families.js';
import { createMessage, createMessages } from './factories/messages.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

type Headers = { authorization: string };

const em = () => t.server.app.orm.em.fork();
const id = (entity: { id: number }) => String(entity.id);

const send = (headers: Headers, toUserId: number, content = 'hello', imageId?: string) =>
  t.request(
    SendMessageDocument,
    { input: { toUserId: String(toUserId), content, imageId } },
    headers,
  );

const sendErrors = (headers: Headers | undefined, toUserId: string | number, content = 'hello') =>
  t.requestErrors(SendMessageDocument, { input: { toUserId: String(toUserId), content } }, headers);

const list = async (headers: Headers, variables: MessagesQueryVariables = {}) =>
  (await t.request(MessagesDocument, variables, headers)).messages;

const contents = (connection: MessagesQuery['messages']) =>
  connection.edges.map((edge) => edge.node.content);

const unread = async (headers: Headers) =>
  (await t.request(UnreadMessageCountDocument, {}, headers)).unreadMessageCount;

/** Collects what the server publishes on a topic for one key, straight from the app's pub/sub. */
function listen<T>(topic: 'MESSAGE_RECEIVED' | 'UNREAD_COUNTS_CHANGED', key: number) {
  const iterator = t.server.app.pubSub.subscribe(topic, key)[Symbol.asyncIterator]();
  const received: T[] = [];
  // the listener is attached by the first pull, synchronously: nothing published later is missed
  let pending = iterator.next();
  const pump = (async () => {
    for (;;) {
      const result = await pending;
      if (result.done === true) return;
      received.push(result.value as T);
      pending = iterator.next();
    }
  })();
  return {
    received,
    close: async () => {
      await iterator.return?.();
      await pump;
    },
  };
}

/** Lets anything already published reach the listeners (in-memory pub/sub dispatches at once). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('sendMessage', () => {
  it('delivers between the main user and members of the family, in every direction', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 2 });
    const [c1, c2] = f.caregivers;
    const [m1] = f.managers;
    if (c1 === undefined || c2 === undefined || m1 === undefined) throw new Error('factory');

    const { sendMessage: toCaregiver } = await send(f.main.headers, c1.user.id, '밥은 먹었니?');
    expect(toCaregiver).toMatchObject({
      content: '밥은 먹었니?',
      image: null,
      read: false,
      from: { id: id(f.main.user), name: f.main.user.name },
      to: { id: id(c1.user), name: c1.user.name },
      family: { id: id(f.family), familyName: f.family.familyName },
    });
    expect(Date.parse(toCaregiver.createdAt)).toBeGreaterThan(Date.now() - 60_000);

    const photo = await createReadyFile(t, f.family.id, FilePurpose.MESSAGE_IMAGE);
    const back = await send(c1.headers, f.main.user.id, '네, 어머니', photo.id);
    expect(back.sendMessage).toMatchObject({
      image: photo.id,
      from: { id: id(c1.user) },
      to: { id: id(f.main.user) },
    });
    await send(c1.headers, c2.user.id, 'caregiver to caregiver');
    await send(m1.headers, c2.user.id, 'manager to caregiver');

    expect(contents(await list(c1.headers))).toEqual(['밥은 먹었니?']);
    expect(contents(await list(f.main.headers))).toEqual(['네, 어머니']);
    expect(contents(await list(c2.headers))).toEqual([
      'manager to caregiver',
      'caregiver to caregiver',
    ]);
    expect(await unread(c2.headers)).toBe(2);
  });

  it('goes through the family the two share when a care worker follows several elders', async () => {
    const a = await createFamily(t);
    const b = await createFamily(t, { caregivers: 1 });
    const worker = b.caregivers[0]!;
    const fork = em();
    fork.create(Membership, {
      family: fork.getReference(Family, a.family.id),
      user: fork.getReference(User, worker.user.id),
      relation: 'care worker',
      role: FamilyRole.CAREGIVER,
      status: MembershipStatus.ACTIVE,
    });
    await fork.flush();
    const toA = await send(worker.headers, a.main.user.id);
    const toB = await send(worker.headers, b.main.user.id);
    expect(toA.sendMessage.family?.id).toBe(id(a.family));
    expect(toB.sendMessage.family?.id).toBe(id(b.family));
  });

  it('answers NOT_FOUND for a stranger, another family, a pending member or no such user, and stores nothing', async () => {
    const f = await createFamily(t, { caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const stranger = await createUser(t);
    const caregiver = f.caregivers[0]!;
    const pending = f.pending[0]!;
    const attempts: [Headers, string | number][] = [
      [f.main.headers, stranger.user.id],
      [stranger.headers, f.main.user.id],
      [f.main.headers, other.main.user.id],
      [caregiver.headers, other.caregivers[0]!.user.id],
      [f.main.headers, pending.user.id],
      [pending.headers, f.main.user.id],
      [caregiver.headers, 999_999_999],
      [caregiver.headers, 'not-an-id'],
    ];
    for (const [headers, to] of attempts) {
      const errors = await sendErrors(headers, to);
      expect(errors[0]?.extensions).toEqual({ code: 'NOT_FOUND' });
    }
    const users = [f.main, caregiver, pending, stranger, other.main].map((u) => u.user.id);
    expect(
      await em().count(Message, {
        $or: [{ fromUser: { $in: users } }, { toUser: { $in: users } }],
      }),
    ).toBe(0);
  });

  it('refuses a message to yourself, and anonymous callers', async () => {
    const f = await createFamily(t);
    const self = await sendErrors(f.main.headers, f.main.user.id);
    expect(self[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.toUserId': 'must be someone other than yourself' },
    });
    expect(codeOf(await sendErrors(undefined, f.main.user.id))).toBe('UNAUTHENTICATED');
    expect(await em().count(Message, { fromUser: f.main.user.id })).toBe(0);
  });

  it('takes 1 to 2,000 characters counted in code points, and a well-formed image id', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const to = f.caregivers[0]!.user.id;
    for (const content of ['', '가'.repeat(2001), '😀'.repeat(2001), '   ']) {
      const errors = await sendErrors(f.main.headers, to, content);
      expect(errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'input.content': expect.any(String) as string },
      });
    }
    const empty = await sendErrors(f.main.headers, to, '');
    expect(empty[0]?.extensions?.['fields']).toEqual({
      'input.content': 'must be 1 to 2000 characters long',
    });
    const badImage = await t.requestErrors(
      SendMessageDocument,
      { input: { toUserId: String(to), content: 'hi', imageId: '../etc/passwd' } },
      f.main.headers,
    );
    expect(badImage[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.imageId': 'must be a file id' },
    });
    expect(await em().count(Message, { fromUser: f.main.user.id })).toBe(0);

    // 2,000 emoji are 4,000 UTF-16 units but 2,000 characters: allowed, and stored whole
    const longest = '😀'.repeat(2000);
    const { sendMessage } = await send(f.main.headers, to, longest);
    expect(sendMessage.content).toBe(longest);
    const stored = await em().findOneOrFail(Message, { id: Number(sendMessage.id) });
    expect(stored.content).toBe(longest);
    expect((await send(f.main.headers, to, 'x')).sendMessage.content).toBe('x');
  });

  it("lets a Carebot send as its family's main user, only to ACTIVE members of its family", async () => {
    const f = await createFamily(t, { caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const { sendMessage } = await send(f.device.headers, caregiver.user.id, '할머니가 보냅니다');
    expect(sendMessage).toMatchObject({
      from: { id: id(f.main.user) },
      to: { id: id(caregiver.user) },
      family: { id: id(f.family) },
    });
    const stored = await em().findOneOrFail(Message, { id: Number(sendMessage.id) });
    expect(stored.sentByDevice?.id).toBe(f.device.device.id);
    expect(contents(await list(caregiver.headers))).toEqual(['할머니가 보냅니다']);
    expect(contents(await list(f.main.headers, { box: 'SENT' }))).toEqual(['할머니가 보냅니다']);

    for (const to of [other.main.user.id, other.caregivers[0]!.user.id, f.pending[0]!.user.id]) {
      expect(codeOf(await sendErrors(f.device.headers, to))).toBe('NOT_FOUND');
    }
    const self = await sendErrors(f.device.headers, f.main.user.id);
    expect(self[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.toUserId': expect.any(String) as string },
    });
    expect(await em().count(Message, { fromUser: f.main.user.id })).toBe(1);
  });

  it('publishes messageReceived to the recipient and unreadCountsChanged, and nothing when refused', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const stranger = await createUser(t);
    const messages = listen<MessageEvent>('MESSAGE_RECEIVED', caregiver.user.id);
    const counts = listen<UnreadCountsEvent>('UNREAD_COUNTS_CHANGED', caregiver.user.id);
    const senderCounts = listen<UnreadCountsEvent>('UNREAD_COUNTS_CHANGED', f.main.user.id);
    try {
      const image = await createReadyFile(t, f.family.id, FilePurpose.MESSAGE_IMAGE);
      const { sendMessage } = await send(f.main.headers, caregiver.user.id, 'live', image.id);
      await vi.waitFor(() => expect(messages.received).toHaveLength(1));
      expect(messages.received[0]).toEqual({
        id: Number(sendMessage.id),
        fromUserId: f.main.user.id,
        toUserId: caregiver.user.id,
        content: 'live',
        imageId: image.id,
        createdAt: sendMessage.createdAt,
      });
      // the payload crosses process boundaries with Redis: plain JSON only
      expect(JSON.parse(JSON.stringify(messages.received[0]))).toEqual(messages.received[0]);
      await vi.waitFor(() => expect(counts.received).toEqual([{ userId: caregiver.user.id }]));

      await sendErrors(stranger.headers, caregiver.user.id);
      await sendErrors(f.main.headers, caregiver.user.id, '');
      await settle();
      expect(messages.received).toHaveLength(1);
      expect(counts.received).toHaveLength(1);
      expect(senderCounts.received).toEqual([]);
    } finally {
      await Promise.all([messages.close(), counts.close(), senderCounts.close()]);
    }
  });
});

describe('messages', () => {
  it('lists the inbox by default and the sent box on request, newest first', async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const [c1, c2] = [f.caregivers[0]!, f.caregivers[1]!];
    await send(c1.headers, f.main.user.id, 'one');
    await send(c2.headers, f.main.user.id, 'two');
    await send(f.main.headers, c1.user.id, 'reply');

    const inbox = await list(f.main.headers);
    expect(contents(inbox)).toEqual(['two', 'one']);
    expect(inbox.totalCount).toBe(2);
    expect(contents(await list(f.main.headers, { box: 'INBOX', order: 'ASC' }))).toEqual([
      'one',
      'two',
    ]);
    const sent = await list(f.main.headers, { box: 'SENT' });
    expect(contents(sent)).toEqual(['reply']);
    expect(contents(await list(c1.headers, { box: 'SENT' }))).toEqual(['one']);
    expect(contents(await list(c2.headers))).toEqual([]);
  });

  it('lists only unread messages with unreadOnly, in either box', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const c = f.caregivers[0]!;
    const start = new Date(Date.now() - 3600_000);
    const [m1, m2, m3] = await createMessages(t, 3, {
      familyId: f.family.id,
      fromUserId: c.user.id,
      toUserId: f.main.user.id,
      start,
    });
    await t.request(MarkMessagesReadDocument, { ids: [id(m2!)] }, f.main.headers);
    const unreadOnly = await list(f.main.headers, { unreadOnly: true });
    expect(contents(unreadOnly)).toEqual([m3!.content, m1!.content]);
    expect(unreadOnly.totalCount).toBe(2);
    expect(unreadOnly.edges.every((edge) => !edge.node.read)).toBe(true);
    expect((await list(f.main.headers, { unreadOnly: false })).totalCount).toBe(3);
    // in the sent box: what the recipient has not read yet
    expect(contents(await list(c.headers, { box: 'SENT', unreadOnly: true }))).toEqual([
      '#3',
      '#1',
    ]);
  });

  it('pages 25 messages by 10 with first/after and last/before, newest first', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    await createMessages(t, 25, {
      familyId: f.family.id,
      fromUserId: f.caregivers[0]!.user.id,
      toUserId: f.main.user.id,
      start: new Date('2026-01-01T00:00:00.000Z'),
    });
    /** "#from" … "#to", counting up or down. */
    const numbers = (from: number, to: number) =>
      Array.from(
        { length: Math.abs(from - to) + 1 },
        (_, i) => `#${from > to ? from - i : from + i}`,
      );

    const p1 = await list(f.main.headers, { first: 10 });
    expect(contents(p1)).toEqual(numbers(25, 16));
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(p1.totalCount).toBe(25);
    const p2 = await list(f.main.headers, { first: 10, after: p1.pageInfo.endCursor });
    expect(contents(p2)).toEqual(numbers(15, 6));
    expect(p2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const p3 = await list(f.main.headers, { first: 10, after: p2.pageInfo.endCursor });
    expect(contents(p3)).toEqual(numbers(5, 1));
    expect(p3.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(p3.totalCount).toBe(25);

    const b1 = await list(f.main.headers, { last: 10 });
    expect(contents(b1)).toEqual(numbers(10, 1));
    expect(b1.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const b2 = await list(f.main.headers, { last: 10, before: b1.pageInfo.startCursor });
    expect(contents(b2)).toEqual(numbers(20, 11));
    expect(b2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const b3 = await list(f.main.headers, { last: 10, before: b2.pageInfo.startCursor });
    expect(contents(b3)).toEqual(numbers(25, 21));
    expect(b3.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const asc = await list(f.main.headers, { order: 'ASC', first: 10, after: null });
    expect(contents(asc)).toEqual(numbers(1, 10));
    const ascNext = await list(f.main.headers, {
      order: 'ASC',
      first: 10,
      after: asc.pageInfo.endCursor,
    });
    expect(contents(ascNext)).toEqual(numbers(11, 20));
  });

  it('keeps to the time range [from, to) while paging across its edges', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const start = new Date('2026-02-01T09:00:00.000Z');
    await createMessages(t, 25, {
      familyId: f.family.id,
      fromUserId: f.caregivers[0]!.user.id,
      toUserId: f.main.user.id,
      start,
    });
    // #6 is at +5 min, #16 at +15 min (excluded: `to` is exclusive)
    const range = {
      from: new Date(start.getTime() + 5 * 60_000).toISOString(),
      to: new Date(start.getTime() + 15 * 60_000).toISOString(),
    };
    const first = await list(f.main.headers, { ...range, first: 4 });
    expect(contents(first)).toEqual(['#15', '#14', '#13', '#12']);
    expect(first.totalCount).toBe(10);
    const second = await list(f.main.headers, {
      ...range,
      first: 4,
      after: first.pageInfo.endCursor,
    });
    expect(contents(second)).toEqual(['#11', '#10', '#9', '#8']);
    const third = await list(f.main.headers, {
      ...range,
      first: 4,
      after: second.pageInfo.endCursor,
    });
    expect(contents(third)).toEqual(['#7', '#6']);
    expect(third.pageInfo.hasNextPage).toBe(false);
    const fromEnd = await list(f.main.headers, { ...range, last: 3, order: 'ASC' });
    expect(contents(fromEnd)).toEqual(['#13', '#14', '#15']);
  });

  it('answers an empty connection, not an error, when there is nothing', async () => {
    const loner = await createUser(t, { role: UserRole.MEMBER });
    for (const box of ['INBOX', 'SENT'] as const) {
      expect(await list(loner.headers, { box, unreadOnly: true })).toEqual({
        totalCount: 0,
        edges: [],
        pageInfo: {
          hasNextPage: false,
          hasPreviousPage: false,
          startCursor: null,
          endCursor: null,
        },
      });
    }
    expect(await unread(loner.headers)).toBe(0);
  });

  it('refuses more than 100 a page, a foreign cursor, and anonymous callers', async () => {
    const user = await createUser(t);
    const tooMany = await t.requestErrors(MessagesDocument, { first: 101 }, user.headers);
    expect(tooMany[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { first: 'must be at most 100' },
    });
    const badCursor = await t.requestErrors(MessagesDocument, { after: 'nope' }, user.headers);
    expect(badCursor[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { after: 'is not a cursor from this list' },
    });
    expect(codeOf(await t.requestErrors(MessagesDocument, {}))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.requestErrors(UnreadMessageCountDocument, {}))).toBe('UNAUTHENTICATED');
  });

  it("shows a Carebot its main user's mailbox", async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const c = f.caregivers[0]!;
    await send(c.headers, f.main.user.id, 'for grandma');
    await send(f.main.headers, c.user.id, 'from grandma');
    expect(contents(await list(f.device.headers))).toEqual(['for grandma']);
    expect(contents(await list(f.device.headers, { box: 'SENT' }))).toEqual(['from grandma']);
    expect(await unread(f.device.headers)).toBe(1);
  });
});

describe('reading, counting and deleting', () => {
  it("marks only the viewer's own unread received messages, and counts what changed", async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const [c1, c2] = [f.caregivers[0]!, f.caregivers[1]!];
    const received = [
      (await send(c1.headers, f.main.user.id, 'a')).sendMessage.id,
      (await send(c1.headers, f.main.user.id, 'b')).sendMessage.id,
      (await send(c2.headers, f.main.user.id, 'c')).sendMessage.id,
    ];
    const sentByMain = (await send(f.main.headers, c1.user.id, 'mine')).sendMessage.id;
    expect(await unread(f.main.headers)).toBe(3);
    expect(await unread(c1.headers)).toBe(1);

    const mark = (headers: Headers, ids: string[]) =>
      t.request(MarkMessagesReadDocument, { ids }, headers).then((r) => r.markMessagesRead);
    const mainCounts = listen<UnreadCountsEvent>('UNREAD_COUNTS_CHANGED', f.main.user.id);
    try {
      // the sender and a bystander change nothing
      expect(await mark(c1.headers, received)).toBe(0);
      expect(await mark(c2.headers, received)).toBe(0);
      await settle();
      expect(mainCounts.received).toEqual([]);
      expect(await unread(f.main.headers)).toBe(3);

      expect(
        await mark(f.main.headers, [
          received[0]!,
          received[1]!,
          received[0]!,
          sentByMain,
          '0',
          'x',
        ]),
      ).toBe(2);
      await vi.waitFor(() => expect(mainCounts.received).toEqual([{ userId: f.main.user.id }]));
      expect(await mark(f.main.headers, received)).toBe(1);
      expect(await mark(f.main.headers, received)).toBe(0);
      expect(await mark(f.main.headers, [])).toBe(0);
      await settle();
      expect(mainCounts.received).toHaveLength(2);
    } finally {
      await mainCounts.close();
    }
    expect(await unread(f.main.headers)).toBe(0);
    // the sender's own sent message stays unread: only its recipient reads it
    expect((await t.request(MessageDocument, { id: sentByMain }, c1.headers)).message?.read).toBe(
      false,
    );
    // and the sender sees that theirs were read
    const sent = await list(c1.headers, { box: 'SENT' });
    expect(sent.edges.map((edge) => edge.node.read)).toEqual([true, true]);
  });

  it('takes at most 100 ids at once', async () => {
    const user = await createUser(t);
    const ids = Array.from({ length: 101 }, (_, i) => String(i + 1));
    const errors = await t.requestErrors(MarkMessagesReadDocument, { ids }, user.headers);
    expect(errors[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: { ids: 'must hold at most 100 ids' },
    });
    expect(
      (await t.request(MarkMessagesReadDocument, { ids: ids.slice(0, 100) }, user.headers))
        .markMessagesRead,
    ).toBe(0);
  });

  it('shows a message to its sender and recipient only', async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const [c1, c2] = [f.caregivers[0]!, f.caregivers[1]!];
    const stranger = await createUser(t);
    const { sendMessage } = await send(c1.headers, f.main.user.id, 'private');
    for (const headers of [c1.headers, f.main.headers, f.device.headers]) {
      const { message } = await t.request(MessageDocument, { id: sendMessage.id }, headers);
      expect(message).toMatchObject({ id: sendMessage.id, content: 'private' });
    }
    for (const [headers, messageId] of [
      [c2.headers, sendMessage.id],
      [stranger.headers, sendMessage.id],
      [c1.headers, '999999999'],
      [c1.headers, 'abc'],
    ] as const) {
      const errors = await t.requestErrors(MessageDocument, { id: messageId }, headers);
      expect(errors[0]?.extensions).toEqual({ code: 'NOT_FOUND' });
    }
  });

  it('hides a deleted message from one side only, and forgets it once both sides deleted it', async () => {
    const f = await createFamily(t, { caregivers: 2 });
    const [c1, c2] = [f.caregivers[0]!, f.caregivers[1]!];
    const { sendMessage } = await send(c1.headers, f.main.user.id, 'to delete');
    const messageId = sendMessage.id;
    const del = (headers: Headers) => t.request(DeleteMessageDocument, { id: messageId }, headers);
    const delErrors = (headers: Headers) =>
      t.requestErrors(DeleteMessageDocument, { id: messageId }, headers);

    expect(codeOf(await delErrors(c2.headers))).toBe('NOT_FOUND');
    expect(await unread(f.main.headers)).toBe(1);
    const counts = listen<UnreadCountsEvent>('UNREAD_COUNTS_CHANGED', f.main.user.id);
    try {
      expect((await del(f.main.headers)).deleteMessage).toBe(true);
      // it was unread: the recipient's count changed
      await vi.waitFor(() => expect(counts.received).toEqual([{ userId: f.main.user.id }]));
    } finally {
      await counts.close();
    }
    expect(await unread(f.main.headers)).toBe(0);
    expect(contents(await list(f.main.headers))).toEqual([]);
    expect(codeOf(await t.requestErrors(MessageDocument, { id: messageId }, f.main.headers))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await delErrors(f.main.headers))).toBe('NOT_FOUND');
    // the recipient's deletion does not mark it read for the sender either
    expect(contents(await list(c1.headers, { box: 'SENT' }))).toEqual(['to delete']);
    expect((await t.request(MessageDocument, { id: messageId }, c1.headers)).message?.read).toBe(
      false,
    );
    // a deleted message cannot be marked read
    expect(
      (await t.request(MarkMessagesReadDocument, { ids: [messageId] }, f.main.headers))
        .markMessagesRead,
    ).toBe(0);

    expect((await del(c1.headers)).deleteMessage).toBe(true);
    expect(contents(await list(c1.headers, { box: 'SENT' }))).toEqual([]);
    expect(await em().count(Message, { id: Number(messageId) })).toBe(0);
  });

  it('lets a sender delete their copy while the recipient keeps theirs', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const c = f.caregivers[0]!;
    const { sendMessage } = await send(f.main.headers, c.user.id, 'kept');
    const counts = listen<UnreadCountsEvent>('UNREAD_COUNTS_CHANGED', f.main.user.id);
    try {
      await t.request(DeleteMessageDocument, { id: sendMessage.id }, f.main.headers);
      await settle();
      expect(counts.received).toEqual([]);
    } finally {
      await counts.close();
    }
    expect(contents(await list(f.main.headers, { box: 'SENT' }))).toEqual([]);
    expect(contents(await list(c.headers))).toEqual(['kept']);
    expect(await unread(c.headers)).toBe(1);
  });

  it('keeps messages when a member leaves, without showing them the family, and drops them with the family', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const c = f.caregivers[0]!;
    const sent = await createMessage(t, {
      familyId: f.family.id,
      fromUserId: f.main.user.id,
      toUserId: c.user.id,
      content: 'before you left',
    });
    await t.request(LeaveFamilyDocument, { familyId: id(f.family) }, c.headers);
    const { message } = await t.request(MessageDocument, { id: id(sent) }, c.headers);
    expect(message).toMatchObject({ content: 'before you left', family: null });
    expect(codeOf(await sendErrors(c.headers, f.main.user.id))).toBe('NOT_FOUND');

    await em().nativeDelete(Family, { id: f.family.id });
    expect(await em().count(Message, { family: f.family.id })).toBe(0);
  });
});
