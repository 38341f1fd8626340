import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../src/modules/account/user.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { codesOf, postRaw, wsErrors } from './helpers/raw.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
let f: TestFamily;
beforeAll(async () => {
  t = await startTestServer();
  f = await createFamily(t, { caregivers: 1 });
});
afterAll(async () => {
  await t?.close();
});

/** Text no person types: NUL, other controls, a lone surrogate. */
const HOSTILE = ['a\u0000@example.com', 'a\u0007b', 'a\u001bb', 'x\u0085y', '\ud800', 'a\udfffb'];

describe('invalid text in any input (issue 13, finding 5)', () => {
  const cases: {
    name: string;
    who: 'anonymous' | 'main' | 'device' | 'caregiver';
    query: string;
    variables: (text: string) => Record<string, unknown>;
    field: string;
  }[] = [
    {
      name: 'logIn',
      who: 'anonymous',
      query: 'mutation($e: String!) { logIn(email: $e, password: "whatever-long") { token } }',
      variables: (text) => ({ e: text }),
      field: 'email',
    },
    {
      name: 'requestPasswordReset',
      who: 'anonymous',
      query: 'mutation($e: String!) { requestPasswordReset(email: $e) }',
      variables: (text) => ({ e: text }),
      field: 'email',
    },
    {
      name: 'findFamilies',
      who: 'caregiver',
      query:
        'query($n: String!) { findFamilies(input: { mainUserName: $n, birthDate: "1950-05-05", gender: MALE, subRegionCode: "11110" }) { familyId } }',
      variables: (text) => ({ n: text }),
      field: 'input.mainUserName',
    },
    {
      name: 'sendMessage',
      who: 'caregiver',
      query:
        'mutation($c: String!, $to: ID!) { sendMessage(input: { content: $c, toUserId: $to }) { id } }',
      variables: (text) => ({ c: text, to: String(f.main.user.id) }),
      field: 'input.content',
    },
    {
      name: 'raiseNotification',
      who: 'device',
      query:
        'mutation($m: String!) { raiseNotification(input: { grade: CRIT, kind: FALL, message: $m }) { id } }',
      variables: (text) => ({ m: text }),
      field: 'input.message',
    },
    {
      name: 'updateFamily',
      who: 'main',
      query: 'mutation($id: ID!, $m: String) { updateFamily(id: $id, input: { memo: $m }) { id } }',
      variables: (text) => ({ id: String(f.family.id), m: text }),
      field: 'input.memo',
    },
    {
      name: 'updateMe',
      who: 'main',
      query: 'mutation($n: String) { updateMe(input: { name: $n }) { id } }',
      variables: (text) => ({ n: text }),
      field: 'input.name',
    },
    {
      name: 'sendChatMessage',
      who: 'main',
      query: 'mutation($c: String!) { sendChatMessage(input: { content: $c }) { id } }',
      variables: (text) => ({ c: text }),
      field: 'input.content',
    },
    {
      name: 'submitMentalReport',
      who: 'device',
      query: `mutation($s: String!) { submitMentalReport(input: { periodStart: "2026-01-01T00:00:00Z",
        periodEnd: "2026-01-02T00:00:00Z", recommendations: ["rest", $s], riskLevel: LOW, summary: $s }) { id } }`,
      variables: (text) => ({ s: text }),
      field: 'input.summary',
    },
  ];

  const headersOf = (who: (typeof cases)[number]['who']): Record<string, string> =>
    who === 'anonymous'
      ? {}
      : who === 'main'
        ? f.main.headers
        : who === 'device'
          ? f.device.headers
          : f.caregivers[0]!.headers;

  for (const c of cases) {
    it(`${c.name} refuses NUL, control characters and lone surrogates with BAD_USER_INPUT on ${c.field}`, async () => {
      for (const text of HOSTILE) {
        const response = await postRaw(t, c.query, c.variables(text), headersOf(c.who));
        expect(response.status, `${c.name} ${JSON.stringify(text)}`).toBeLessThan(500);
        expect(codesOf(response), `${c.name} ${JSON.stringify(text)}`).toEqual(['BAD_USER_INPUT']);
        const fields = response.body.errors?.[0]?.extensions?.['fields'] as Record<string, string>;
        expect(Object.keys(fields)).toContain(c.field);
      }
    });
  }

  it('names each offending string, in literals too, and keeps newline and tab', async () => {
    const response = await postRaw(
      t,
      'mutation { submitMentalReport(input: { periodStart: "2026-01-01T00:00:00Z", periodEnd: "2026-01-02T00:00:00Z", recommendations: ["ok", "bad\\u0000"], riskLevel: LOW, summary: "two\\nlines\\tand a tab" }) { id } }',
      {},
      f.device.headers,
    );
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    const fields = response.body.errors?.[0]?.extensions?.['fields'] as Record<string, string>;
    expect(Object.keys(fields)).toEqual(['input.recommendations.1']);
    expect(fields['input.recommendations.1']).toContain('control characters');
    const ok = await postRaw(
      t,
      'mutation($m: String!) { raiseNotification(input: { grade: INFO, kind: ENVIRONMENT, message: $m }) { message } }',
      { m: 'two\nlines\tand a tab' },
      f.device.headers,
    );
    expect(ok.body).toEqual({ data: { raiseNotification: { message: 'two\nlines\tand a tab' } } });
  });
});

describe('a document with several operations (issue 13, finding 11)', () => {
  const query = 'query A { serverInfo { version } } query B { serverInfo { uptimeSeconds } }';

  it('answers GRAPHQL_VALIDATION_FAILED without an operationName, over HTTP and WebSocket alike', async () => {
    const http = await postRaw(t, query, {}, f.main.headers);
    expect(http.status).toBe(400);
    expect(codesOf(http)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const ws = await wsErrors(t, f.main.headers, { query });
    expect(ws.map((error) => error.extensions?.['code'])).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(ws[0]?.message).toBe(http.body.errors?.[0]?.message);
  });

  it('answers GRAPHQL_VALIDATION_FAILED for an unknown operationName on both', async () => {
    const ws = await wsErrors(t, f.main.headers, { query, operationName: 'C' });
    expect(ws.map((error) => error.extensions?.['code'])).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...f.main.headers },
      body: JSON.stringify({ query, operationName: 'C' }),
    });
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(ws[0]?.message).toBe(body.errors[0]?.message);
  });

  it('runs the named one over the WebSocket', async () => {
    const events = t.ws(f.main.headers).iterate({ query, operationName: 'B' });
    const first = await events.next();
    const value = first.value as { data?: { serverInfo?: { uptimeSeconds?: unknown } } };
    expect(typeof value.data?.serverInfo?.uptimeSeconds).toBe('number');
    await events.return?.();
  });
});

describe('text with NUL below the GraphQL layer (issue 13, finding 5)', () => {
  it('stores, finds and compares it on the database, without an SQL error', async () => {
    const em = t.server.app.orm.em.fork();
    const text = "it's\u0000 a 'NUL'\u0000";
    const notification = em.create(Notification, {
      family: em.getReference(Family, f.family.id),
      grade: NotificationGrade.INFO,
      kind: NotificationKind.ENVIRONMENT,
      message: text,
    });
    await em.flush();
    const again = await t.server.app.orm.em
      .fork()
      .findOneOrFail(Notification, { id: notification.id, message: text });
    expect(again.message).toBe(text);
    expect(await em.fork().count(User, { email: 'a\u0000@example.com' })).toBe(0);
  });
});
