import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type JobHandler,
  JobRunner,
  type JobRunnerOptions,
  type JobSettled,
  PermanentJobError,
} from '../src/jobs/runner.js';
import { AiJob } from '../src/modules/ai/ai.entities.js';
import { AiJobKind, AiJobStatus } from '../src/modules/ai/ai.enums.js';
import { AiProviderError } from '../src/modules/ai/ai.provider.js';
import { Family } from '../src/modules/family/family.entity.js';
import { createFamily } from './factories/families.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const MINUTE = 60_000;

/** Collects a runner's `settled` events; `until(n)` resolves once n attempts have settled. */
function record(runner: JobRunner) {
  const settled: JobSettled[] = [];
  const waiters = new Set<() => void>();
  runner.on('settled', (event) => {
    settled.push(event);
    for (const waiter of waiters) waiter();
  });
  return {
    settled,
    until: (count: number) =>
      new Promise<JobSettled[]>((resolve) => {
        const check = () => {
          if (settled.length < count) return;
          waiters.delete(check);
          resolve(settled);
        };
        waiters.add(check);
        check();
      }),
  };
}

/** A clock that moves only when the test says so (whole seconds: MariaDB keeps milliseconds). */
function manualClock() {
  let now = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    now: () => now,
    set: (at: Date) => (now = at),
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

describe('the durable job runner', () => {
  let t: TestServer;
  let familyId: number;
  const em = () => t.server.app.orm.em.fork();

  beforeAll(async () => {
    t = await startTestServer();
    // the server's own runner stays out of the way: each test runs its own
    await t.server.app.aiWorker.stop();
    familyId = (await createFamily(t)).family.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Stores jobs of `kind` (MOOD by default) due at `runAfter`; returns their ids. */
  async function store(
    count: number,
    runAfter: Date,
    fields: Partial<Pick<AiJob, 'status' | 'attempts' | 'updatedAt'>> = {},
  ): Promise<number[]> {
    const e = em();
    const jobs = Array.from({ length: count }, (_, n) =>
      e.create(AiJob, {
        family: e.getReference(Family, familyId),
        kind: AiJobKind.MOOD,
        payload: { n },
        runAfter,
        ...fields,
      }),
    );
    await e.flush();
    return jobs.map((job) => job.id);
  }

  /** A runner of MOOD jobs with `handler` on the test database (it only runs when woken). */
  function runnerWith(handler: JobHandler, options: Partial<JobRunnerOptions> = {}) {
    return new JobRunner({
      orm: t.server.app.orm,
      logger: t.server.app.logger,
      // no poll fires during a test: the runner runs when started or woken
      pollIntervalMs: 3600_000,
      retryDelayMs: MINUTE,
      maxAttempts: 4,
      ...options,
    }).register(AiJobKind.MOOD, handler);
  }

  it('retries a failing handler exactly maxAttempts times, each after twice the backoff, then FAILS it', async () => {
    const clock = manualClock();
    const [id] = await store(1, clock.now());
    let calls = 0;
    const runner = runnerWith(
      async () => {
        calls++;
        throw new Error('the model is overloaded');
      },
      { clock: clock.now },
    );
    const seen = record(runner);
    try {
      await runner.start();
      await seen.until(1);
      for (const [attempt, backoff] of [
        [2, MINUTE],
        [3, 2 * MINUTE],
        [4, 4 * MINUTE],
      ] as const) {
        const retry = seen.settled[attempt - 2]!;
        expect(retry).toMatchObject({ id, attempt: attempt - 1, outcome: 'retry' });
        expect(retry.runAfter!.getTime() - clock.now().getTime()).toBe(backoff);
        // not a millisecond early
        clock.set(new Date(retry.runAfter!.getTime() - 1));
        expect(await runner.runOne()).toBe(false);
        expect(calls).toBe(attempt - 1);
        clock.set(retry.runAfter!);
        runner.wake();
        await seen.until(attempt);
      }
      expect(seen.settled.at(-1)).toMatchObject({
        id,
        attempt: 4,
        outcome: 'failed',
        error: 'the model is overloaded',
      });
      clock.advance(24 * 60 * MINUTE);
      expect(await runner.runOne()).toBe(false);
      expect(calls).toBe(4);
      expect(await em().findOneOrFail(AiJob, { id: id! })).toMatchObject({
        status: AiJobStatus.FAILED,
        attempts: 4,
        error: 'the model is overloaded',
      });
    } finally {
      await runner.stop();
    }
  });

  it('finishes a job whose attempt failed once when the retry succeeds', async () => {
    const clock = manualClock();
    const [id] = await store(1, clock.now());
    let calls = 0;
    const runner = runnerWith(
      async ({ complete, em: e }) => {
        if (++calls === 1) throw new AiProviderError('The AI provider answered HTTP 429.', true);
        await e.transactional((tx) => complete(tx, 42));
      },
      { clock: clock.now },
    );
    const seen = record(runner);
    expect(await runner.runOne()).toBe(true);
    clock.advance(MINUTE);
    expect(await runner.runOne()).toBe(true);
    expect(seen.settled.map((s) => s.outcome)).toEqual(['retry', 'done']);
    expect(await em().findOneOrFail(AiJob, { id: id! })).toMatchObject({
      status: AiJobStatus.DONE,
      attempts: 2,
      resultId: 42,
      progress: 100,
      error: null,
    });
  });

  it.each([
    ['a PermanentJobError', new PermanentJobError('chat message 7 is gone')],
    ['an error that says retryable: false', new AiProviderError('HTTP 400', false)],
  ])('stops retrying at once on %s', async (_, error) => {
    const clock = manualClock();
    const [id] = await store(1, clock.now());
    let calls = 0;
    const runner = runnerWith(
      async () => {
        calls++;
        throw error;
      },
      { clock: clock.now },
    );
    const seen = record(runner);
    expect(await runner.runOne()).toBe(true);
    clock.advance(24 * 60 * MINUTE);
    expect(await runner.runOne()).toBe(false);
    expect(calls).toBe(1);
    expect(seen.settled).toEqual([
      { id, kind: AiJobKind.MOOD, attempt: 1, outcome: 'failed', error: error.message },
    ]);
    expect(await em().findOneOrFail(AiJob, { id: id! })).toMatchObject({
      status: AiJobStatus.FAILED,
      attempts: 1,
      error: error.message,
    });
  });

  it('puts back a RUNNING job whose heartbeat stopped, runs it again, and fails one on its last attempt', async () => {
    const clock = manualClock();
    const now = clock.now().getTime();
    const running = { status: AiJobStatus.RUNNING, attempts: 1 };
    const [stale] = await store(1, new Date(now - 5 * MINUTE), {
      ...running,
      updatedAt: new Date(now - MINUTE - 1),
    });
    const [fresh] = await store(1, new Date(now - 5 * MINUTE), {
      ...running,
      updatedAt: new Date(now - MINUTE + 1000),
    });
    const [exhausted] = await store(1, new Date(now - 5 * MINUTE), {
      status: AiJobStatus.RUNNING,
      attempts: 4,
      updatedAt: new Date(now - 10 * MINUTE),
    });
    const ran: number[] = [];
    const runner = runnerWith(async ({ job }) => void ran.push(job.id), {
      clock: clock.now,
      staleMs: MINUTE,
    });
    const seen = record(runner);
    expect(await runner.recoverAbandoned()).toBe(1);
    const rows = async () =>
      Object.fromEntries(
        (await em().find(AiJob, { id: { $in: [stale!, fresh!, exhausted!] } })).map((j) => [
          j.id,
          j.status,
        ]),
      );
    expect(await rows()).toEqual({
      [stale!]: AiJobStatus.PENDING,
      [fresh!]: AiJobStatus.RUNNING,
      [exhausted!]: AiJobStatus.FAILED,
    });
    expect(await runner.runOne()).toBe(true);
    expect(await runner.runOne()).toBe(false);
    expect(ran).toEqual([stale]);
    expect(seen.settled).toEqual([
      { id: stale, kind: AiJobKind.MOOD, attempt: 2, outcome: 'done' },
    ]);
    // once its heartbeat is over a minute old, the other one is taken over too
    clock.advance(1000);
    expect(await runner.recoverAbandoned()).toBe(0);
    clock.advance(1);
    expect(await runner.recoverAbandoned()).toBe(1);
    expect(await runner.runOne()).toBe(true);
    expect(ran).toEqual([stale, fresh]);
    expect(await runner.recoverAbandoned()).toBe(0);
  });

  it('waits on stop() for the attempt in progress, then takes no more jobs', async () => {
    const [first, second] = await store(2, new Date());
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const ran: number[] = [];
    const runner = runnerWith(async ({ job }) => {
      ran.push(job.id);
      entered();
      await released;
    });
    await runner.start();
    await started;
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    // the stop waits for the handler, which waits for us
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(ran).toEqual([first]);
    const rows = await em().find(
      AiJob,
      { id: { $in: [first!, second!] } },
      { orderBy: { id: 'asc' } },
    );
    expect(rows.map((row) => row.status)).toEqual([AiJobStatus.DONE, AiJobStatus.PENDING]);
    // a stopped runner claims nothing
    runner.wake();
    expect(await runner.runOne()).toBe(false);
    expect((await em().findOneOrFail(AiJob, { id: second! })).status).toBe(AiJobStatus.PENDING);
    await em().nativeUpdate(AiJob, { id: second! }, { status: AiJobStatus.DONE });
  });
});

const redisUrl = process.env['TEST_REDIS_URL'];
const MODES: [string, Record<string, string>][] = [
  ['database polling', {}],
  ...(redisUrl === undefined
    ? []
    : [['BullMQ', { REDIS_URL: redisUrl }] as [string, Record<string, string>]]),
];

describe.each(MODES)('two job runners on one database, %s', (mode, env) => {
  it('run each job exactly once', async () => {
    const a = await startTestServer(env);
    try {
      const b = await startTestServer(env, { shareDatabaseWith: a });
      try {
        await Promise.all([a.server.app.aiWorker.stop(), b.server.app.aiWorker.stop()]);
        const { family } = await createFamily(a);
        const e = a.server.app.orm.em.fork();
        const jobs = Array.from({ length: 20 }, (_, n) =>
          e.create(AiJob, {
            family: e.getReference(Family, family.id),
            kind: AiJobKind.MOOD,
            payload: { n },
          }),
        );
        await e.flush();
        const runs = new Map<number, number>();
        const handler: JobHandler = async ({ job }) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          // let the other runner's claim of the same row interleave with this attempt
          await new Promise((resolve) => setImmediate(resolve));
        };
        const queueName = 'test-jobs';
        const runners = [a, b].map((node) =>
          new JobRunner({
            orm: node.server.app.orm,
            logger: node.server.app.logger,
            pollIntervalMs: 20,
            ...(node.config.redisUrl === undefined
              ? {}
              : {
                  queue: {
                    redisUrl: node.config.redisUrl,
                    prefix: `${node.config.redisKeyPrefix}:bull`,
                    name: queueName,
                    concurrency: 4,
                  },
                }),
          }).register(AiJobKind.MOOD, handler),
        );
        const seen = runners.map(record);
        try {
          await Promise.all(runners.map((runner) => runner.start()));
          const done = () => seen.flatMap((s) => s.settled).filter((s) => s.outcome === 'done');
          await new Promise<void>((resolve) => {
            const check = () => done().length >= jobs.length && resolve();
            for (const runner of runners) runner.on('settled', check);
            check();
          });
        } finally {
          await Promise.all(runners.map((runner) => runner.stop()));
        }
        expect([...runs.keys()].sort((x, y) => x - y)).toEqual(jobs.map((job) => job.id));
        expect([...runs.values()].every((count) => count === 1)).toBe(true);
        expect(seen.flatMap((s) => s.settled).every((s) => s.outcome === 'done')).toBe(true);
        const rows = await a.server.app.orm.em
          .fork()
          .find(AiJob, { id: { $in: jobs.map((job) => job.id) } });
        expect(rows.every((row) => row.status === AiJobStatus.DONE && row.attempts === 1)).toBe(
          true,
        );
        if (mode === 'BullMQ') {
          // the queue, not a database poll, handed them out
          const queue = new Queue(queueName, {
            connection: { url: redisUrl },
            prefix: `${a.config.redisKeyPrefix}:bull`,
          });
          try {
            expect(await queue.getJobCountByTypes('completed')).toBeGreaterThanOrEqual(20);
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
