import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../src/modules/account/session.entity.js';
import { AiJob, ChatMessage, Conversation } from '../src/modules/ai/ai.entities.js';
import { AiJobKind, AiJobStatus, ChatRole } from '../src/modules/ai/ai.enums.js';
import {
  AiProviderError,
  LocalAiProvider,
  OpenAiCompatibleProvider,
} from '../src/modules/ai/ai.provider.js';
import { JOB_MAX_ATTEMPTS, JobRunner } from '../src/jobs/runner.js';
import { registerAiHandlers } from '../src/modules/ai/ai.handlers.js';
import type { PeriodStats } from '../src/modules/ai/mental-report.js';
import { Family } from '../src/modules/family/family.entity.js';
import { MentalStatus } from '../src/modules/report/report.entities.js';
import {
  AiJobDocument,
  ConversationDocument,
  ConversationsDocument,
  SendChatMessageDocument,
} from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf, eventually } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

describe('OpenAiCompatibleProvider against a fake OpenAI-compatible server', () => {
  let server: Server;
  let baseUrl: string;
  /** What the next requests answer, in order; the last one repeats. */
  let script: ((
    req: IncomingMessage,
    body: unknown,
  ) => { status: number; body: string } | 'hang')[];
  interface CompletionRequest {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: unknown;
  }
  let requests: { path: string; authorization: string | undefined; body: CompletionRequest }[];

  const completion = (content: string) =>
    JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] });

  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as CompletionRequest;
        requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
        const step = (script.length > 1 ? script.shift()! : script[0]!)(req, body);
        if (step === 'hang') return; // never answers: the client's timeout fires
        res.writeHead(step.status, { 'content-type': 'application/json' }).end(step.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (timeoutMs = 2000) =>
    new OpenAiCompatibleProvider({
      baseUrl,
      model: 'test-model',
      apiKey: 'sk-test',
      timeoutMs,
    });

  it('posts the conversation to /chat/completions and returns the reply', async () => {
    requests = [];
    script = [() => ({ status: 200, body: completion(' 안녕하세요! ') })];
    const reply = await client().chatReply([{ role: 'user', content: '안녕' }]);
    expect(reply).toEqual({ content: '안녕하세요!', provider: 'test-model' });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe('/v1/chat/completions');
    expect(requests[0]!.authorization).toBe('Bearer sk-test');
    expect(requests[0]!.body.model).toBe('test-model');
    expect(requests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: '안녕' });
    expect(requests[0]!.body.messages[0]!.role).toBe('system');
  });

  // one retry layer: the job runner's attempts; the provider says whether a retry may help
  it.each([
    [500, true],
    [503, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
  ])('makes one request on HTTP %i and calls it retryable: %s', async (status, retryable) => {
    requests = [];
    script = [
      () => ({ status, body: '{"error":"boom"}' }),
      () => ({ status: 200, body: completion('ok') }),
    ];
    const error = await client()
      .chatReply([{ role: 'user', content: 'hi' }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiProviderError);
    expect(error).toMatchObject({ message: `The AI provider answered HTTP ${status}.`, retryable });
    expect(requests).toHaveLength(1);
  });

  it('makes one request when it times out, and calls the timeout retryable', async () => {
    requests = [];
    script = [() => 'hang'];
    const error = await client(150)
      .chatReply([{ role: 'user', content: 'hi' }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiProviderError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(/within 150 ms/);
    expect(requests).toHaveLength(1);
  });

  it('calls an unreachable provider retryable', async () => {
    const unreachable = new OpenAiCompatibleProvider({
      baseUrl: 'http://127.0.0.1:1/v1',
      model: 'test-model',
      apiKey: undefined,
      timeoutMs: 2000,
    });
    await expect(unreachable.analyseMood('hi')).rejects.toMatchObject({
      name: 'AiProviderError',
      retryable: true,
    });
  });

  it('asks for JSON mood, parses it defensively and normalises the scores', async () => {
    requests = [];
    script = [
      () => ({
        status: 200,
        body: completion(
          'Here you go:\n```json\n{"emotion":"sadness","scores":{"joy":0.1,"sadness":1.0,"anger":0,"anxiety":0.3,"neutral":0.6}}\n```',
        ),
      }),
    ];
    const mood = await client().analyseMood('외로워요');
    expect(requests[0]!.body.response_format).toEqual({ type: 'json_object' });
    expect(mood.emotion).toBe('SADNESS');
    expect(mood.provider).toBe('test-model');
    expect(mood.scores.sadness).toBeCloseTo(0.5);
    const { joy, sadness, anger, anxiety, neutral } = mood.scores;
    expect(joy + sadness + anger + anxiety + neutral).toBeCloseTo(1, 3);
  });

  it('fails on malformed mood JSON and on a malformed response body', async () => {
    script = [() => ({ status: 200, body: completion('{"emotion": "joy", "scores": {') })];
    await expect(client().analyseMood('hi')).rejects.toThrow(/malformed JSON|no JSON/);
    script = [() => ({ status: 200, body: completion('{"emotion":"joy","scores":{"joy":"x"}}') })];
    await expect(client().analyseMood('hi')).rejects.toThrow(/wrong shape/);
    requests = [];
    script = [() => ({ status: 200, body: 'not json at all' })];
    await expect(client().chatReply([{ role: 'user', content: 'hi' }])).rejects.toThrow(
      /malformed JSON/,
    );
    expect(requests).toHaveLength(1);
  });

  it('writes a mental report from the period statistics as validated JSON', async () => {
    const stats = writeableStats();
    requests = [];
    script = [
      () => ({
        status: 200,
        body: completion(
          '{"summary":"한 주 동안 대체로 평온하셨습니다.","riskLevel":"MEDIUM","recommendations":["자주 전화해 주세요."]}',
        ),
      }),
    ];
    const draft = await client().writeMentalReport(stats);
    expect(draft).toEqual({
      summary: '한 주 동안 대체로 평온하셨습니다.',
      riskLevel: 'MEDIUM',
      recommendations: ['자주 전화해 주세요.'],
      provider: 'test-model',
    });
    expect(requests[0]!.body.response_format).toEqual({ type: 'json_object' });
    expect(JSON.parse(requests[0]!.body.messages.at(-1)!.content)).toMatchObject({
      mood: { analyses: 4 },
      activity: { falls: 1 },
    });
    script = [() => ({ status: 200, body: completion('{"summary":"x","riskLevel":"SEVERE"}') })];
    await expect(client().writeMentalReport(stats)).rejects.toThrow(/wrong shape/);
  });
});

/** A small period's statistics as `gatherPeriodStats` returns them. */
function writeableStats(): PeriodStats {
  return {
    from: new Date('2026-11-15T15:00:00Z'),
    to: new Date('2026-11-22T15:00:00Z'),
    mood: {
      analyses: 4,
      dominant: {
        JOY: 1,
        SADNESS: 2,
        ANGER: 0,
        ANXIETY: 0,
        NEUTRAL: 1,
      },
      average: { joy: 0.2, sadness: 0.5, anger: 0, anxiety: 0.1, neutral: 0.2 },
    },
    activity: {
      total: 10,
      falls: 1,
      byAction: { WALKING: 9, FALL: 1 },
    },
    health: {
      readings: 3,
      heartRate: { average: 72, min: 60, max: 88 },
      bloodOxygenMin: 95,
      bodyTemperatureMax: 36.8,
    },
    alerts: { warn: 0, crit: 1 },
    chatMessages: 4,
  };
}

describe('chat with the AI companion', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });
  const em = () => t.server.app.orm.em.fork();

  const CHAT_REPLY =
    'subscription($conversationId: ID!, $after: ID) { chatReply(conversationId: $conversationId, after: $after) { id conversationId role content provider } }';
  type Reply = {
    data?: { chatReply?: { id: string; role: string; content: string; provider: string } };
    errors?: { extensions?: Record<string, unknown> }[];
  };

  async function subscribe(headers: { authorization: string }, variables: Record<string, unknown>) {
    const before = await t.subscriptionsStarted();
    const events = t
      .ws({ authorization: headers.authorization })
      .iterate({ query: CHAT_REPLY, variables });
    const iterator = events[Symbol.asyncIterator]();
    const first = iterator.next();
    await t.waitForSubscriptions(before + 1);
    return { iterator, first };
  }

  async function send(
    headers: { authorization: string },
    content: string,
    conversationId?: string,
  ) {
    const { sendChatMessage } = await t.request(
      SendChatMessageDocument,
      { input: { content, ...(conversationId === undefined ? {} : { conversationId }) } },
      headers,
    );
    return sendChatMessage;
  }

  it('stores the message at once, replies on chatReply and records the mood', async () => {
    const f = await createFamily(t);
    const first = await send(f.device.headers, '오늘 손녀가 와서 정말 행복했어요');
    expect(first).toMatchObject({ role: 'USER', provider: null });
    // a reply that may already be stored is replayed with `after`, then live ones follow
    const sub = await subscribe(f.main.headers, {
      conversationId: first.conversationId,
      after: first.id,
    });
    const reply = ((await sub.first).value as Reply).data?.chatReply;
    expect(reply).toMatchObject({ role: 'ASSISTANT', provider: 'local' });
    expect(reply!.content).toMatch(/기뻐요/);
    expect(Number(reply!.id)).toBeGreaterThan(Number(first.id));

    const second = await send(f.main.headers, 'I feel so lonely', first.conversationId);
    expect(second.conversationId).toBe(first.conversationId);
    const live = ((await sub.iterator.next()).value as Reply).data?.chatReply;
    expect(live).toMatchObject({ role: 'ASSISTANT', provider: 'local' });
    expect(live!.content).toMatch(/here with you/);
    await sub.iterator.return?.();

    const statuses = await eventually(async () => {
      const rows = await em().find(
        MentalStatus,
        { family: f.family.id },
        { orderBy: { id: 'asc' } },
      );
      return rows.length === 2 ? rows : undefined;
    });
    expect(statuses.map((s) => [s.source, s.emotion])).toEqual([
      ['CONVERSATION', 'JOY'],
      ['CONVERSATION', 'SADNESS'],
    ]);

    const { conversation } = await t.request(
      ConversationDocument,
      { id: first.conversationId, order: 'ASC' },
      f.main.headers,
    );
    expect(conversation?.messages.edges.map((e) => e.node.role)).toEqual([
      'USER',
      'ASSISTANT',
      'USER',
      'ASSISTANT',
    ]);
    const { conversations } = await t.request(ConversationsDocument, {}, f.device.headers);
    expect(conversations.edges.map((e) => e.node.id)).toEqual([first.conversationId]);

    const jobs = await em().find(AiJob, { family: f.family.id }, { orderBy: { id: 'asc' } });
    expect(jobs.map((j) => [j.kind, j.status])).toEqual([
      [AiJobKind.CHAT_REPLY, AiJobStatus.DONE],
      [AiJobKind.MOOD, AiJobStatus.DONE],
      [AiJobKind.CHAT_REPLY, AiJobStatus.DONE],
      [AiJobKind.MOOD, AiJobStatus.DONE],
    ]);
    const { aiJob } = await t.request(AiJobDocument, { id: String(jobs[0]!.id) }, f.main.headers);
    expect(aiJob).toMatchObject({ kind: 'CHAT_REPLY', status: 'DONE', attempts: 1, error: null });
  });

  it("keeps the elder's conversations private: caregivers, managers and strangers cannot read them", async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1 });
    const stranger = await createUser(t);
    const message = await send(f.main.headers, 'hello');
    for (const member of [f.caregivers[0]!, f.managers[0]!]) {
      const errors = await t.requestErrors(
        ConversationDocument,
        { id: message.conversationId },
        member.headers,
      );
      expect(codeOf(errors)).toBe('FORBIDDEN');
      expect(codeOf(await t.requestErrors(ConversationsDocument, {}, member.headers))).toBe(
        'FORBIDDEN',
      );
      expect(
        codeOf(
          await t.requestErrors(
            SendChatMessageDocument,
            { input: { conversationId: message.conversationId, content: 'peek' } },
            member.headers,
          ),
        ),
      ).toBe('FORBIDDEN');
    }
    expect(
      codeOf(
        await t.requestErrors(
          ConversationDocument,
          { id: message.conversationId },
          stranger.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    const other = await createFamily(t);
    expect(
      codeOf(
        await t.requestErrors(
          ConversationDocument,
          { id: message.conversationId },
          other.device.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    const job = await em().findOneOrFail(
      AiJob,
      { family: f.family.id },
      { orderBy: { id: 'asc' } },
    );
    expect(
      codeOf(await t.requestErrors(AiJobDocument, { id: String(job.id) }, other.main.headers)),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.requestErrors(AiJobDocument, { id: String(job.id) }, f.caregivers[0]!.headers),
      ),
    ).toBe('FORBIDDEN');
    // the subscription refuses them the same way
    const sub = t
      .ws({ authorization: f.caregivers[0]!.headers.authorization })
      .iterate({ query: CHAT_REPLY, variables: { conversationId: message.conversationId } });
    expect(codeOf(((await sub.next()).value as Reply).errors ?? [])).toBe('FORBIDDEN');
    const strangerSub = t
      .ws({ authorization: stranger.headers.authorization })
      .iterate({ query: CHAT_REPLY, variables: { conversationId: message.conversationId } });
    expect(codeOf(((await strangerSub.next()).value as Reply).errors ?? [])).toBe('NOT_FOUND');
  });

  it('re-authorises every reply: a revoked session gets no reply and its socket closes (4403)', async () => {
    const f = await createFamily(t);
    const first = await send(f.device.headers, 'hello');
    // the first reply is out of the way before subscribing: the next event is the second reply
    await eventually(async () => {
      const replies = await em().count(ChatMessage, {
        conversation: Number(first.conversationId),
        role: ChatRole.ASSISTANT,
      });
      return replies === 1 ? replies : undefined;
    });
    const sub = await subscribe(f.main.headers, { conversationId: first.conversationId });
    await em().nativeDelete(Session, { user: f.main.user.id });
    await send(f.device.headers, 'are you there?', first.conversationId);
    await expect(sub.first).rejects.toMatchObject({ code: 4403 });
  });

  it('validates the content', async () => {
    const f = await createFamily(t);
    const errors = await t.requestErrors(
      SendChatMessageDocument,
      { input: { content: 'x'.repeat(2001) } },
      f.main.headers,
    );
    expect(codeOf(errors)).toBe('BAD_USER_INPUT');
    expect(await em().count(Conversation, { family: f.family.id })).toBe(0);
  });

  it("keeps a slow job's updatedAt fresh while it runs (a heartbeat), so it never looks abandoned", async () => {
    const f = await createFamily(t);
    // from here on this server's own worker stays stopped: the tests below run their own
    await t.server.app.aiWorker.stop();
    await send(f.main.headers, 'hello');
    const slow = new LocalAiProvider();
    const local = new LocalAiProvider();
    slow.chatReply = async (history) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return local.chatReply(history);
    };
    const worker = registerAiHandlers(
      new JobRunner({
        orm: t.server.app.orm,
        logger: t.server.app.logger,
        pollIntervalMs: 10,
        heartbeatMs: 50,
      }),
      { events: t.server.app.events, provider: slow },
    );
    await worker.start();
    const running = await eventually(async () => {
      const row = await em().findOne(AiJob, { family: f.family.id, status: AiJobStatus.RUNNING });
      return row ?? undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = await em().findOneOrFail(AiJob, { id: running.id });
    expect(later.status).toBe(AiJobStatus.RUNNING);
    expect(later.updatedAt.getTime()).toBeGreaterThan(running.updatedAt.getTime());
    await eventually(async () => {
      const row = await em().findOneOrFail(AiJob, { id: running.id });
      return row.status === AiJobStatus.DONE ? row : undefined;
    });
    await worker.stop();
  });

  it('retries a reply the provider failed transiently, then marks it FAILED with the reason', async () => {
    const f = await createFamily(t);
    await t.server.app.aiWorker.stop();
    const message = await send(f.main.headers, 'hello');
    const failing = new LocalAiProvider();
    let calls = 0;
    failing.chatReply = async () => {
      calls++;
      throw new AiProviderError('The AI provider answered HTTP 503.', true);
    };
    const worker = registerAiHandlers(
      new JobRunner({
        orm: t.server.app.orm,
        logger: t.server.app.logger,
        pollIntervalMs: 10,
        retryDelayMs: 5,
      }),
      { events: t.server.app.events, provider: failing },
    );
    await worker.start();
    const job = await eventually(async () => {
      const row = await em().findOne(AiJob, {
        family: f.family.id,
        status: AiJobStatus.FAILED,
      });
      return row ?? undefined;
    });
    await worker.stop();
    // one provider call per attempt: no retry layer under the job's
    expect(calls).toBe(JOB_MAX_ATTEMPTS);
    expect(job).toMatchObject({
      attempts: JOB_MAX_ATTEMPTS,
      error: 'The AI provider answered HTTP 503.',
    });
    expect(
      await em().count(ChatMessage, {
        conversation: Number(message.conversationId),
        role: ChatRole.ASSISTANT,
      }),
    ).toBe(0);
  });

  it('fails a reply after one attempt when the provider refuses it for good (HTTP 400)', async () => {
    const f = await createFamily(t);
    await t.server.app.aiWorker.stop();
    await send(f.main.headers, 'hello');
    const refusing = new LocalAiProvider();
    let calls = 0;
    refusing.chatReply = async () => {
      calls++;
      throw new AiProviderError('The AI provider answered HTTP 400.', false);
    };
    const worker = registerAiHandlers(
      new JobRunner({
        orm: t.server.app.orm,
        logger: t.server.app.logger,
        pollIntervalMs: 10,
        retryDelayMs: 5,
      }),
      { events: t.server.app.events, provider: refusing },
    );
    await worker.start();
    const job = await eventually(async () => {
      const row = await em().findOne(AiJob, { family: f.family.id, status: AiJobStatus.FAILED });
      return row ?? undefined;
    });
    await worker.stop();
    expect(calls).toBe(1);
    expect(job).toMatchObject({ attempts: 1, error: 'The AI provider answered HTTP 400.' });
  });
});

const redisUrl = process.env['TEST_REDIS_URL'];
/** Job runners: database polling always; BullMQ when a Redis server is available (CI has one). */
const RUNNERS: [string, Record<string, string>][] = [
  ['database polling', {}],
  ...(redisUrl === undefined
    ? []
    : [['BullMQ', { REDIS_URL: redisUrl }] as [string, Record<string, string>]]),
];

describe.each(RUNNERS)('durable jobs across a restart, %s', (runner, env) => {
  it('resumes PENDING jobs and abandoned RUNNING ones when a worker starts', async () => {
    const first = await startTestServer(env);
    try {
      const f = await createFamily(first);
      await first.server.app.aiWorker.stop();
      const em = first.server.app.orm.em.fork();
      const conversation = em.create(Conversation, {
        family: em.getReference(Family, f.family.id),
      });
      const pendingMessage = em.create(ChatMessage, {
        conversation,
        role: ChatRole.USER,
        content: '요즘 외로워요',
      });
      const runningMessage = em.create(ChatMessage, {
        conversation,
        role: ChatRole.USER,
        content: 'I am worried',
      });
      await em.flush();
      const stale = new Date(Date.now() - 5 * 60_000);
      const pending = em.create(AiJob, {
        family: em.getReference(Family, f.family.id),
        kind: AiJobKind.CHAT_REPLY,
        payload: { conversationId: conversation.id, messageId: pendingMessage.id },
      });
      const running = em.create(AiJob, {
        family: em.getReference(Family, f.family.id),
        kind: AiJobKind.MOOD,
        status: AiJobStatus.RUNNING,
        attempts: 1,
        payload: { messageId: runningMessage.id },
        updatedAt: stale,
      });
      await em.flush();

      // a new process on the same database picks both up
      const second = await startTestServer(env, { shareDatabaseWith: first });
      try {
        const jobs = await eventually(async () => {
          const rows = await second.server.app.orm.em
            .fork()
            .find(AiJob, { id: { $in: [pending.id, running.id] } }, { orderBy: { id: 'asc' } });
          return rows.every((row) => row.status === AiJobStatus.DONE) ? rows : undefined;
        });
        expect(jobs.map((j) => j.attempts)).toEqual([1, 2]);
        const check = second.server.app.orm.em.fork();
        const replies = await check.find(ChatMessage, {
          conversation: conversation.id,
          role: ChatRole.ASSISTANT,
        });
        expect(replies).toHaveLength(1);
        const statuses = await eventually(async () => {
          const rows = await check.find(MentalStatus, { family: f.family.id });
          // the RUNNING mood job, and the mood job the resumed reply queued
          return rows.length === 2 ? rows : undefined;
        });
        expect(statuses.map((s) => s.emotion).sort()).toEqual(['ANXIETY', 'SADNESS']);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });

  it('takes over a RUNNING job whose worker stopped heart-beating, while the server keeps running', async () => {
    const t = await startTestServer(env);
    try {
      const em = () => t.server.app.orm.em.fork();
      const f = await createFamily(t);
      const e = em();
      const conversation = e.create(Conversation, { family: e.getReference(Family, f.family.id) });
      const message = e.create(ChatMessage, {
        conversation,
        role: ChatRole.USER,
        content: 'I feel so happy today',
      });
      await e.flush();
      const orphan = e.create(AiJob, {
        family: e.getReference(Family, f.family.id),
        kind: AiJobKind.MOOD,
        status: AiJobStatus.RUNNING,
        attempts: 1,
        payload: { messageId: message.id },
        updatedAt: new Date(Date.now() - 5 * 60_000),
      });
      await e.flush();
      expect(await t.server.app.aiWorker.recoverAbandoned()).toBe(1);
      const done = await eventually(async () => {
        const row = await em().findOneOrFail(AiJob, { id: orphan.id });
        return row.status === AiJobStatus.DONE ? row : undefined;
      });
      expect(done.attempts).toBe(2);
      expect(await t.server.app.aiWorker.recoverAbandoned()).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('runs each job once when two API processes share the database', async () => {
    const a = await startTestServer(env);
    try {
      const b = await startTestServer(env, { shareDatabaseWith: a });
      try {
        const f = await createFamily(a);
        const sent = [];
        for (let i = 0; i < 8; i++) {
          const via = i % 2 === 0 ? a : b;
          const { sendChatMessage } = await via.request(
            SendChatMessageDocument,
            { input: { content: `message ${i}: 오늘 기분이 좋아요` } },
            f.main.headers,
          );
          sent.push(sendChatMessage);
        }
        await eventually(async () => {
          const jobs = await a.server.app.orm.em.fork().find(AiJob, { family: f.family.id });
          return jobs.length === 16 && jobs.every((j) => j.status === AiJobStatus.DONE)
            ? jobs
            : undefined;
        });
        const check = a.server.app.orm.em.fork();
        const replies = await check.find(ChatMessage, {
          conversation: { $in: sent.map((m) => Number(m.conversationId)) },
          role: ChatRole.ASSISTANT,
        });
        expect(replies).toHaveLength(8);
        expect(await check.count(MentalStatus, { family: f.family.id })).toBe(8);
        if (runner === 'BullMQ') {
          // the queue, not a database poll, ran them
          const queue = new Queue('ai-jobs', {
            connection: { url: redisUrl },
            prefix: `${a.config.redisKeyPrefix}:bull`,
          });
          try {
            expect(await queue.getJobCountByTypes('completed')).toBeGreaterThanOrEqual(16);
          } finally {
            await queue.close();
          }
        }
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
});
