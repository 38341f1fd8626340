import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * `POST /graphql` with a plain JSON body is served without Express (src/graphql-post.ts); every
 * other shape of request stays on the Express route. Both must answer alike.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ CORS_ORIGINS: 'https://dashboard.example' });
});
afterAll(async () => {
  await t?.close();
});

const QUERY = JSON.stringify({ query: '{ serverInfo { version } }' });

/** One request through node:http, so the body can be streamed or sent as raw bytes. */
function send(
  headers: Record<string, string>,
  body: Buffer | string | Buffer[],
): Promise<{ status: number; headers: Record<string, unknown>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(t.url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: JSON.parse(Buffer.concat(chunks).toString()) as unknown,
          });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else req.end(body);
  });
}

const codeOf = (json: unknown) =>
  (json as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;

describe('POST /graphql without Express', () => {
  it('answers JSON with or without a UTF-8 charset, and a body with a BOM', async () => {
    for (const [type, body] of [
      ['application/json', QUERY],
      ['application/json; charset=utf-8', QUERY],
      ['application/json', `\uFEFF${QUERY}`],
    ] as const) {
      const answer = await send({ 'content-type': type }, body);
      expect(answer.status).toBe(200);
      expect(
        (answer.json as { data?: { serverInfo?: { version?: unknown } } }).data?.serverInfo
          ?.version,
      ).toBeTypeOf('string');
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers the configured origin with the CORS headers, another without', async () => {
    const allowed = await send(
      { 'content-type': 'application/json', origin: 'https://dashboard.example' },
      QUERY,
    );
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.example');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const other = await send(
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      QUERY,
    );
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a body that is JSON but not an object as not valid JSON, a batch as Apollo does', async () => {
    const scalar = await send({ 'content-type': 'application/json' }, '123');
    expect(scalar.status).toBe(400);
    expect(codeOf(scalar.json)).toBe('GRAPHQL_VALIDATION_FAILED');
    const batch = await send({ 'content-type': 'application/json' }, `[${QUERY}]`);
    expect(batch.status).toBe(400);
  });

  it('refuses a streamed body (no content-length) once it passes 1 MiB with 413', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const answer = await send(
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      [
        Buffer.from('{"query":"{ serverInfo { version } }","pad":"'),
        ...Array.from({ length: 17 }, () => chunk),
      ],
    );
    expect(answer.status).toBe(413);
    expect(codeOf(answer.json)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('leaves a compressed body and another charset to the Express route', async () => {
    const gzipped = await send(
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(QUERY),
    );
    expect(gzipped.status).toBe(200);
    expect(gzipped.json).toMatchObject({ data: { serverInfo: {} } });
    const latin1 = await send({ 'content-type': 'application/json; charset=latin1' }, QUERY);
    expect(latin1.status).toBe(415);
    expect(codeOf(latin1.json)).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
