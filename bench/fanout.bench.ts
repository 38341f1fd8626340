import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { SMOKE, benchEnv, percentile, size } from './bench-env.js';

/**
 * Fan-out of one family's CRIT alerts to SOCKETS sockets, each its own authenticated caregiver
 * subscribed to `notificationAdded`, against a bare `ws` server broadcasting the same frames to
 * the same number of sockets, in the same run. The API server, the bare server and the clients
 * each run in their own processes (clients split over CLIENT_PROCESSES), so the servers' memory
 * and the clients' work do not mix. Prints, for both: how many sockets connected and subscribed
 * in one connect burst, the delay from the trigger (the report mutation; the bare server's
 * broadcast request) to each socket's receipt (p50/p99/max), idle memory per socket, and the
 * ratios. Events go one at a time: the next is sent once every socket has the previous one.
 * Loopback only, bounded by count and a timeout. Embedded SQLite unless DATABASE_URL is set.
 */
const SOCKETS = size('BENCH_SOCKETS', 10_000, 20);
const EVENTS = size('BENCH_EVENTS', 20, 3);
const CLIENT_PROCESSES = Math.max(1, size('BENCH_CLIENT_PROCESSES', 4, 1));
const TIMEOUT_MS = size('BENCH_TIMEOUT_MS', 900_000, 60_000);
/** How long a run waits for every socket to connect, or for every socket to get one event. */
const STEP_TIMEOUT_MS = size('BENCH_STEP_TIMEOUT_MS', 180_000, 20_000);

const QUERY = 'subscription { notificationAdded { id grade kind message createdAt } }';
const PROTOCOL = 'graphql-transport-ws';

/** Messages between the driver and its child processes (one shape per request and answer). */
type Message =
  | { type: 'ready'; url: string; trigger: string; tokens?: string[]; deviceToken?: string }
  /** `snapshot`: also write a heap snapshot by this name (with BENCH_HEAPSNAPSHOT=dir) */
  | { type: 'measure'; snapshot?: string }
  | { type: 'memory'; heap: number; rss: number; subscribed: number }
  | { type: 'connect'; url: string; tokens: string[] }
  | { type: 'connected'; subscribed: number; failed: number; reasons: Record<string, number> }
  | { type: 'received'; event: number }
  | { type: 'collect' }
  | { type: 'delays'; receipts: number[][] }
  | { type: 'error'; message: string };

/** Wall-clock milliseconds comparable across processes of this machine, with sub-ms precision. */
const now = () => performance.timeOrigin + performance.now();

function send(message: Message): void {
  process.send?.(message);
}

function onMessage(handler: (message: Message) => void | Promise<void>): void {
  process.on('message', (message: Message) => {
    Promise.resolve(handler(message)).catch((error: unknown) => {
      send({ type: 'error', message: String((error as Error).stack ?? error) });
      process.exit(1);
    });
  });
}

/** Heap (used + external buffers) and RSS after a full collection. */
function memory(): { heap: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i += 1) gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external, rss: usage.rss };
}

// ---------------------------------------------------------------- the API server (child)

async function apiServer(): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { createServer } = await import('../src/server.js');
  const { openSession } = await import('../src/auth/sessions.js');
  const { hashToken, newToken } = await import('../src/auth/tokens.js');
  const { User, UserRole } = await import('../src/modules/account/user.entity.js');
  const { Device } = await import('../src/modules/device/device.entity.js');
  const { Family } = await import('../src/modules/family/family.entity.js');
  const { FamilyRole, Membership, MembershipStatus } =
    await import('../src/modules/family/membership.entity.js');
  const { CarebotSettings } = await import('../src/modules/settings/settings.entity.js');

  const dir = mkdtempSync(join(tmpdir(), 'carebot-fanout-'));
  const config = loadConfig(
    benchEnv({ SQLITE_PATH: join(dir, 'fanout.sqlite'), MIGRATE_ON_START: 'true' }),
  );
  const server = await createServer(config);
  const stop = async () => {
    await server.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['disconnect', 'SIGTERM'] as const)
    process.once(signal, () => void stop().then(() => process.exit(0)));

  const stamp = Date.now();
  const em = server.app.orm.em.fork();
  const main = em.create(User, {
    email: `fanout-main-${stamp}@bench.local`,
    passwordHash: 'x',
    name: 'Main',
    role: UserRole.MAIN,
  });
  const family = em.create(Family, { familyName: 'Fan-out', mainUser: main });
  em.create(CarebotSettings, { family });
  const deviceToken = newToken();
  em.create(Device, { family, name: 'bench', tokenHash: hashToken(deviceToken) });
  // one caregiver (user, membership, session) per socket, plus one for the warm-up: every
  // delivery is authorised for its own viewer
  const tokens: string[] = [];
  for (let i = 0; i <= SOCKETS; i += 1) {
    const caregiver = em.create(User, {
      email: `fanout-care-${i}-${stamp}@bench.local`,
      passwordHash: 'x',
      name: `Care ${i}`,
      role: UserRole.MEMBER,
    });
    em.create(Membership, {
      family,
      user: caregiver,
      relation: 'care worker',
      role: FamilyRole.CAREGIVER,
      status: MembershipStatus.ACTIVE,
    });
    tokens.push(openSession(em, caregiver, { remember: true }).token);
    if (i % 1000 === 999) await em.flush();
  }
  await em.flush();
  em.clear();

  const subscribed = async () => (await server.app.metrics.wsSubscriptions.get()).values[0]?.value;
  onMessage(async (message) => {
    if (message.type !== 'measure') return;
    const snapshots = process.env['BENCH_HEAPSNAPSHOT'];
    if (snapshots && message.snapshot !== undefined) {
      const { writeHeapSnapshot } = await import('node:v8');
      writeHeapSnapshot(join(snapshots, `api-${message.snapshot}.heapsnapshot`));
    }
    send({ type: 'memory', ...memory(), subscribed: (await subscribed()) ?? 0 });
  });
  send({
    type: 'ready',
    url: server.wsUrl,
    trigger: server.url,
    tokens,
    deviceToken,
  });
}

// ---------------------------------------------------------------- the bare ws server (child)

/**
 * What the API server does at its simplest: accept graphql-transport-ws sockets (ack the init,
 * remember the subscription id) and, on a POST, send every socket the posted payload as a
 * `next` frame of its subscription.
 */
async function bareServer(): Promise<void> {
  const subscriptions = new Map<WebSocket, string>();
  const http = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const payload = Buffer.concat(chunks).toString();
      for (const [socket, id] of subscriptions)
        socket.send(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`);
      res.end('{}');
    });
  });
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  wss.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string };
      if (frame.type === 'connection_init') socket.send('{"type":"connection_ack"}');
      else if (frame.type === 'subscribe' && frame.id !== undefined)
        subscriptions.set(socket, frame.id);
    });
    socket.once('close', () => subscriptions.delete(socket));
  });
  await new Promise<void>((resolve) =>
    http.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
  );
  const { port } = http.address() as AddressInfo;
  process.once('disconnect', () => process.exit(0));
  onMessage((message) => {
    if (message.type === 'measure')
      send({ type: 'memory', ...memory(), subscribed: subscriptions.size });
  });
  send({
    type: 'ready',
    url: `ws://127.0.0.1:${port}/graphql`,
    trigger: `http://127.0.0.1:${port}/broadcast`,
  });
}

// ---------------------------------------------------------------- clients (children)

/**
 * Plain `ws` sockets speaking graphql-transport-ws, the same code against both servers: all
 * opened at once (the connect burst), each subscribing once acknowledged. Each `next` frame's
 * receipt time is recorded by event number; every event is reported once all sockets have it.
 */
function clients(): void {
  const sockets: WebSocket[] = [];
  const receipts: number[][] = [];
  const counts: number[] = [];
  let subscribed = 0;
  process.once('disconnect', () => process.exit(0));
  onMessage((message) => {
    if (message.type === 'collect') {
      send({ type: 'delays', receipts });
      for (const socket of sockets) socket.terminate();
      return;
    }
    if (message.type !== 'connect') return;
    let settled = 0;
    let failed = 0;
    const reasons: Record<string, number> = {};
    const total = message.tokens.length;
    const settle = (reason?: string) => {
      settled += 1;
      if (reason !== undefined) {
        failed += 1;
        reasons[reason] = (reasons[reason] ?? 0) + 1;
      }
      if (settled === total) send({ type: 'connected', subscribed, failed, reasons });
    };
    for (const token of message.tokens) {
      const socket = new WebSocket(message.url, PROTOCOL);
      sockets.push(socket);
      let ready = false;
      socket.on('open', () =>
        socket.send(
          JSON.stringify({
            type: 'connection_init',
            payload: { authorization: `Bearer ${token}` },
          }),
        ),
      );
      socket.on('message', (data: Buffer) => {
        const at = now();
        const frame = JSON.parse(data.toString()) as {
          type: string;
          payload?: { data?: { notificationAdded?: { message: string } } };
        };
        if (frame.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
          subscribed += 1;
          ready = true;
          settle();
        } else if (frame.type === 'next') {
          const event = Number(frame.payload?.data?.notificationAdded?.message.split(' ')[1]);
          (receipts[event] ??= []).push(at);
          counts[event] = (counts[event] ?? 0) + 1;
          if (counts[event] === subscribed) send({ type: 'received', event });
        } else if (frame.type === 'error') {
          console.error('subscription error', JSON.stringify(frame.payload));
        }
      });
      socket.on('error', (error: Error & { code?: string }) => {
        if (!ready) {
          ready = true;
          settle(error.code ?? error.message);
        }
      });
      socket.on('close', (code) => {
        if (!ready) {
          ready = true;
          settle(`closed ${code}`);
        }
      });
    }
  });
}

// ---------------------------------------------------------------- the driver

/** The soft limit of open files here (children inherit it), and the hard one. */
function fileLimits(): { soft: number; hard: number } {
  const read = (flag: string) => {
    const out = execFileSync('sh', ['-c', `ulimit ${flag} -n`])
      .toString()
      .trim();
    return out === 'unlimited' ? Infinity : Number(out);
  };
  return { soft: read('-S'), hard: read('-H') };
}

interface Child {
  process: ChildProcess;
  next(type: Message['type']): Promise<Message>;
  send(message: Message): void;
}

/** Starts this file in a role, under `ulimit -n files` when the current limit is lower. */
function start(role: string, files: number, extraEnv: NodeJS.ProcessEnv = {}): Child {
  const script = process.argv[1]!;
  const limits = fileLimits();
  const args = [`--role=${role}`, ...(SMOKE ? ['--smoke'] : [])];
  // BENCH_PROFILE=dir writes a CPU profile of the API server there (open it in Chrome DevTools)
  const profile = process.env['BENCH_PROFILE'];
  const execArgv = [
    '--expose-gc',
    ...(profile && role === 'api' ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
  ];
  const child =
    limits.soft >= files
      ? fork(script, args, { execArgv, env: { ...process.env, ...extraEnv } })
      : fork(script, args, {
          execPath: 'sh',
          execArgv: [
            '-c',
            `ulimit -n ${files} && exec "${process.execPath}" ${execArgv.join(' ')} "$@"`,
            'sh',
          ],
          env: { ...process.env, ...extraEnv },
        });
  const waiting = new Map<string, ((message: Message) => void)[]>();
  const inbox: Message[] = [];
  child.on('message', (message: Message) => {
    if (message.type === 'error') {
      console.error(`${role}: ${message.message}`);
      process.exit(1);
    }
    const resolve = waiting.get(message.type)?.shift();
    if (resolve === undefined) inbox.push(message);
    else resolve(message);
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.error(`${role} exited with ${code}`);
      process.exit(1);
    }
  });
  return {
    process: child,
    send: (message) => child.send(message),
    next: (type) => {
      const index = inbox.findIndex((message) => message.type === type);
      if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0]!);
      return new Promise((resolve) => {
        const list = waiting.get(type) ?? [];
        list.push(resolve);
        waiting.set(type, list);
      });
    },
  };
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what}: no answer in ${STEP_TIMEOUT_MS} ms`)),
        STEP_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

interface RunResult {
  /** from the first connect to the last subscription running on the server */
  connectSeconds: number;
  subscribed: number;
  failed: number;
  reasons: Record<string, number>;
  delays: number[];
  heapPerSocket: number;
  rssPerSocket: number;
}

/** Connects every client, measures idle memory, sends EVENTS one at a time, gathers delays. */
async function run(
  server: Child,
  ready: Extract<Message, { type: 'ready' }>,
  tokens: string[],
  trigger: (event: number) => Promise<void>,
  /** after every socket received the event, before the next one (not timed) */
  settle: (event: number) => Promise<void> = async () => {},
  /** names the heap snapshots of this run (BENCH_HEAPSNAPSHOT) */
  name?: string,
): Promise<RunResult> {
  const measure = async (snapshot?: string) => {
    server.send({ type: 'measure', ...(snapshot === undefined ? {} : { snapshot }) });
    return (await server.next('memory')) as Extract<Message, { type: 'memory' }>;
  };
  const baseline = await measure(name && `${name}-baseline`);
  const per = Math.ceil(tokens.length / CLIENT_PROCESSES);
  const groups = Array.from({ length: CLIENT_PROCESSES }, (_, i) =>
    tokens.slice(i * per, (i + 1) * per),
  ).filter((group) => group.length > 0);
  const children = groups.map(() => start('clients', per + 256));
  const burstStarted = now();
  groups.forEach((group, i) =>
    children[i]!.send({ type: 'connect', url: ready.url, tokens: group }),
  );
  const connected = (await within(
    Promise.all(children.map((child) => child.next('connected'))),
    'connect burst',
  )) as Extract<Message, { type: 'connected' }>[];
  const subscribed = connected.reduce((sum, c) => sum + c.subscribed, 0);
  const failed = connected.reduce((sum, c) => sum + c.failed, 0);
  const reasons: Record<string, number> = {};
  for (const c of connected)
    for (const [reason, count] of Object.entries(c.reasons))
      reasons[reason] = (reasons[reason] ?? 0) + count;
  // wait until the server runs every subscription the clients sent
  let idle: Extract<Message, { type: 'memory' }>;
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    idle = await measure();
    if (idle.subscribed >= baseline.subscribed + subscribed) break;
    if (Date.now() > deadline)
      throw new Error(`only ${idle.subscribed} of ${subscribed} subscriptions started`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const connectSeconds = (now() - burstStarted) / 1000;
  // BENCH_HEAPSNAPSHOT=dir: a snapshot of the idle server beside the baseline's (compare them);
  // after the burst's time is taken, which writing it would lengthen
  if (name !== undefined) await measure(`${name}-idle`);
  const triggeredAt: number[] = [];
  for (let event = 0; event < EVENTS; event += 1) {
    triggeredAt[event] = now();
    await trigger(event);
    await within(
      Promise.all(
        children.filter((_, i) => connected[i]!.subscribed > 0).map((c) => c.next('received')),
      ),
      `event ${event}`,
    );
    await settle(event);
  }
  for (const child of children) child.send({ type: 'collect' });
  const delays: number[] = [];
  for (const child of children) {
    const { receipts } = (await child.next('delays')) as Extract<Message, { type: 'delays' }>;
    receipts.forEach((times, event) => {
      for (const at of times) delays.push(at - triggeredAt[event]!);
    });
  }
  for (const child of children) child.process.kill();
  // the next run's baseline starts once these sockets are gone
  while ((await measure()).subscribed > baseline.subscribed)
    await new Promise((resolve) => setTimeout(resolve, 50));
  delays.sort((a, b) => a - b);
  const sockets = Math.max(1, idle.subscribed);
  return {
    connectSeconds,
    subscribed,
    failed,
    reasons,
    delays,
    heapPerSocket: (idle.heap - baseline.heap) / sockets,
    rssPerSocket: (idle.rss - baseline.rss) / sockets,
  };
}

async function driver(): Promise<void> {
  const files = SOCKETS + 1024;
  const limits = fileLimits();
  console.log(
    `open files: the servers need about ${files}; soft limit ${limits.soft}, hard ${limits.hard}` +
      (limits.soft < files ? ` (children run under ulimit -n ${files})` : ''),
  );
  if (limits.hard < files) throw new Error(`raise the hard open-files limit to ${files}`);
  const timer = setTimeout(() => {
    console.error(`timed out after ${TIMEOUT_MS} ms`);
    process.exit(1);
  }, TIMEOUT_MS);
  const children: Child[] = [];
  try {
    // the API first (its seeding is not part of any figure), then the bare server
    const api = start('api', files);
    children.push(api);
    const apiReady = (await api.next('ready')) as Extract<Message, { type: 'ready' }>;
    const [warmUpToken, ...tokens] = apiReady.tokens!;
    const alerts: string[] = [];
    const raise = async (message: string) => {
      const response = await fetch(apiReady.trigger, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Device ${apiReady.deviceToken!}`,
        },
        body: JSON.stringify({
          query:
            'mutation($m: String!) { raiseNotification(input: { grade: CRIT, kind: FIRE, message: $m }) { id } }',
          variables: { m: message },
        }),
      });
      const body = (await response.json()) as {
        data?: { raiseNotification: { id: string } };
        errors?: unknown[];
      };
      if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
      alerts.push(body.data!.raiseNotification.id);
    };
    // a member resolves each alert once everyone has it: a repeat of an open alert of the same
    // kind would fold into it (de-duplication) instead of reaching the sockets as a new alert
    const resolve = async () => {
      const response = await fetch(apiReady.trigger, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${warmUpToken!}` },
        body: JSON.stringify({
          query: 'mutation($id: ID!) { resolveNotification(id: $id, outcome: HANDLED) { id } }',
          variables: { id: alerts.at(-1) },
        }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
    };
    // one subscription and one event before measuring: first-use work is not per socket
    const warm = await run(
      api,
      apiReady,
      [warmUpToken!],
      (event) => raise(`event ${event}`),
      resolve,
    );
    if (warm.subscribed !== 1) throw new Error('the warm-up socket did not subscribe');
    const apiRun = await run(
      api,
      apiReady,
      tokens,
      (event) => raise(`event ${event}`),
      resolve,
      'run',
    );
    api.process.kill();

    const bare = start('bare', files);
    children.push(bare);
    const bareReady = (await bare.next('ready')) as Extract<Message, { type: 'ready' }>;
    // the same bytes the API sends, so both sides parse the same frames
    let id = 0;
    const broadcast = async (event: number) => {
      id += 1;
      const payload = JSON.stringify({
        data: {
          notificationAdded: {
            id: String(id),
            grade: 'CRIT',
            kind: 'FIRE',
            message: `event ${event}`,
            createdAt: new Date().toISOString(),
          },
        },
      });
      await (await fetch(bareReady.trigger, { method: 'POST', body: payload })).text();
    };
    await run(bare, bareReady, ['warm-up'], broadcast);
    const bareRun = await run(bare, bareReady, tokens, broadcast);

    const driverName = process.env['DATABASE_URL']?.startsWith('mariadb') ? 'mariadb' : 'sqlite';
    const redis = process.env['REDIS_URL'] ? ' + Redis pub/sub' : '';
    console.log(
      `notificationAdded fan-out on ${driverName}${redis}: ${SOCKETS} sockets (each its own caregiver) × ${EVENTS} CRIT alerts, clients in ${CLIENT_PROCESSES} processes` +
        (SMOKE ? ' (smoke size: the figures mean nothing)' : ''),
    );
    const kb = (bytes: number) => (bytes / 1024).toFixed(1);
    const row = (name: string, r: RunResult) => {
      const pct = (p: number) => percentile(r.delays, p, 1);
      const lost = r.subscribed * EVENTS - r.delays.length;
      console.log(
        `${name.padEnd(8)} subscribed ${r.subscribed}/${SOCKETS}` +
          (r.failed > 0 ? ` (failed: ${JSON.stringify(r.reasons)})` : '') +
          ` in ${r.connectSeconds.toFixed(1)} s` +
          `  delay ms p50 ${pct(50)} p99 ${pct(99)} max ${pct(100)}` +
          (lost !== 0 ? `  (${lost} deliveries missing)` : '') +
          `  idle KB/socket heap ${kb(r.heapPerSocket)} rss ${kb(r.rssPerSocket)}`,
      );
    };
    row('API', apiRun);
    row('bare ws', bareRun);
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
    const at = (r: RunResult, p: number) => Number(percentile(r.delays, p, 3));
    console.log(
      `ratio API / bare ws: p50 ${ratio(at(apiRun, 50), at(bareRun, 50))}  p99 ${ratio(at(apiRun, 99), at(bareRun, 99))}` +
        `  idle heap/socket ${ratio(apiRun.heapPerSocket, bareRun.heapPerSocket)}  idle rss/socket ${ratio(apiRun.rssPerSocket, bareRun.rssPerSocket)}`,
    );
    const complete =
      apiRun.subscribed === SOCKETS &&
      apiRun.delays.length === SOCKETS * EVENTS &&
      bareRun.subscribed === SOCKETS;
    if (!complete) {
      console.error('not every socket subscribed or received every event');
      process.exitCode = 1;
    }
  } finally {
    clearTimeout(timer);
    for (const child of children) child.process.kill();
  }
}

const role = process.argv.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);
if (role === 'api') await apiServer();
else if (role === 'bare') await bareServer();
else if (role === 'clients') clients();
else await driver();
