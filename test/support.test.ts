import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRole } from '../src/modules/account/user.entity.js';
import { SupportMessage } from '../src/modules/support/support.entities.js';
import {
  AuditLogDocument,
  ClaimSupportConversationDocument,
  CloseSupportConversationDocument,
  MarkSupportConversationReadDocument,
  MySupportConversationsDocument,
  OpenSupportConversationDocument,
  SendSupportMessageDocument,
  SupportConversationDocument,
  SupportMessagesDocument,
  SupportQueueDocument,
} from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser, type TestUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
let staff: TestUser;
let otherStaff: TestUser;
beforeAll(async () => {
  t = await startTestServer();
  staff = await createUser(t, { role: UserRole.ADMIN, name: 'Support Kim' });
  otherStaff = await createUser(t, { role: UserRole.ADMIN, name: 'Support Lee' });
});
afterAll(async () => {
  await t?.close();
});

type Headers = { authorization: string };

const open = async (headers: Headers, subject = 'Carebot does not wake up', message = 'Help!') =>
  (await t.request(OpenSupportConversationDocument, { input: { subject, message } }, headers))
    .openSupportConversation;

const send = async (headers: Headers, conversationId: string, content: string) =>
  (await t.request(SendSupportMessageDocument, { input: { conversationId, content } }, headers))
    .sendSupportMessage;

const SUPPORT_LIVE =
  'subscription($id: ID!, $after: ID) { supportMessageAdded(conversationId: $id, after: $after) { id content fromStaff conversationId } }';
type LiveResult = {
  value?: {
    data?: { supportMessageAdded?: { id: string; content: string; fromStaff: boolean } };
    errors?: { extensions?: { code?: string } }[];
  };
  done?: boolean;
};

/** Subscribes over graphql-ws and resolves once the server has the subscription live. */
async function live$(headers: Headers, variables: Record<string, unknown>) {
  const before = await t.subscriptionsStarted();
  const events = t
    .ws({ authorization: headers.authorization })
    .iterate({ query: SUPPORT_LIVE, variables });
  const iterator = events[Symbol.asyncIterator]();
  const first = iterator.next() as Promise<LiveResult>;
  await t.waitForSubscriptions(before + 1);
  return { iterator, first, next: () => iterator.next() as Promise<LiveResult> };
}

describe('support chat', () => {
  it('opens a conversation that staff see queued with its unread count, claim, and answer', async () => {
    const user = await createUser(t);
    const conversation = await open(user.headers, '앱 로그인이 안 돼요', '비밀번호를 바꿨는데요');
    expect(conversation).toMatchObject({
      subject: '앱 로그인이 안 돼요',
      status: 'OPEN',
      unreadCount: 0,
      claimedBy: null,
      user: { id: String(user.user.id) },
    });
    const queue = await t.request(SupportQueueDocument, { filter: 'UNCLAIMED' }, staff.headers);
    const queued = queue.supportQueue.edges.find((e) => e.node.id === conversation.id)?.node;
    expect(queued?.unreadCount).toBe(1);

    const { claimSupportConversation } = await t.request(
      ClaimSupportConversationDocument,
      { id: conversation.id },
      staff.headers,
    );
    expect(claimSupportConversation.claimedBy?.id).toBe(String(staff.user.id));
    const taken = await t.requestErrors(
      ClaimSupportConversationDocument,
      { id: conversation.id },
      otherStaff.headers,
    );
    expect(codeOf(taken)).toBe('CONFLICT');
    const refused = await t.requestErrors(
      SendSupportMessageDocument,
      { input: { conversationId: conversation.id, content: 'me too' } },
      otherStaff.headers,
    );
    expect(codeOf(refused)).toBe('CONFLICT');
    const mine = await t.request(SupportQueueDocument, { filter: 'MINE' }, staff.headers);
    expect(mine.supportQueue.edges.map((e) => e.node.id)).toContain(conversation.id);

    const reply = await send(staff.headers, conversation.id, '새 비밀번호로 다시 해 보세요');
    expect(reply).toMatchObject({ fromStaff: true, author: { id: String(staff.user.id) } });
    // staff answered: nothing unread for staff; one unread for the user
    const forStaff = await t.request(
      SupportConversationDocument,
      { id: conversation.id },
      staff.headers,
    );
    expect(forStaff.supportConversation.unreadCount).toBe(0);
    const forUser = await t.request(
      MySupportConversationsDocument,
      { status: 'OPEN' },
      user.headers,
    );
    expect(forUser.mySupportConversations.edges[0]!.node).toMatchObject({
      id: conversation.id,
      unreadCount: 1,
    });
    const read = await t.request(
      MarkSupportConversationReadDocument,
      { id: conversation.id },
      user.headers,
    );
    expect(read.markSupportConversationRead.unreadCount).toBe(0);
    const log = await t.request(
      SupportMessagesDocument,
      { conversationId: conversation.id, order: 'ASC' },
      user.headers,
    );
    expect(log.supportMessages.edges.map((e) => [e.node.fromStaff, e.node.content])).toEqual([
      [false, '비밀번호를 바꿨는데요'],
      [true, '새 비밀번호로 다시 해 보세요'],
    ]);
  });

  it('delivers messages live both ways, and replays what a reconnecting side missed', async () => {
    const user = await createUser(t);
    const conversation = await open(user.headers);
    const userSide = await live$(user.headers, { id: conversation.id });
    const staffSide = await live$(staff.headers, { id: conversation.id });
    const fromStaff = await send(staff.headers, conversation.id, 'Hello, how can I help?');
    expect((await userSide.first).value?.data?.supportMessageAdded).toMatchObject({
      id: fromStaff.id,
      content: 'Hello, how can I help?',
      fromStaff: true,
    });
    expect((await staffSide.first).value?.data?.supportMessageAdded?.id).toBe(fromStaff.id);
    const staffNext = staffSide.next();
    const fromUser = await send(user.headers, conversation.id, 'It beeps all night');
    expect((await staffNext).value?.data?.supportMessageAdded).toMatchObject({
      id: fromUser.id,
      content: 'It beeps all night',
      fromStaff: false,
    });

    // the user's client goes away, misses two messages, and resumes from the last id it saw
    await userSide.iterator.return?.();
    const missed1 = await send(staff.headers, conversation.id, 'Try turning it off');
    const missed2 = await send(staff.headers, conversation.id, 'and on again');
    const resumed = await live$(user.headers, { id: conversation.id, after: fromStaff.id });
    const ids: string[] = [];
    ids.push((await resumed.first).value!.data!.supportMessageAdded!.id);
    ids.push((await resumed.next()).value!.data!.supportMessageAdded!.id);
    ids.push((await resumed.next()).value!.data!.supportMessageAdded!.id);
    expect(ids).toEqual([fromUser.id, missed1.id, missed2.id]);
    const liveNext = resumed.next();
    const after = await send(staff.headers, conversation.id, 'live again');
    expect((await liveNext).value?.data?.supportMessageAdded?.id).toBe(after.id);
  });

  it('closes from either side; a closed conversation is read-only', async () => {
    const user = await createUser(t);
    const byUser = await open(user.headers, 'first');
    const closed = await t.request(
      CloseSupportConversationDocument,
      { id: byUser.id },
      user.headers,
    );
    expect(closed.closeSupportConversation).toMatchObject({ status: 'CLOSED' });
    expect(closed.closeSupportConversation.closedAt).not.toBeNull();
    for (const headers of [user.headers, staff.headers]) {
      const errors = await t.requestErrors(
        SendSupportMessageDocument,
        { input: { conversationId: byUser.id, content: 'hello?' } },
        headers,
      );
      expect(codeOf(errors)).toBe('CONFLICT');
    }
    const again = await t.requestErrors(
      CloseSupportConversationDocument,
      { id: byUser.id },
      staff.headers,
    );
    expect(codeOf(again)).toBe('CONFLICT');
    const stillReadable = await t.request(
      SupportMessagesDocument,
      { conversationId: byUser.id },
      user.headers,
    );
    expect(stillReadable.supportMessages.totalCount).toBe(1);
    expect(
      await t.server.app.orm.em.fork().count(SupportMessage, { conversation: Number(byUser.id) }),
    ).toBe(1);

    const byStaff = await open(user.headers, 'second');
    await t.request(CloseSupportConversationDocument, { id: byStaff.id }, staff.headers);
    const closedQueue = await t.request(SupportQueueDocument, { status: 'CLOSED' }, staff.headers);
    expect(closedQueue.supportQueue.edges.map((e) => e.node.id)).toEqual(
      expect.arrayContaining([byUser.id, byStaff.id]),
    );
    const audit = await t.request(
      AuditLogDocument,
      { action: 'CLOSE_SUPPORT_CONVERSATION', actorId: String(staff.user.id) },
      staff.headers,
    );
    expect(audit.auditLog.edges.map((e) => e.node.targetId)).toContain(byStaff.id);
    expect(audit.auditLog.edges.map((e) => e.node.targetId)).not.toContain(byUser.id);
  });

  it('gives a conversation to exactly one of two staff claiming at once', async () => {
    const user = await createUser(t);
    const conversation = await open(user.headers);
    const outcomes = await Promise.all(
      [staff, otherStaff].map(async (who) =>
        codeOf(
          await t
            .requestErrors(ClaimSupportConversationDocument, { id: conversation.id }, who.headers)
            .catch(() => [{ extensions: { code: 'OK' } }]),
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(['CONFLICT', 'OK']);
  });

  it('records claims in the audit log', async () => {
    const user = await createUser(t);
    const conversation = await open(user.headers);
    await t.request(ClaimSupportConversationDocument, { id: conversation.id }, otherStaff.headers);
    const audit = await t.request(
      AuditLogDocument,
      { action: 'CLAIM_SUPPORT_CONVERSATION', actorId: String(otherStaff.user.id) },
      staff.headers,
    );
    expect(audit.auditLog.edges[0]!.node).toMatchObject({
      targetType: 'SupportConversation',
      targetId: conversation.id,
    });
  });
});

describe('who may use support chat', () => {
  it("answers NOT_FOUND for another user's conversation, over HTTP and WebSocket", async () => {
    const owner = await createUser(t);
    const stranger = await createUser(t);
    const conversation = await open(owner.headers);
    const attempts = [
      () => t.requestErrors(SupportConversationDocument, { id: conversation.id }, stranger.headers),
      () =>
        t.requestErrors(
          SupportMessagesDocument,
          { conversationId: conversation.id },
          stranger.headers,
        ),
      () =>
        t.requestErrors(
          SendSupportMessageDocument,
          { input: { conversationId: conversation.id, content: 'hi' } },
          stranger.headers,
        ),
      () =>
        t.requestErrors(
          CloseSupportConversationDocument,
          { id: conversation.id },
          stranger.headers,
        ),
      () =>
        t.requestErrors(
          MarkSupportConversationReadDocument,
          { id: conversation.id },
          stranger.headers,
        ),
      () => t.requestErrors(SupportConversationDocument, { id: '999999' }, owner.headers),
    ];
    for (const attempt of attempts) expect(codeOf(await attempt())).toBe('NOT_FOUND');
    const mine = await t.request(MySupportConversationsDocument, {}, stranger.headers);
    expect(mine.mySupportConversations.totalCount).toBe(0);
    const events = t
      .ws({ authorization: stranger.headers.authorization })
      .iterate({ query: SUPPORT_LIVE, variables: { id: conversation.id } });
    const result = (await events[Symbol.asyncIterator]().next()) as LiveResult;
    expect(result.value?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses devices, anonymous and suspended callers, users on staff operations, and staff on opening', async () => {
    const f = await createFamily(t);
    const owner = await createUser(t);
    const suspended = await createUser(t, { suspendedUntil: new Date(Date.now() + 3_600_000) });
    const conversation = await open(owner.headers);
    const id = conversation.id;
    const operations: Record<string, (h?: Headers) => ReturnType<TestServer['requestErrors']>> = {
      openSupportConversation: (h) =>
        t.requestErrors(
          OpenSupportConversationDocument,
          { input: { subject: 's', message: 'm' } },
          h,
        ),
      sendSupportMessage: (h) =>
        t.requestErrors(
          SendSupportMessageDocument,
          { input: { conversationId: id, content: 'c' } },
          h,
        ),
      claimSupportConversation: (h) => t.requestErrors(ClaimSupportConversationDocument, { id }, h),
      closeSupportConversation: (h) => t.requestErrors(CloseSupportConversationDocument, { id }, h),
      markSupportConversationRead: (h) =>
        t.requestErrors(MarkSupportConversationReadDocument, { id }, h),
      supportConversation: (h) => t.requestErrors(SupportConversationDocument, { id }, h),
      mySupportConversations: (h) => t.requestErrors(MySupportConversationsDocument, {}, h),
      supportQueue: (h) => t.requestErrors(SupportQueueDocument, {}, h),
      supportMessages: (h) => t.requestErrors(SupportMessagesDocument, { conversationId: id }, h),
    };
    const expected: Record<string, Record<string, string>> = {
      device: Object.fromEntries(Object.keys(operations).map((name) => [name, 'FORBIDDEN'])),
      anonymous: Object.fromEntries(
        Object.keys(operations).map((name) => [name, 'UNAUTHENTICATED']),
      ),
      suspended: Object.fromEntries(
        Object.keys(operations).map((name) => [name, 'UNAUTHENTICATED']),
      ),
    };
    const callers: Record<string, Headers | undefined> = {
      device: f.device.headers,
      anonymous: undefined,
      suspended: suspended.headers,
    };
    for (const [who, headers] of Object.entries(callers)) {
      const got: Record<string, string> = {};
      for (const [name, run] of Object.entries(operations))
        got[name] = String(codeOf(await run(headers)));
      expect({ who, got }).toEqual({ who, got: expected[who] });
    }
    expect(codeOf(await operations['supportQueue']!(owner.headers))).toBe('FORBIDDEN');
    expect(codeOf(await operations['claimSupportConversation']!(owner.headers))).toBe('FORBIDDEN');
    expect(codeOf(await operations['openSupportConversation']!(staff.headers))).toBe('FORBIDDEN');
    // the device and anonymous sockets are refused too
    const deviceLive = t
      .ws({ authorization: f.device.headers.authorization })
      .iterate({ query: SUPPORT_LIVE, variables: { id } });
    const deviceResult = (await deviceLive[Symbol.asyncIterator]().next()) as LiveResult;
    expect(deviceResult.value?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = t.ws().iterate({ query: SUPPORT_LIVE, variables: { id } });
    await expect(anonymous[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 4401 });
  });

  it('names the field of bad input with a stable code and stores nothing', async () => {
    const user = await createUser(t);
    const conversation = await open(user.headers);
    const cases: [() => ReturnType<TestServer['requestErrors']>, string][] = [
      [
        () =>
          t.requestErrors(
            OpenSupportConversationDocument,
            { input: { subject: '  ', message: 'm' } },
            user.headers,
          ),
        'input.subject',
      ],
      [
        () =>
          t.requestErrors(
            OpenSupportConversationDocument,
            { input: { subject: 'x'.repeat(121), message: 'm' } },
            user.headers,
          ),
        'input.subject',
      ],
      [
        () =>
          t.requestErrors(
            OpenSupportConversationDocument,
            { input: { subject: 's', message: '' } },
            user.headers,
          ),
        'input.message',
      ],
      [
        () =>
          t.requestErrors(
            SendSupportMessageDocument,
            { input: { conversationId: conversation.id, content: 'x'.repeat(2001) } },
            user.headers,
          ),
        'input.content',
      ],
      [
        () =>
          t.requestErrors(
            SupportMessagesDocument,
            { conversationId: conversation.id, first: 101 },
            user.headers,
          ),
        'first',
      ],
    ];
    for (const [attempt, field] of cases) {
      const errors = await attempt();
      expect(codeOf(errors)).toBe('BAD_USER_INPUT');
      expect(errors[0]!.extensions?.['fields']).toHaveProperty([field]);
    }
    const mine = await t.request(MySupportConversationsDocument, {}, user.headers);
    expect(mine.mySupportConversations.totalCount).toBe(1);
    const log = await t.request(
      SupportMessagesDocument,
      { conversationId: conversation.id },
      user.headers,
    );
    expect(log.supportMessages.totalCount).toBe(1);
  });
});
