import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatMessage, Conversation } from '../src/modules/ai/ai.entities.js';
import { ChatRole } from '../src/modules/ai/ai.enums.js';
import {
  ConversationDocument,
  ConversationsByActivityDocument,
  DeleteConversationDocument,
  RenameConversationDocument,
  SendChatMessageDocument,
  ShareConversationsDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { codeOf, eventually } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
const em = () => t.server.app.orm.em.fork();

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

/** Sends a message and waits for the companion's reply to be stored. */
async function say(
  f: TestFamily,
  content: string,
  conversationId?: string,
): Promise<{ conversationId: string }> {
  const { sendChatMessage } = await t.request(
    SendChatMessageDocument,
    { input: { content, ...(conversationId === undefined ? {} : { conversationId }) } },
    f.main.headers,
  );
  const id = Number(sendChatMessage.conversationId);
  await eventually(async () =>
    (await em().count(ChatMessage, {
      conversation: id,
      role: ChatRole.ASSISTANT,
      id: { $gt: Number(sendChatMessage.id) },
    })) > 0
      ? true
      : undefined,
  );
  return { conversationId: sendChatMessage.conversationId };
}

describe('conversations: titles, last activity, rename and delete', () => {
  let f: TestFamily;
  let other: TestFamily;
  beforeAll(async () => {
    f = await createFamily(t, { managers: 1, caregivers: 1 });
    other = await createFamily(t);
  });

  it('titles a conversation by its first message and lists by last activity', async () => {
    const a = await say(f, '  오늘은\n  산책을 했어요  ');
    const long = `${'가'.repeat(150)}`;
    const b = await say(f, long);
    const list = async () =>
      (
        await t.request(ConversationsByActivityDocument, {}, f.main.headers)
      ).conversations.edges.map((e) => e.node);
    let nodes = await list();
    expect(nodes.map((n) => n.id)).toEqual([b.conversationId, a.conversationId]);
    expect(nodes[1]!.title).toBe('오늘은 산책을 했어요');
    expect([...nodes[0]!.title]).toHaveLength(100);
    expect(nodes[0]!.title.endsWith('…')).toBe(true);

    // a later message moves the older conversation to the top; its title stays
    await say(f, '또 왔어요', a.conversationId);
    nodes = await list();
    expect(nodes.map((n) => n.id)).toEqual([a.conversationId, b.conversationId]);
    expect(nodes[0]!.title).toBe('오늘은 산책을 했어요');
    const stored = await em().findOneOrFail(Conversation, { id: Number(a.conversationId) });
    const latest = await em().findOneOrFail(
      ChatMessage,
      { conversation: stored.id },
      { orderBy: { id: 'desc' } },
    );
    expect(stored.lastActivityAt).toEqual(latest.createdAt);
    expect(Date.parse(nodes[0]!.lastActivityAt)).toBeGreaterThan(Date.parse(nodes[0]!.createdAt));

    const ascending = await t.request(
      ConversationsByActivityDocument,
      { order: 'ASC' },
      f.main.headers,
    );
    expect(ascending.conversations.edges.map((e) => e.node.id)).toEqual([
      b.conversationId,
      a.conversationId,
    ]);
  });

  it('renames for the main user and the Carebot; refuses bad titles and other callers', async () => {
    const { conversationId: id } = await say(f, 'rename me');
    const { renameConversation } = await t.request(
      RenameConversationDocument,
      { input: { id, title: '  Walks  ' } },
      f.main.headers,
    );
    expect(renameConversation).toEqual({ id, title: 'Walks' });
    await t.request(
      RenameConversationDocument,
      { input: { id, title: 'Walks in the park' } },
      f.device.headers,
    );
    for (const title of ['   ', 'x'.repeat(101)]) {
      const errors = await t.requestErrors(
        RenameConversationDocument,
        { input: { id, title } },
        f.main.headers,
      );
      expect(codeOf(errors)).toBe('BAD_USER_INPUT');
      expect(Object.keys(errors[0]!.extensions!['fields'] as object)).toEqual(['input.title']);
    }
    // readers of shared conversations read the title but cannot change it
    await t.request(
      ShareConversationsDocument,
      { familyId: String(f.family.id), share: true },
      f.main.headers,
    );
    const { conversation } = await t.request(
      ConversationDocument,
      { id },
      f.caregivers[0]!.headers,
    );
    expect(conversation?.id).toBe(id);
    for (const headers of [f.caregivers[0]!.headers, f.managers[0]!.headers]) {
      const errors = await t.requestErrors(
        RenameConversationDocument,
        { input: { id, title: 'theirs' } },
        headers,
      );
      expect(codeOf(errors)).toBe('FORBIDDEN');
    }
    for (const headers of [other.main.headers, other.device.headers]) {
      const errors = await t.requestErrors(
        RenameConversationDocument,
        { input: { id, title: 'theirs' } },
        headers,
      );
      expect(codeOf(errors)).toBe('NOT_FOUND');
    }
    expect(
      codeOf(await t.requestErrors(RenameConversationDocument, { input: { id, title: 'x' } }, {})),
    ).toBe('UNAUTHENTICATED');
    const stored = await em().findOneOrFail(Conversation, { id: Number(id) });
    expect(stored.title).toBe('Walks in the park');
    await t.request(
      ShareConversationsDocument,
      { familyId: String(f.family.id), share: false },
      f.main.headers,
    );
  });

  it('deletes a conversation with its messages, for its owner only', async () => {
    const { conversationId: id } = await say(f, 'delete me');
    const kept = await say(f, 'keep me');
    await t.request(
      ShareConversationsDocument,
      { familyId: String(f.family.id), share: true },
      f.main.headers,
    );
    for (const [headers, code] of [
      [f.caregivers[0]!.headers, 'FORBIDDEN'],
      [f.managers[0]!.headers, 'FORBIDDEN'],
      [other.main.headers, 'NOT_FOUND'],
      [other.device.headers, 'NOT_FOUND'],
      [{}, 'UNAUTHENTICATED'],
    ] as const) {
      const errors = await t.requestErrors(DeleteConversationDocument, { id }, headers);
      expect(codeOf(errors)).toBe(code);
    }
    expect(await em().count(ChatMessage, { conversation: Number(id) })).toBeGreaterThan(0);

    const { deleteConversation } = await t.request(
      DeleteConversationDocument,
      { id },
      f.main.headers,
    );
    expect(deleteConversation).toBe(id);
    expect(await em().count(Conversation, { id: Number(id) })).toBe(0);
    expect(await em().count(ChatMessage, { conversation: Number(id) })).toBe(0);
    expect(await em().count(ChatMessage, { conversation: Number(kept.conversationId) })).toBe(2);
    expect(codeOf(await t.requestErrors(ConversationDocument, { id }, f.main.headers))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await t.requestErrors(DeleteConversationDocument, { id }, f.main.headers))).toBe(
      'NOT_FOUND',
    );
    // the Carebot may delete too (it acts for the main user)
    await t.request(DeleteConversationDocument, { id: kept.conversationId }, f.device.headers);
    expect(await em().count(Conversation, { id: Number(kept.conversationId) })).toBe(0);
  });
});
