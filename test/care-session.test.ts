import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSettled } from '../src/jobs/runner.js';
import { AiJob } from '../src/modules/ai/ai.entities.js';
import { AiJobKind } from '../src/modules/ai/ai.enums.js';
import {
  CareSessionDocument,
  ReportCareSessionDocument,
  StartCareSessionDocument,
  StopCareSessionDocument,
} from './__generated__/graphql.js';
import { csvOf, directScore, generateRows, uploadCsv } from './factories/assessments.js';
import { createFamily, type TestFamily } from './factories/families.js';
import {
  sseClient,
  sseSubscriptionsStarted,
  waitForSseSubscriptions,
} from './helpers/sse-client.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { playSessions } from '../src/modules/care-session/care-session.simulator.js';

let t: TestServer;
/** How far the server's clock runs ahead of the real one (tests move it for timeouts). */
let ahead = 0;
beforeAll(async () => {
  t = await startTestServer({}, { clock: () => new Date(Date.now() + ahead) });
});
afterAll(async () => {
  await t?.close();
});

const COMMANDS =
  'subscription($after: ID) { deviceCommand(after: $after) { id kind issuedAt session { id kind state parameters { durationMinutes note } } } }';
const UPDATES =
  'subscription($sessionId: ID!, $after: ID) { careSessionUpdated(sessionId: $sessionId, after: $after) { id from state progress reason actor at session { id state } } }';

interface Step {
  id: string;
  from: string | null;
  state: string;
  progress: number | null;
  reason: string | null;
  actor: string;
}
type StepResult = {
  data?: { careSessionUpdated?: Step };
  errors?: { extensions?: { code?: string } }[];
};
type CommandResult = {
  data?: { deviceCommand?: { id: string; kind: string; session: { id: string; kind: string } } };
};

/** Starts a graphql-ws subscription and resolves once the server has it live. */
async function wsLive<T>(authorization: string, query: string, variables: Record<string, unknown>) {
  const before = await t.subscriptionsStarted();
  const iterator = t.ws({ authorization }).iterate({ query, variables })[Symbol.asyncIterator]();
  const first = iterator.next();
  await t.waitForSubscriptions(before + 1);
  return { iterator: iterator as AsyncIterator<T>, first: first as Promise<IteratorResult<T>> };
}

/** Starts a graphql-sse subscription and resolves once the server has it live. */
async function sseLive<T>(
  authorization: string,
  query: string,
  variables: Record<string, unknown>,
) {
  const before = await sseSubscriptionsStarted(t);
  const events = sseClient(t, { authorization }).iterate({ query, variables });
  const iterator = events[Symbol.asyncIterator]();
  const first = iterator.next();
  await waitForSseSubscriptions(t, before + 1);
  return { iterator: iterator as AsyncIterator<T>, first: first as Promise<IteratorResult<T>> };
}

/** The next `count` results of a subscription, the first of them already requested. */
async function take<T>(
  sub: { iterator: AsyncIterator<T>; first: Promise<IteratorResult<T>> },
  count: number,
) {
  const results: T[] = [];
  let next = sub.first;
  for (let i = 0; i < count; i += 1) {
    const result = await next;
    if (result.done === true) break;
    results.push(result.value);
    if (i + 1 < count) next = sub.iterator.next();
  }
  return results;
}

/** Resolves with the next settled job of `kind` (the runner emits one per attempt). */
function settled(kind: AiJobKind): Promise<JobSettled> {
  return new Promise((resolve) => {
    const listener = (event: JobSettled) => {
      if (event.kind !== (kind as string)) return;
      t.server.app.aiWorker.off('settled', listener);
      resolve(event);
    };
    t.server.app.aiWorker.on('settled', listener);
  });
}

/**
 * Runs the due jobs (the clock was moved) until the session reaches `state`: every due job is
 * run here or by the runner's own poll, whose attempt the loop then waits for.
 */
async function untilState(f: TestFamily, sessionId: string, state: string) {
  for (;;) {
    const next = settled(AiJobKind.CARE_SESSION_WATCHDOG);
    while (await t.server.app.aiWorker.runOne()) {
      // next due job
    }
    const { careSession } = await t.request(CareSessionDocument, { id: sessionId }, f.main.headers);
    if (careSession.state === state) return careSession;
    await next;
  }
}

const report = (
  f: TestFamily,
  sessionId: string,
  event: string,
  extra: Record<string, unknown> = {},
) =>
  t.request(
    ReportCareSessionDocument,
    { input: { sessionId, event, ...extra } as never },
    f.device.headers,
  );

const start = (f: TestFamily, headers = f.caregivers[0]!.headers, kind = 'COGNITIVE_ASSESSMENT') =>
  t.request(
    StartCareSessionDocument,
    {
      familyId: String(f.family.id),
      kind: kind as never,
      parameters: { durationMinutes: 15, note: 'after lunch' },
    },
    headers,
  );

describe('care sessions', () => {
  it('runs a session from command to scored result, every state pushed live over graphql-ws and SSE', async () => {
    const f = await createFamily(t, { caregivers: 1, managers: 1 });
    const caregiver = f.caregivers[0]!.headers.authorization;
    const commands = await wsLive<CommandResult>(f.device.headers.authorization, COMMANDS, {});

    const { startCareSession: session } = await start(f);
    expect(session).toMatchObject({
      kind: 'COGNITIVE_ASSESSMENT',
      state: 'REQUESTED',
      progress: 0,
    });
    expect(session.parameters).toEqual({ durationMinutes: 15, note: 'after lunch' });
    const [command] = await take(commands, 1);
    expect(command?.data?.deviceCommand).toMatchObject({
      kind: 'START_SESSION',
      session: { id: session.id, kind: 'COGNITIVE_ASSESSMENT' },
    });

    const { careSession: requested } = await t.request(
      CareSessionDocument,
      { id: session.id },
      f.caregivers[0]!.headers,
    );
    const requestedStep = requested.transitions[0]!;
    expect(requestedStep).toMatchObject({ state: 'REQUESTED', actor: 'USER', from: null });
    // graphql-ws live from now; SSE resuming after the REQUESTED step (nothing may fall between)
    const overWs = await wsLive<StepResult>(caregiver, UPDATES, { sessionId: session.id });
    const overSse = await sseLive<StepResult>(f.managers[0]!.headers.authorization, UPDATES, {
      sessionId: session.id,
      after: requestedStep.id,
    });

    const rows = generateRows(40, 7);
    await report(f, session.id, 'ACCEPTED');
    await report(f, session.id, 'STARTED');
    await report(f, session.id, 'PROGRESS', { progress: 50 });
    const fileId = await uploadCsv(t, f, csvOf(rows));
    const scored = settled(AiJobKind.ASSESSMENT_SCORE);
    const uploaded = await report(f, session.id, 'RESULT_UPLOADED', { fileId });
    expect(uploaded.reportCareSession).toMatchObject({
      state: 'RESULT_UPLOADED',
      resultFileId: fileId,
    });
    const done = await report(f, session.id, 'COMPLETED');
    expect(done.reportCareSession).toMatchObject({ state: 'COMPLETED', progress: 100 });

    const expected = [
      { from: 'REQUESTED', state: 'ACCEPTED', actor: 'DEVICE' },
      { from: 'ACCEPTED', state: 'STARTED', actor: 'DEVICE' },
      { from: 'STARTED', state: 'STARTED', progress: 50 },
      { from: 'STARTED', state: 'RESULT_UPLOADED' },
      { from: 'RESULT_UPLOADED', state: 'COMPLETED', progress: 100 },
    ];
    for (const sub of [overWs, overSse]) {
      const steps = (await take(sub, expected.length)).map((r) => r.data?.careSessionUpdated);
      expect(steps).toHaveLength(expected.length);
      steps.forEach((step, i) => expect(step).toMatchObject(expected[i]!));
      await sub.iterator.return?.();
    }
    await commands.iterator.return?.();

    expect((await scored).outcome).toBe('done');
    const { careSession } = await t.request(
      CareSessionDocument,
      { id: session.id },
      f.caregivers[0]!.headers,
    );
    expect(careSession.transitions.map((s) => s.state)).toEqual([
      'REQUESTED',
      'ACCEPTED',
      'STARTED',
      'STARTED',
      'RESULT_UPLOADED',
      'COMPLETED',
    ]);
    for (const step of careSession.transitions) expect(Date.parse(step.at)).not.toBeNaN();
    expect(careSession.endedAt).not.toBeNull();
    expect(careSession.result).toMatchObject({
      status: 'DONE',
      rowCount: 40,
      inputFileId: fileId,
      model: { name: 'linear-v1' },
      error: null,
    });
    expect(careSession.result!.normalisedFileId).not.toBe(fileId);
    expect(careSession.result!.score).toBeCloseTo(directScore(rows), 6);
    expect(careSession.result!.startedAt).not.toBeNull();
    expect(careSession.result!.finishedAt).not.toBeNull();
  });

  it('records a rejected command with its reason and frees the Carebot', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const { startCareSession: session } = await start(f);
    const rejected = await report(f, session.id, 'REJECTED', { reason: 'The elder is asleep.' });
    expect(rejected.reportCareSession).toMatchObject({
      state: 'REJECTED',
      reason: 'The elder is asleep.',
    });
    expect(rejected.reportCareSession.endedAt).not.toBeNull();
    // a reason is required with REJECTED, and a final session takes no more reports
    const again = await start(f);
    const errors = await t.requestErrors(
      ReportCareSessionDocument,
      { input: { sessionId: again.startCareSession.id, event: 'REJECTED' } },
      f.device.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.reason': expect.any(String) as string },
    });
    const late = await t.requestErrors(
      ReportCareSessionDocument,
      { input: { sessionId: session.id, event: 'ACCEPTED' } },
      f.device.headers,
    );
    expect(late[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_TRANSITION',
      from: 'REJECTED',
      to: 'ACCEPTED',
    });
  });

  it('refuses COMPLETED before STARTED with a stable code, leaving the session as it was', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const { startCareSession: session } = await start(f);
    await report(f, session.id, 'ACCEPTED');
    const errors = await t.requestErrors(
      ReportCareSessionDocument,
      { input: { sessionId: session.id, event: 'COMPLETED' } },
      f.device.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_TRANSITION',
      from: 'ACCEPTED',
      to: 'COMPLETED',
    });
    const { careSession } = await t.request(
      CareSessionDocument,
      { id: session.id },
      f.caregivers[0]!.headers,
    );
    expect(careSession.state).toBe('ACCEPTED');
    expect(careSession.transitions).toHaveLength(2);
  });

  it('makes a session the Carebot never answers NO_RESPONSE after the accept timeout', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const { startCareSession: session } = await start(f);
    const updates = await wsLive<StepResult>(f.caregivers[0]!.headers.authorization, UPDATES, {
      sessionId: session.id,
    });
    // not yet: one second before the timeout the watchdog leaves it alone
    ahead += 29_000;
    while (await t.server.app.aiWorker.runOne()) {
      // other sessions' due jobs
    }
    ahead += 2_000;
    await untilState(f, session.id, 'NO_RESPONSE');
    const [step] = await take(updates, 1);
    expect(step?.data?.careSessionUpdated).toMatchObject({
      from: 'REQUESTED',
      state: 'NO_RESPONSE',
      actor: 'SYSTEM',
    });
    await updates.iterator.return?.();
    const { careSession } = await t.request(
      CareSessionDocument,
      { id: session.id },
      f.caregivers[0]!.headers,
    );
    expect(careSession).toMatchObject({
      state: 'NO_RESPONSE',
      reason: expect.stringContaining('30 s') as string,
    });
    // the device is free again
    expect((await start(f)).startCareSession.state).toBe('REQUESTED');
  });

  it('times out a running session the Carebot stopped reporting on', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const { startCareSession: session } = await start(f);
    await report(f, session.id, 'ACCEPTED');
    await report(f, session.id, 'STARTED');
    // past the accept deadline the watchdog sees a live session and waits for the progress one
    ahead += 31_000;
    while (await t.server.app.aiWorker.runOne()) {
      // due jobs
    }
    expect(
      (await t.request(CareSessionDocument, { id: session.id }, f.main.headers)).careSession.state,
    ).toBe('STARTED');
    ahead += 300_000;
    const careSession = await untilState(f, session.id, 'TIMED_OUT');
    expect(careSession.reason).toContain('300 s');
  });

  it('refuses a second session while one runs, also when two starts race', async () => {
    const f = await createFamily(t, { caregivers: 1, managers: 1 });
    const [a, b] = await Promise.allSettled([start(f), start(f, f.managers[0]!.headers)]);
    const won = [a, b].filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const errors = await t.requestErrors(
      StartCareSessionDocument,
      { familyId: String(f.family.id), kind: 'CHECK_IN_CALL' },
      f.main.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SESSION_ACTIVE' });
    const em = t.server.app.orm.em.fork();
    const sessions = await em
      .getConnection()
      .execute<{ n: number }[]>('select count(*) as n from care_session where family_id = ?', [
        f.family.id,
      ]);
    expect(Number(sessions[0]!.n)).toBe(1);
  });

  it('stops a session: at once before the Carebot accepted, on its report after', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const commands = await wsLive<CommandResult>(f.device.headers.authorization, COMMANDS, {});
    const first = (await start(f)).startCareSession;
    const stopped = await t.request(
      StopCareSessionDocument,
      { sessionId: first.id },
      f.caregivers[0]!.headers,
    );
    expect(stopped.stopCareSession.state).toBe('STOPPED');
    const second = (await start(f)).startCareSession;
    await report(f, second.id, 'ACCEPTED');
    const asked = await t.request(
      StopCareSessionDocument,
      { sessionId: second.id },
      f.main.headers,
    );
    expect(asked.stopCareSession.state).toBe('STOP_REQUESTED');
    expect((await report(f, second.id, 'STOPPED')).reportCareSession.state).toBe('STOPPED');
    const kinds = (await take(commands, 4)).map((c) => [
      c.data?.deviceCommand?.kind,
      c.data?.deviceCommand?.session.id,
    ]);
    expect(kinds).toEqual([
      ['START_SESSION', first.id],
      ['STOP_SESSION', first.id],
      ['START_SESSION', second.id],
      ['STOP_SESSION', second.id],
    ]);
    await commands.iterator.return?.();
    // a Carebot that reconnects resumes its commands after the last one it saw
    const [firstCommand] = await t.server.app.orm.em
      .fork()
      .getConnection()
      .execute<{ id: number }[]>(
        'select id from care_session_transition where session_id = ? and command is not null order by id',
        [Number(first.id)],
      );
    const resumed = await wsLive<CommandResult>(f.device.headers.authorization, COMMANDS, {
      after: String(firstCommand!.id),
    });
    expect((await take(resumed, 3)).map((c) => c.data?.deviceCommand?.kind)).toEqual([
      'STOP_SESSION',
      'START_SESSION',
      'STOP_SESSION',
    ]);
    await resumed.iterator.return?.();
  });

  it("shows another family's caregiver nothing: NOT_FOUND over HTTP, graphql-ws and SSE", async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const stranger = other.caregivers[0]!.headers;
    const { startCareSession: session } = await start(f);
    for (const errors of [
      await t.requestErrors(CareSessionDocument, { id: session.id }, stranger),
      await t.requestErrors(StopCareSessionDocument, { sessionId: session.id }, stranger),
      await t.requestErrors(
        StartCareSessionDocument,
        { familyId: String(f.family.id), kind: 'CHECK_IN_CALL' },
        stranger,
      ),
    ])
      expect(errors[0]?.extensions?.['code']).toBe('NOT_FOUND');
    // another family's Carebot cannot report on it either
    const foreign = await t.requestErrors(
      ReportCareSessionDocument,
      { input: { sessionId: session.id, event: 'ACCEPTED' } },
      other.device.headers,
    );
    expect(foreign[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const overWs = t
      .ws({ authorization: stranger.authorization })
      .iterate({ query: UPDATES, variables: { sessionId: session.id } });
    const wsFirst = (await overWs[Symbol.asyncIterator]()
      .next()
      .catch((error: unknown) => ({ value: error }))) as { value: unknown };
    expect(JSON.stringify(wsFirst.value)).toContain('NOT_FOUND');
    const sseEvents = sseClient(t, { authorization: stranger.authorization }).iterate({
      query: UPDATES,
      variables: { sessionId: session.id },
    });
    const sseFirst = (await sseEvents[Symbol.asyncIterator]().next()) as { value?: StepResult };
    expect(sseFirst.value?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // nothing of the session leaked as a job either: its watchdog is the only job of the family
    const jobs = await t.server.app.orm.em.fork().find(AiJob, { family: f.family.id });
    expect(jobs.map((job) => job.kind)).toEqual([AiJobKind.CARE_SESSION_WATCHDOG]);
  });

  it('is played to the end by the simulated Carebot (simulate:carebot --sessions)', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const lines: string[] = [];
    const before = await t.subscriptionsStarted();
    const player = playSessions({
      url: new URL(t.url),
      token: f.device.token,
      stepMs: 1,
      log: (line) => lines.push(line),
    });
    await t.waitForSubscriptions(before + 1);
    const { startCareSession: session } = await start(f);
    const updates = await wsLive<StepResult>(f.caregivers[0]!.headers.authorization, UPDATES, {
      sessionId: session.id,
      after: String(
        (await t.request(CareSessionDocument, { id: session.id }, f.main.headers)).careSession
          .transitions[0]!.id,
      ),
    });
    const states = (await take(updates, 7)).map((r) => r.data?.careSessionUpdated?.state);
    expect(states).toEqual([
      'ACCEPTED',
      'STARTED',
      'STARTED',
      'STARTED',
      'STARTED',
      'RESULT_UPLOADED',
      'COMPLETED',
    ]);
    await updates.iterator.return?.();
    await player.stop();
    expect(lines).toContain(`session ${session.id}: COMPLETED`);
  });
});
