import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { UserRole } from '../src/modules/account/user.entity.js';
import { createLogger } from '../src/observability/logger.js';
import { createTracing } from '../src/observability/tracing.js';
import { MeDocument, SendChatMessageDocument, SendPingDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser, type TestUser } from './factories/users.js';
import { eventually } from './helpers/assertions.js';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from './helpers/otlp-receiver.js';
import { sourceOf, startTestServer, type TestServer } from './helpers/test-server.js';

const redisUrl = process.env['TEST_REDIS_URL'];

/** OTLP span kinds. */
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

let receiver: OtlpReceiver;
let t: TestServer;
let admin: TestUser;
/** Every log line the server wrote, parsed. */
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const logger = createLogger(
    { logLevel: 'info', env: 'test' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  t = await startTestServer(
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'carebot-test',
      ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
    },
    { logger },
  );
  admin = await createUser(t, { role: UserRole.ADMIN });
});

afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

/** Exports what the server finished, then finds the span `match` selects (waiting for jobs). */
async function span(match: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan> {
  return eventually(async () => {
    await t.server.app.tracing.forceFlush();
    return receiver.spans.find(match);
  });
}

const childrenOf = (parent: ReceivedSpan) =>
  receiver.spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId);

/** `db.system.name` of the test database (as `startTestServer` picks it). */
const database = (process.env['TEST_DATABASE_URL'] ?? '') === '' ? 'sqlite' : 'mariadb';

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('gives an HTTP query a server span with its SQL as child spans, without values', async () => {
    await t.request(MeDocument, {}, admin.headers);
    const operation = await span((s) => s.name === 'query Me');
    expect(operation).toMatchObject({
      service: 'carebot-test',
      kind: SERVER,
      parentSpanId: '',
      attributes: {
        'graphql.operation.type': 'query',
        'graphql.operation.name': 'Me',
        'carebot.transport': 'http',
      },
      statusCode: 0,
    });
    const sql = childrenOf(operation).filter((s) => s.attributes['db.system.name'] === database);
    // at least the session lookup of the context function
    expect(sql.length).toBeGreaterThanOrEqual(1);
    for (const statement of sql) {
      expect(statement.kind).toBe(CLIENT);
      expect(statement.name).toMatch(/^[A-Z]+$/);
      const text = String(statement.attributes['db.query.text']);
      expect(text).not.toContain(admin.email);
    }
    expect(sql.map((s) => s.attributes['db.query.text']).join('\n')).toMatch(/\?/);
    expect(receiver.contentTypes).toEqual(new Set(['application/x-protobuf']));
  });

  it("continues the caller's trace from a W3C traceparent header", async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    await t
      .http({ ...admin.headers, traceparent: `00-${traceId}-${parent}-01` })
      .request(MeDocument);
    const operation = await span((s) => s.name === 'query Me' && s.traceId === traceId);
    expect(operation.parentSpanId).toBe(parent);
  });

  it('writes the trace id into the log lines of the operation', async () => {
    await t.request(MeDocument, {}, admin.headers);
    const operations = receiver.spans.filter((s) => s.name === 'query Me');
    await span((s) => s.name === 'query Me' && !operations.includes(s));
    const operation = receiver.spans.filter((s) => s.name === 'query Me').at(-1)!;
    // written by the Apollo plugin after the resolvers' awaits
    const line = lines.find(
      (l) => l['msg'] === 'graphql operation' && l['trace_id'] === operation.traceId,
    );
    expect(line).toMatchObject({ operation: 'Me', span_id: operation.spanId });
    // lines outside any operation carry none
    expect(lines.some((l) => l['msg'] !== 'graphql operation' && l['trace_id'] === undefined)).toBe(
      true,
    );
  });

  it('records a refused operation with its error code, not as a server fault', async () => {
    await t.requestErrors(SendPingDocument, { message: '' }, admin.headers);
    const operation = await span(
      (s) => s.name === 'mutation SendPing' && s.attributes['graphql.error.codes'] !== undefined,
    );
    expect(operation.attributes['graphql.error.codes']).toEqual(['BAD_USER_INPUT']);
    expect(operation.events).toEqual([
      { name: 'graphql.error', attributes: { 'error.type': 'BAD_USER_INPUT' } },
    ]);
    expect(operation.statusCode).toBe(0);
  });

  it('gives WebSocket operations spans: a query with its SQL, and a subscription set-up', async () => {
    const client = t.ws({ authorization: admin.headers.authorization });
    const events = client.iterate({ query: 'subscription Ping { ping { message } }' });
    const first = events.next();
    await t.waitForSubscriptions(1);
    const me = client.iterate({ query: sourceOf(MeDocument) });
    expect((await me.next()).value).toMatchObject({ data: { me: { email: admin.email } } });
    await me.return?.();
    await t.request(SendPingDocument, { message: 'traced' }, admin.headers);
    expect((await first).value).toEqual({ data: { ping: { message: 'traced' } } });
    await events.return?.();

    const subscription = await span((s) => s.name === 'subscription Ping');
    expect(subscription).toMatchObject({
      kind: SERVER,
      attributes: { 'graphql.operation.type': 'subscription', 'carebot.transport': 'ws' },
    });
    const query = await span(
      (s) => s.name === 'query Me' && s.attributes['carebot.transport'] === 'ws',
    );
    // the credential re-check before the operation and the resolver's read
    expect(
      childrenOf(query).filter((s) => s.attributes['db.system.name'] === database).length,
    ).toBeGreaterThanOrEqual(1);
    const mutation = await span(
      (s) => s.name === 'mutation SendPing' && s.attributes['graphql.error.codes'] === undefined,
    );
    if (redisUrl !== undefined) {
      // the mutation rate limit is counted in Redis, inside the operation's trace
      const redis = childrenOf(mutation).filter((s) => s.attributes['db.system.name'] === 'redis');
      expect(redis.length).toBeGreaterThanOrEqual(1);
      expect(redis[0]).toMatchObject({ kind: CLIENT });
      expect(redis[0]!.attributes['db.operation.name']).toMatch(/^[A-Z]+$/);
    } else {
      expect(mutation.kind).toBe(SERVER);
    }
  });

  it('gives a durable job attempt its own trace, with its SQL', async () => {
    const f = await createFamily(t);
    await t.request(
      SendChatMessageDocument,
      { input: { content: '안녕하세요' } },
      f.device.headers,
    );
    const job = await span((s) => s.name === 'job CHAT_REPLY');
    expect(job).toMatchObject({
      kind: CONSUMER,
      parentSpanId: '',
      attributes: { 'carebot.job.kind': 'CHAT_REPLY', 'carebot.job.attempt': 1 },
    });
    // the outcome is set before the span ends
    expect(job.attributes['carebot.job.outcome']).toBe('done');
    expect(
      childrenOf(job).filter((s) => s.attributes['db.system.name'] === database).length,
    ).toBeGreaterThanOrEqual(2);
    const request = receiver.spans.find((s) => s.name === 'mutation SendChatMessage');
    expect(request?.traceId).not.toBe(job.traceId);
  });

  it('gives a periodic job run its own trace', async () => {
    await t.server.periodic.runNow('recover-ai-jobs');
    const run = await span((s) => s.name === 'periodic recover-ai-jobs');
    expect(run).toMatchObject({
      parentSpanId: '',
      attributes: { 'carebot.job.kind': 'recover-ai-jobs' },
    });
    expect(
      childrenOf(run).filter((s) => s.attributes['db.system.name'] === database).length,
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('tracing (no endpoint)', () => {
  it('leaves another instance in the same process untraced, its log lines untagged', async () => {
    const own: Record<string, unknown>[] = [];
    const logger = createLogger(
      { logLevel: 'info', env: 'test' },
      { write: (line: string) => void own.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const untraced = await startTestServer({}, { shareDatabaseWith: t, logger });
    try {
      expect(untraced.server.app.tracing.tracer).toBeUndefined();
      await untraced.request(MeDocument, {}, admin.headers);
      const line = own.find((l) => l['msg'] === 'graphql operation');
      expect(line).toMatchObject({ operation: 'Me' });
      expect(line).not.toHaveProperty('trace_id');
    } finally {
      await untraced.close();
    }
  });

  it('is off unless the endpoint is set, which must be a URL', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.tracing).toBeUndefined();
    expect(createTracing(config.tracing, createLogger(config)).tracer).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      endpoint: 'http://collector:4318',
      serviceName: 'carebot-api',
    });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
