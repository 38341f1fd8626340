import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerVersionDocument } from './__generated__/graphql.js';
import { createUser } from './factories/users.js';
import {
  SERVER_START_TIMEOUT_MS,
  sourceOf,
  startTestServer,
  type TestServer,
} from './helpers/test-server.js';

let t: TestServer;
let auth: { authorization: string };
beforeAll(async () => {
  t = await startTestServer({ CORS_ORIGINS: 'https://dashboard.example' });
  auth = (await createUser(t)).headers;
});
afterAll(async () => {
  await t?.close();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions: Record<string, unknown> }[];
    },
  };
}

function nested(depth: number): string {
  // a query whose selection is `depth` levels deep (the fields need not exist: limits run first)
  let selection = 'leaf';
  for (let i = 1; i < depth; i += 1) selection = `f${i} { ${selection} }`;
  return `{ ${selection} }`;
}

describe('health, readiness and metrics', () => {
  it('answers /healthz and /readyz (the database is reachable)', async () => {
    const health = await fetch(t.url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(t.url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('counts operations by name and open WebSocket connections in /metrics', async () => {
    await t.request(ServerVersionDocument);
    await t.request(ServerVersionDocument);
    const client = t.ws(auth);
    const events = client.iterate({ query: 'subscription { ping { message } }' });
    const pending = events.next();
    await t.waitForSubscriptions(1);
    const text = await (await fetch(t.url.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(
      /graphql_requests_total\{operation="ServerVersion",type="query",outcome="ok"\} 2/,
    );
    expect(text).toMatch(
      /graphql_request_duration_seconds_count\{operation="ServerVersion",type="query"\} 2/,
    );
    expect(text).toMatch(/graphql_ws_connections_active 1/);
    await events.return?.();
    void pending.catch(() => undefined);
  });
});

describe('request ids', () => {
  it('echoes a well-formed x-request-id and makes one otherwise', async () => {
    const own = await post({ query: '{ serverInfo { version } }' }, { 'x-request-id': 'abc-123' });
    expect(own.headers.get('x-request-id')).toBe('abc-123');
    const made = await post(
      { query: '{ serverInfo { version } }' },
      { 'x-request-id': 'bad id with spaces' },
    );
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('errors and limits (SPEC §3, §7)', () => {
  it('answers a syntax error with GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, json } = await post({ query: '{ serverInfo { ' });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  // outside production with a "Did you mean" hint; production leaves it out (graphiql.test.ts)
  it('answers an unknown field with GRAPHQL_VALIDATION_FAILED', async () => {
    const { json } = await post({ query: '{ serverInfo { versio } }' });
    expect(json.errors?.[0]?.extensions['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(json.errors?.[0]?.message).toMatch(/Cannot query field "versio"/);
  });

  it('rejects a query deeper than 12 with QUERY_TOO_COMPLEX', async () => {
    const { json } = await post({ query: nested(13) });
    const tooDeep = json.errors?.find((e) => e.extensions['code'] === 'QUERY_TOO_COMPLEX');
    expect(tooDeep?.message).toMatch(/depth limit of 12/);
  });

  it('rejects more than 15 aliases with QUERY_TOO_COMPLEX and accepts 15', async () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: serverInfo { version }`).join(' ')} }`;
    const ok = await post({ query: aliases(15) });
    expect(ok.json.errors).toBeUndefined();
    const { json } = await post({ query: aliases(16) });
    expect(json.errors?.[0]?.extensions['code']).toBe('QUERY_TOO_COMPLEX');
  });

  it('rejects an oversized document with QUERY_TOO_COMPLEX (token limit)', async () => {
    const { json } = await post({ query: `{ ${'serverInfo { version } '.repeat(1000)} }` });
    expect(json.errors?.[0]?.extensions['code']).toBe('QUERY_TOO_COMPLEX');
  });

  it('rejects a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const { status, json } = await post({
      query: '{ serverInfo { version } }',
      variables: { pad: 'x'.repeat(1024 * 1024) },
    });
    expect(status).toBe(413);
    expect(json.errors?.[0]?.extensions['code']).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects a body that is not JSON', async () => {
    const { status, json } = await post('{"query": ');
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports a wrongly typed variable as BAD_USER_INPUT naming the variable', async () => {
    const { status, json } = await post({
      query: 'mutation($m: String!) { sendPing(message: $m) { message } }',
      variables: { m: 42 },
    });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    expect(Object.keys(json.errors?.[0]?.extensions['fields'] as object)).toEqual(['m']);
  });

  it('answers a syntax error over the WebSocket with GRAPHQL_VALIDATION_FAILED', async () => {
    const events = t.ws(auth).iterate({ query: 'subscription { ping { ' });
    await expect(events.next()).rejects.toSatisfy(
      (errors: unknown) =>
        Array.isArray(errors) &&
        (errors as { extensions?: { code?: string } }[])[0]?.extensions?.code ===
          'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('answers a wrongly typed variable over the WebSocket with BAD_USER_INPUT', async () => {
    const events = t.ws(auth).iterate({
      query: 'query($c: String!) { subRegions(masterRegionCode: $c) { code } }',
      variables: { c: 5 },
    });
    await expect(events.next()).rejects.toSatisfy(
      (errors: unknown) =>
        Array.isArray(errors) &&
        (errors as { extensions?: { code?: string; fields?: object } }[])[0]?.extensions?.code ===
          'BAD_USER_INPUT',
    );
  });

  it('applies the same limits to operations over the WebSocket', async () => {
    const events = t.ws(auth).iterate({ query: nested(13) });
    await expect(events.next()).rejects.toSatisfy(
      (errors: unknown) =>
        Array.isArray(errors) &&
        (errors as { extensions?: { code?: string } }[]).some(
          (e) => e.extensions?.code === 'QUERY_TOO_COMPLEX',
        ),
    );
  });
});

describe('CSRF prevention and CORS', () => {
  it('refuses a GET query that a browser could send cross-site without a preflight', async () => {
    const response = await fetch(
      `${t.url}?query=${encodeURIComponent('{ serverInfo { version } }')}`,
    );
    expect(response.status).toBe(400);
  });

  it('serves a GET query that carries a preflight-forcing header, but never a mutation', async () => {
    const query = await fetch(
      `${t.url}?query=${encodeURIComponent(sourceOf(ServerVersionDocument))}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(query.status).toBe(200);
    const mutation = await fetch(
      `${t.url}?query=${encodeURIComponent('mutation { sendPing(message: "x") { message } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(mutation.status).toBe(405);
  });

  it('allows the configured origin with credentials and no other', async () => {
    const allowed = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('introspection switched off in production', { timeout: SERVER_START_TIMEOUT_MS }, () => {
  it('refuses __schema over HTTP and over the WebSocket alike', async () => {
    const prod = await startTestServer({
      NODE_ENV: 'production',
      INTROSPECTION: 'false',
      CORS_ORIGINS: 'https://a.example',
      FILE_URL_SECRET: 'a-test-secret-of-at-least-32-characters',
    });
    try {
      const response = await fetch(prod.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
      });
      const json = (await response.json()) as { errors?: { extensions: { code: string } }[] };
      expect(json.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const prodUser = await createUser(prod);
      const events = prod
        .ws(prodUser.headers)
        .iterate({ query: '{ __schema { queryType { name } } }' });
      await expect(events.next()).rejects.toSatisfy(
        (errors: unknown) =>
          Array.isArray(errors) &&
          (errors as { extensions?: { code?: string } }[])[0]?.extensions?.code ===
            'GRAPHQL_VALIDATION_FAILED',
      );
    } finally {
      await prod.close();
    }
  });
});
