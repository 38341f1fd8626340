import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RaiseNotificationDocument, RemoveMemberDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import {
  sseClient,
  sseSubscriptionsStarted,
  sseUrl,
  waitForSseSubscriptions,
} from './helpers/sse-client.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const NOTIFICATIONS =
  'subscription($familyId: ID, $after: ID) { notificationAdded(familyId: $familyId, after: $after) { id grade kind message read family { id } } }';
const COUNTS = 'subscription { unreadCountsChanged { messages notifications } }';

interface Result<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}
type Added = Result<{ notificationAdded?: { id: string; message: string; read: boolean } }>;

/** Subscribes with the graphql-sse client and resolves once the server has it live. */
async function live<T>(
  headers: Record<string, string>,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const before = await sseSubscriptionsStarted(t);
  const events = sseClient(t, headers).iterate({ query, variables });
  const iterator = events[Symbol.asyncIterator]() as AsyncIterator<T, undefined>;
  const first = iterator.next();
  await waitForSseSubscriptions(t, before + 1);
  return { iterator, first };
}

/** The `next` events of a raw SSE response (read with fetch, as a browser's stream would be). */
async function* sseEvents(
  response: Response,
): AsyncGenerator<{ event: string; data: string }, undefined> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined) yield { event, data: data ?? '' };
    }
  }
}

/** Each raise a different kind: a repeat of one kind within 10 minutes folds into one alert. */
const KINDS = ['OTHER', 'HEALTH', 'ENVIRONMENT', 'MOOD', 'REPORT'] as const;
let raised = 0;
const raise = (headers: { authorization: string }, message: string) =>
  t.request(
    RaiseNotificationDocument,
    { input: { grade: 'WARN', kind: KINDS[raised++ % KINDS.length]!, message } },
    headers,
  );

describe('GraphQL over SSE', () => {
  it('delivers notificationAdded and unreadCountsChanged on the same port, with a bearer token', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const headers = { authorization: f.caregivers[0]!.headers.authorization };
    const counts = await live<Result<{ unreadCountsChanged: { notifications: number } }>>(
      headers,
      COUNTS,
    );
    expect((await counts.first).value?.data?.unreadCountsChanged.notifications).toBe(0);
    const added = await live<Added>(headers, NOTIFICATIONS, { familyId: String(f.family.id) });
    await raise(f.device.headers, 'over sse');
    expect((await added.first).value?.data?.notificationAdded).toMatchObject({
      message: 'over sse',
      read: false,
    });
    expect((await counts.iterator.next()).value?.data?.unreadCountsChanged.notifications).toBe(1);
    // resume: what was raised while the client was away comes first, then live ones
    const seen = (await added.first).value!.data!.notificationAdded!.id;
    await added.iterator.return?.();
    await raise(f.device.headers, 'missed');
    const resumed = await live<Added>(headers, NOTIFICATIONS, {
      familyId: String(f.family.id),
      after: seen,
    });
    expect((await resumed.first).value?.data?.notificationAdded?.message).toBe('missed');
    await raise(f.device.headers, 'live again');
    expect((await resumed.iterator.next()).value?.data?.notificationAdded?.message).toBe(
      'live again',
    );
    await resumed.iterator.return?.();
    await counts.iterator.return?.();
  });

  it('ends a stream when the member is removed from the family (every event re-authorised)', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const sub = await live<Added>(
      { authorization: f.caregivers[0]!.headers.authorization },
      NOTIFICATIONS,
      { familyId: String(f.family.id) },
    );
    await raise(f.device.headers, 'before');
    expect((await sub.first).value?.data?.notificationAdded?.message).toBe('before');
    await t.request(
      RemoveMemberDocument,
      { membershipId: String(f.caregivers[0]!.membership.id) },
      f.main.headers,
    );
    await raise(f.device.headers, 'after');
    expect((await sub.iterator.next()).done).toBe(true);
  });

  it('answers 401 without a credential, and ignores a cookie a page could send without a preflight', async () => {
    const f = await createFamily(t);
    const cookie = `carebot_session=${f.main.token}`;
    const body = JSON.stringify({ query: COUNTS });
    const anonymous = await fetch(sseUrl(t), {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body,
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as Result<unknown>).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    // an EventSource-style GET (no preflight possible) with only the cookie: not signed in
    const simple = await fetch(`${sseUrl(t)}?query=${encodeURIComponent(COUNTS)}`, {
      headers: { accept: 'text/event-stream', cookie },
    });
    expect(simple.status).toBe(401);
    await simple.body?.cancel();
    // the same GET marked as needing a preflight (which CORS grants only to our origins): signed in
    const reading = new AbortController();
    const marked = await fetch(`${sseUrl(t)}?query=${encodeURIComponent(COUNTS)}`, {
      headers: { accept: 'text/event-stream', cookie, 'apollo-require-preflight': 'true' },
      signal: reading.signal,
    });
    expect(marked.status).toBe(200);
    const first = await sseEvents(marked).next();
    expect(first.value).toMatchObject({ event: 'next' });
    expect(JSON.parse(first.value!.data)).toEqual({
      data: { unreadCountsChanged: { messages: 0, notifications: 0 } },
    });
    reading.abort();
    // a JSON POST with the cookie (what the graphql-sse client sends) is preflighted too
    const posted = await fetch(sseUrl(t), {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', cookie },
      body,
    });
    expect(posted.status).toBe(200);
    await posted.body?.cancel();
  });

  it('applies the same validation, cost budget and error codes as the WebSocket', async () => {
    const f = await createFamily(t);
    const headers = { authorization: f.main.headers.authorization };
    const codeOf = async (query: string, variables: Record<string, unknown> = {}) => {
      const events = sseClient(t, headers).iterate({ query, variables });
      const result = (await events[Symbol.asyncIterator]().next()) as { value?: Result<unknown> };
      return result.value?.errors?.[0]?.extensions?.code;
    };
    expect(await codeOf('subscription { unreadCountsChanged { nope } }')).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect(await codeOf('subscription { notificationAdded(familyId: "999999") { id } }')).toBe(
      'NOT_FOUND',
    );
    expect(
      await codeOf('subscription($f: ID) { notificationAdded(familyId: $f) { id } }', {
        f: { not: 'an id' },
      }),
    ).toBe('BAD_USER_INPUT');
    const deep = `query { myFamilies { notifications(first: 100) { edges { node { family { notifications(first: 100) { edges { node { id message } } } } } } } } }`;
    expect(await codeOf(deep)).toBe('QUERY_TOO_COMPLEX');
    expect(await codeOf('subscription { deviceCommand { id } }')).toBe('FORBIDDEN');
  });
});
