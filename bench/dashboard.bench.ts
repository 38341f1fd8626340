import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { createScratchMariaDb } from '../src/database/scratch-database.js';
import { createServer } from '../src/server.js';
import { SMOKE, benchEnv, size } from './bench-env.js';
import { DASHBOARD_QUERY } from './dashboard-baseline.js';
import { seedDashboard } from './dashboard-seed.js';

/**
 * The dashboard query (SPEC §5: families with main user, members, latest readings, unread count
 * and a page of notifications; the unread message count) through the whole API, against a
 * hand-written `node:http` server (`dashboard-baseline.ts`) that runs the same session check and
 * returns byte-identical JSON, checked before timing. Two viewers: a caregiver of one family and
 * a care worker following FAMILIES. Each runs in its own process; autocannon loads them
 * alternately, ROUNDS times each, at the same concurrency. On MariaDB when DATABASE_URL is a
 * mariadb:// URL (a new database on that server, dropped afterwards), else on a temporary
 * SQLite file (the baseline then reads it through better-sqlite3). Bounded, loopback only.
 */
const FAMILIES = size('BENCH_FAMILIES', 20, 3);
const READINGS = size('BENCH_READINGS', 500, 5);
const NOTIFICATIONS = size('BENCH_NOTIFICATIONS', 60, 12);
const CONNECTIONS = size('BENCH_CONNECTIONS', 16, 2);
const DURATION_MS = size('BENCH_DURATION_MS', 5000, 300);
const ROUNDS = size('BENCH_ROUNDS', 3, 1);
const WARMUP_MS = SMOKE ? 200 : 1000;

// dist/, where this file runs from (dist/bench/)
const dist = join(fileURLToPath(import.meta.url), '..', '..');
const body = JSON.stringify({ query: DASHBOARD_QUERY });

interface Target {
  label: string;
  /** DATABASE_URL and SQLITE_PATH for the API. */
  env: Record<string, string>;
  /** What the baseline opens. */
  baseline: string;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'carebot-bench-'));
  const path = join(dir, 'bench.sqlite');
  return {
    label: `SQLite (temporary file; the baseline reads it through better-sqlite3)`,
    env: { DATABASE_URL: '', SQLITE_PATH: path },
    baseline: path,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A new, empty database beside the one in `baseUrl`. */
async function mariaDbTarget(baseUrl: string): Promise<Target> {
  const database = await createScratchMariaDb(baseUrl, 'carebot_bench_');
  const host = new URL(baseUrl).host;
  return {
    label: `MariaDB ${host} (new database ${database.name}, dropped afterwards; baseline on the mariadb driver)`,
    env: { DATABASE_URL: database.url },
    baseline: database.url,
    cleanup: () => database.drop(),
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts a process and waits until `url` answers; its output is dropped unless it fails. */
async function startProcess(
  script: string,
  env: NodeJS.ProcessEnv,
  url: string,
): Promise<ChildProcess> {
  // BENCH_PROFILE=dir writes a CPU profile of the API server there (open it in Chrome DevTools)
  const profile = process.env['BENCH_PROFILE'];
  const flags =
    profile && script === 'src/main.js' ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...flags, join(dist, script)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited: ${stderr}`);
    try {
      await fetch(url, { method: 'POST', body: '{}' });
      return child;
    } catch {
      if (Date.now() > deadline) throw new Error(`${script} did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function answer(url: string, token: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}: status ${response.status}: ${text}`);
  return text;
}

/** How many statements the baseline has run (its `GET /statements`). */
async function baselineStatements(port: number): Promise<number> {
  return Number(await (await fetch(`http://127.0.0.1:${port}/statements`)).text());
}

interface Figures {
  requests: number;
  seconds: number;
  p50: number[];
  p99: number[];
  /** CPU time the server process spent (ms), or null where /proc cannot tell. */
  cpuMs: number | null;
}

/**
 * CPU time (user + system, ms) a process has used so far, from Linux's /proc (clock ticks of
 * 10 ms); null elsewhere. CPU per request compares the servers' own work apart from waits on the
 * database; on a loaded machine it moves too (fewer requests carry the same timers and GC).
 */
function cpuMs(child: ChildProcess): number | null {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    // fields after "(command) ": state is field 3, utime and stime fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function load(url: string, token: string, durationMs: number): Promise<Figures> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
    connections: CONNECTIONS,
    duration: durationMs / 1000,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50: [result.latency.p50],
    p99: [result.latency.p99],
    cpuMs: null,
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function line(label: string, f: Figures): string {
  const rps = f.requests / f.seconds;
  return (
    `  ${label.padEnd(24)} req/s ${rps.toFixed(0).padStart(6)}  ` +
    `latency ms p50 ${mean(f.p50).toFixed(1).padStart(6)}  p99 ${mean(f.p99).toFixed(1).padStart(6)}` +
    (f.cpuMs === null ? '' : `  CPU ms/request ${(f.cpuMs / f.requests).toFixed(2).padStart(6)}`)
  );
}

const databaseUrl = process.env['DATABASE_URL'] ?? '';
const target = /^(mariadb|mysql):\/\//.test(databaseUrl)
  ? await mariaDbTarget(databaseUrl.replace(/^mysql:/, 'mariadb:'))
  : sqliteTarget();
console.log(
  `bench:dashboard on ${target.label}: ${FAMILIES} families × ${READINGS} readings of each kind, ` +
    `${NOTIFICATIONS} notifications each; ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_MS} ms ` +
    `per server and viewer, alternating${SMOKE ? ' (smoke size: the figures mean nothing)' : ''}`,
);
const children: ChildProcess[] = [];
try {
  // migrate, seed, and count each query's statements on an in-process server
  const statements: string[] = [];
  let counting = false;
  const setup = await createServer(
    loadConfig(benchEnv({ ...target.env, MIGRATE_ON_START: 'true' })),
    {
      onQuery: (sql, context) => {
        if (counting && context.requestId !== undefined) statements.push(sql);
      },
    },
  );
  let seed: Awaited<ReturnType<typeof seedDashboard>>;
  const apiStatements = new Map<string, number>();
  try {
    seed = await seedDashboard(setup.app.orm.em.fork(), {
      families: FAMILIES,
      readings: READINGS,
      notifications: NOTIFICATIONS,
    });
    for (const [viewer, token] of [
      ['caregiver', seed.caregiver.token],
      ['careWorker', seed.careWorker.token],
    ] as const) {
      statements.length = 0;
      counting = true;
      await answer(setup.url, token);
      counting = false;
      apiStatements.set(viewer, statements.length);
    }
  } finally {
    await setup.close();
  }

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
  const apiChild = await startProcess(
    'src/main.js',
    benchEnv({ ...target.env, MIGRATE_ON_START: 'false', PORT: String(apiPort) }),
    apiUrl,
  );
  children.push(apiChild);
  const basePort = await freePort();
  const baseUrl = `http://127.0.0.1:${basePort}/graphql`;
  const baseChild = await startProcess(
    'bench/dashboard-baseline.js',
    { ...process.env, BASELINE_DATABASE: target.baseline, PORT: String(basePort) },
    baseUrl,
  );
  children.push(baseChild);

  const pairs = [
    { label: 'caregiver of 1 family', token: seed.caregiver.token, key: 'caregiver' },
    { label: `care worker, ${FAMILIES} families`, token: seed.careWorker.token, key: 'careWorker' },
  ];
  const baselineCounts = new Map<string, number>();
  // the same bytes, or the comparison means nothing
  for (const pair of pairs) {
    const [api, baseline] = [await answer(apiUrl, pair.token), await answer(baseUrl, pair.token)];
    if (api !== baseline) {
      let at = 0;
      while (api[at] === baseline[at]) at += 1;
      throw new Error(
        `${pair.label}: the baseline's JSON differs at byte ${at}:\n` +
          `  API      …${api.slice(Math.max(0, at - 80), at + 80)}\n` +
          `  baseline …${baseline.slice(Math.max(0, at - 80), at + 80)}`,
      );
    }
    const before = await baselineStatements(basePort);
    await answer(baseUrl, pair.token);
    baselineCounts.set(pair.key, (await baselineStatements(basePort)) - before);
    console.log(`  ${pair.label}: identical JSON, ${Buffer.byteLength(api)} bytes`);
  }
  for (const pair of pairs) {
    await load(apiUrl, pair.token, WARMUP_MS);
    await load(baseUrl, pair.token, WARMUP_MS);
    const api: Figures = { requests: 0, seconds: 0, p50: [], p99: [], cpuMs: 0 };
    const baseline: Figures = { requests: 0, seconds: 0, p50: [], p99: [], cpuMs: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      // alternate which goes first, so neither always meets a warmer (or busier) machine
      const order = round % 2 === 0 ? ([api, baseline] as const) : ([baseline, api] as const);
      for (const figures of order) {
        const child = figures === api ? apiChild : baseChild;
        const cpuBefore = cpuMs(child);
        const f = await load(figures === api ? apiUrl : baseUrl, pair.token, DURATION_MS);
        const cpuAfter = cpuMs(child);
        figures.cpuMs =
          figures.cpuMs === null || cpuBefore === null || cpuAfter === null
            ? null
            : figures.cpuMs + cpuAfter - cpuBefore;
        figures.requests += f.requests;
        figures.seconds += f.seconds;
        figures.p50.push(...f.p50);
        figures.p99.push(...f.p99);
      }
    }
    const ratio = api.requests / api.seconds / (baseline.requests / baseline.seconds);
    console.log(`${pair.label}:`);
    console.log(
      `${line('Carebot API', api)}  SQL statements ${apiStatements.get(pair.key) ?? '?'}`,
    );
    console.log(
      `${line('hand-written baseline', baseline)}  SQL statements ${baselineCounts.get(pair.key)}`,
    );
    console.log(`  ratio API / baseline: ${ratio.toFixed(2)}× requests/s`);
    if (api.cpuMs !== null && baseline.cpuMs !== null && api.cpuMs > 0)
      console.log(
        `  CPU per request, baseline / API: ${(
          baseline.cpuMs /
          baseline.requests /
          (api.cpuMs / api.requests)
        ).toFixed(2)}× (CPU alone, without waits on the database)`,
      );
  }
} finally {
  for (const child of children) await stopProcess(child);
  await target.cleanup();
}
