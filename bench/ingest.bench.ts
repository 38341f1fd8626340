import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../src/auth/passwords.js';
import { hashToken, newToken } from '../src/auth/tokens.js';
import { type DatabaseConfig, loadConfig } from '../src/config.js';
import { createScratchMariaDb } from '../src/database/scratch-database.js';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { Device } from '../src/modules/device/device.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import { HomeStatus } from '../src/modules/report/report.entities.js';
import { BATCH_MAX } from '../src/modules/report/report.inputs.js';
import { CarebotSettings } from '../src/modules/settings/settings.entity.js';
import type { RateLimit, RateLimitName } from '../src/security/rate-limit.js';
import { createServer, type RunningServer } from '../src/server.js';
import { SMOKE, benchEnv, percentile, size } from './bench-env.js';
import { createPool } from 'mysql2/promise';

/**
 * Ingest of home readings by Carebots over HTTP, into a fresh database: (a) single
 * `reportHomeStatus` mutations from CONCURRENCY devices at once for DURATION_MS, (b) `reportBatch`
 * of 1,000 readings, BATCHES times. Each is compared, in the same run on the same database, with
 * the low-level driver MikroORM itself uses (mysql2 on MariaDB, better-sqlite3 on SQLite) doing
 * the same rows' INSERTs directly: one single-row INSERT per reading from CONCURRENCY workers,
 * and one multi-row INSERT per batch. Then checks that the table holds exactly what was sent.
 * SQLite always; also MariaDB when DATABASE_URL is a mariadb:// URL (a new database on that
 * server, dropped afterwards). Bounded, loopback only, stops by itself.
 */
const CONCURRENCY = size('BENCH_CONCURRENCY', 8, 2);
const DURATION_MS = size('BENCH_DURATION_MS', 5000, 300);
const BATCHES = size('BENCH_BATCHES', 10, 1);
const WARMUP_MS = SMOKE ? 100 : 1000;

/**
 * SPEC §7 allows a device 300 mutations a minute, which would cap each client at 5 reports a
 * second and measure the limiter, not ingest. This run only, the budget is raised (through
 * createServer's `rateLimits` option); the limiter still runs on every request, as in production.
 */
const BENCH_RATE_LIMITS: Partial<Record<RateLimitName, RateLimit>> = {
  mutation: { points: 100_000_000, durationSeconds: 60 },
};

const HOME_MUTATION =
  'mutation ReportHomeStatus($input: HomeStatusInput!) { reportHomeStatus(input: $input) { id } }';
const BATCH_MUTATION =
  'mutation ReportBatch($input: ReportBatchInput!) { reportBatch(input: $input) { stored duplicates notificationsRaised } }';

interface Target {
  /** Which database the figures are for. */
  label: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'carebot-bench-'));
  return {
    label: 'SQLite (temporary file)',
    // the user's DATABASE_URL is for the MariaDB run only
    env: { DATABASE_URL: '', SQLITE_PATH: join(dir, 'bench.sqlite') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A new, empty database beside the one in `baseUrl`. */
async function mariaDbTarget(baseUrl: string): Promise<Target> {
  const database = await createScratchMariaDb(baseUrl, 'carebot_bench_');
  return {
    label: `MariaDB ${new URL(baseUrl).host} (new database ${database.name}, dropped afterwards)`,
    env: { DATABASE_URL: database.url, MIGRATE_ON_START: 'true' },
    cleanup: () => database.drop(),
  };
}

/** `count` families with one Carebot each, written straight to the database; their device tokens. */
async function createDevices(server: RunningServer, count: number): Promise<string[]> {
  const em = server.app.orm.em.fork();
  const passwordHash = await hashPassword('bench password, never used');
  const tokens = Array.from({ length: count }, (_, i) => {
    const mainUser = em.create(User, {
      email: `bench-main-${i}@example.com`,
      passwordHash,
      name: `Bench elder ${i}`,
      role: UserRole.MAIN,
    });
    const family = em.create(Family, { familyName: `Bench family ${i}`, mainUser });
    em.create(CarebotSettings, { family });
    const token = newToken();
    em.create(Device, { family, name: `Bench Carebot ${i}`, tokenHash: hashToken(token) });
    return token;
  });
  await em.flush();
  return tokens;
}

/** A normal reading (no alert), measured just now, with its own reportId as devices send it. */
function reading(offsetMs = 0) {
  return {
    temperature: 20 + Math.round(Math.random() * 40) / 10,
    humidity: 40 + Math.round(Math.random() * 150) / 10,
    dustDensity: 10 + Math.round(Math.random() * 200) / 10,
    gasLevel: 50 + Math.round(Math.random() * 100),
    measuredAt: new Date(Date.now() - offsetMs).toISOString(),
    reportId: randomUUID(),
  };
}

/**
 * The clients' connections: kept alive, as a device's would be. The clients share this process
 * with the server, so they use `node:http` directly: `fetch` (undici over web streams) cost
 * about a fifth of this process's CPU in the single-report run, all of it charged to the API.
 */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** POSTs one GraphQL operation as a device and returns its status and parsed body. */
function request(
  url: string,
  token: string,
  body: string,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Device ${token}`,
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function post<T>(url: string, token: string, query: string, input: unknown): Promise<T> {
  const response = await request(url, token, JSON.stringify({ query, variables: { input } }));
  const body = response.json as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const error = body.errors?.[0];
  if (error !== undefined || body.data === undefined)
    throw new Error(
      `HTTP ${response.status}: ${error?.extensions?.code ?? 'NO_DATA'} ${error?.message ?? ''}`,
    );
  return body.data;
}

/** Each client is one Carebot sending single readings back to back until `durationMs` is over. */
async function singleReports(
  url: string,
  tokens: string[],
  durationMs: number,
): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    tokens.map(async (token) => {
      while (performance.now() < end) {
        const sent = performance.now();
        await post(url, token, HOME_MUTATION, reading());
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

/** One `reportBatch` of BATCH_MAX readings spread over the last hour, as an offline buffer holds. */
async function batch(url: string, token: string): Promise<number> {
  const home = Array.from({ length: BATCH_MAX }, (_, i) => reading(i * 3600));
  const { reportBatch } = await post<{ reportBatch: { stored: number; duplicates: number } }>(
    url,
    token,
    BATCH_MUTATION,
    { home },
  );
  if (reportBatch.stored !== BATCH_MAX || reportBatch.duplicates !== 0)
    throw new Error(`reportBatch stored ${reportBatch.stored} of ${BATCH_MAX}`);
  return reportBatch.stored;
}

const COLUMNS =
  'family_id, report_id, temperature, humidity, dust_density, gas_level, measured_at, created_at';

/** The raw driver's side: what the API is compared with, on the same table. */
interface RawInserter {
  /** One single-row INSERT (autocommit). */
  single(row: unknown[]): Promise<void>;
  /** One multi-row INSERT of all `rows`. */
  many(rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

/** A reading as a row of `home_status` for family `familyId`, in the driver's date type. */
function rawRow(familyId: number, offsetMs: number, dates: 'date' | 'ms'): unknown[] {
  const r = reading(offsetMs);
  const measured = new Date(r.measuredAt);
  const now = new Date();
  return [
    familyId,
    r.reportId,
    r.temperature,
    r.humidity,
    r.dustDensity,
    r.gasLevel,
    // what MikroORM writes: DATETIME(3) values on MariaDB, epoch milliseconds on SQLite
    dates === 'date' ? measured : measured.getTime(),
    dates === 'date' ? now : now.getTime(),
  ];
}

/** better-sqlite3, as much of it as the bench uses (the package ships no types). */
interface SqliteDatabase {
  pragma(source: string): unknown;
  prepare(sql: string): { run(...params: unknown[]): unknown };
  close(): void;
}

function rawInserter(database: DatabaseConfig): { inserter: RawInserter; dates: 'date' | 'ms' } {
  if (database.driver === 'sqlite') {
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (
      path: string,
    ) => SqliteDatabase;
    const db = new Database(database.path);
    // as MikroORM opens it: foreign keys on, the default journal and synchronous settings
    db.pragma('foreign_keys = on');
    const single = db.prepare(
      `INSERT INTO home_status (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const many = new Map<number, ReturnType<SqliteDatabase['prepare']>>();
    return {
      dates: 'ms',
      inserter: {
        single: async (row) => {
          single.run(...row);
        },
        many: async (rows) => {
          let statement = many.get(rows.length);
          if (statement === undefined) {
            statement = db.prepare(
              `INSERT INTO home_status (${COLUMNS}) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
            );
            many.set(rows.length, statement);
          }
          statement.run(...rows.flat());
        },
        close: async () => db.close(),
      },
    };
  }
  const url = new URL(database.url);
  const pool = createPool({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
    connectionLimit: CONCURRENCY,
    timezone: 'Z',
  });
  return {
    dates: 'date',
    inserter: {
      single: async (row) => {
        await pool.query(`INSERT INTO home_status (${COLUMNS}) VALUES (?)`, [row]);
      },
      many: async (rows) => {
        await pool.query(`INSERT INTO home_status (${COLUMNS}) VALUES ?`, [rows]);
      },
      close: () => pool.end(),
    },
  };
}

/** CONCURRENCY workers doing single-row INSERTs back to back until `durationMs` is over. */
async function rawSingles(
  raw: RawInserter,
  familyId: number,
  dates: 'date' | 'ms',
  durationMs: number,
): Promise<{ count: number; elapsedMs: number }> {
  let count = 0;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await raw.single(rawRow(familyId, 0, dates));
        count += 1;
      }
    }),
  );
  return { count, elapsedMs: performance.now() - started };
}

/** `times` multi-row INSERTs of BATCH_MAX rows, one after another; ms each. */
async function rawBatches(
  raw: RawInserter,
  familyId: number,
  dates: 'date' | 'ms',
  times: number,
): Promise<number[]> {
  const elapsed: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const rows = Array.from({ length: BATCH_MAX }, (_, j) => rawRow(familyId, j * 3600, dates));
    const started = performance.now();
    await raw.many(rows);
    elapsed.push(performance.now() - started);
  }
  return elapsed;
}

const perSecond = (count: number, ms: number) => count / (ms / 1000);

/**
 * This process's CPU time (user + system) since `since`, per operation: the server's and the
 * clients' work together (both run here), a figure that moves less than throughput when other
 * processes load the machine. The database server's CPU is not in it.
 */
function cpuMsEach(since: NodeJS.CpuUsage, count: number): string {
  const { user, system } = process.cpuUsage(since);
  return count === 0 ? '-' : ((user + system) / 1000 / count).toFixed(2);
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * `BENCH_PROFILE=<dir>`: a CPU profile of one timed phase (server and clients share this
 * process), written there as `ingest-<phase>-<database>.cpuprofile`. Off: null.
 */
async function startProfile(
  phase: 'single' | 'batch',
): Promise<((name: string) => Promise<void>) | null> {
  const dir = process.env['BENCH_PROFILE'];
  if (dir === undefined || dir === '') return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `ingest-${phase}-${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(
      `  CPU profile of the ${phase === 'single' ? 'single reports' : 'batches'}: ${file}`,
    );
  };
}

async function benchmark(target: Target): Promise<boolean> {
  const config = loadConfig(benchEnv(target.env));
  const server = await createServer(config, { rateLimits: BENCH_RATE_LIMITS });
  const { inserter: raw, dates } = rawInserter(config.database);
  try {
    // one more family for the raw driver's rows, so they never meet a device's reportIds
    const tokens = await createDevices(server, CONCURRENCY + 1);
    const rawToken = tokens.pop()!;
    const rawFamily = (
      await server.app.orm.em.fork().findOneOrFail(Device, { tokenHash: hashToken(rawToken) })
    ).family.id;
    console.log(`\n[${target.label}]`);

    // (a) single reports: the raw driver, then the API, the same time each
    const rawWarmup = await rawSingles(raw, rawFamily, dates, WARMUP_MS);
    let cpu = process.cpuUsage();
    const rawSingle = await rawSingles(raw, rawFamily, dates, DURATION_MS);
    const rawSinglePerSecond = perSecond(rawSingle.count, rawSingle.elapsedMs);
    console.log(
      `  raw single-row INSERT, ${CONCURRENCY} concurrent workers for ${DURATION_MS} ms: ` +
        `${rawSingle.count} rows, ${rawSinglePerSecond.toFixed(0)} rows/s, ` +
        `${cpuMsEach(cpu, rawSingle.count)} CPU ms per row`,
    );
    const warmup = await singleReports(server.url, tokens, WARMUP_MS);
    const stopProfile = await startProfile('single');
    cpu = process.cpuUsage();
    const { latencies, elapsedMs } = await singleReports(server.url, tokens, DURATION_MS);
    const singleCpu = cpuMsEach(cpu, latencies.length);
    await stopProfile?.(config.database.driver);
    latencies.sort((a, b) => a - b);
    const singlePerSecond = perSecond(latencies.length, elapsedMs);
    console.log(
      `  reportHomeStatus, ${CONCURRENCY} concurrent clients (one device each) for ${DURATION_MS} ms: ` +
        `${latencies.length} stored, ${singlePerSecond.toFixed(0)} reports/s, ` +
        `latency ms p50 ${percentile(latencies, 50)} p99 ${percentile(latencies, 99)} max ${percentile(latencies, 100)}, ` +
        `${singleCpu} CPU ms per report`,
    );

    // (b) batches, one after another from one device (after one warm-up batch each)
    cpu = process.cpuUsage();
    const rawTimes = (await rawBatches(raw, rawFamily, dates, BATCHES + 1)).slice(1);
    const rawBatchCpu = cpuMsEach(cpu, BATCHES + 1);
    const rawRowsPerSecond = perSecond(BATCHES * BATCH_MAX, sum(rawTimes));
    const rawSorted = [...rawTimes].sort((a, b) => a - b);
    console.log(
      `  raw multi-row INSERT of ${BATCH_MAX} rows × ${BATCHES}: ${rawRowsPerSecond.toFixed(0)} rows/s, ` +
        `ms per INSERT mean ${(sum(rawTimes) / BATCHES).toFixed(1)} p50 ${percentile(rawSorted, 50)} max ${percentile(rawSorted, 100)}, ` +
        `${rawBatchCpu} CPU ms per INSERT`,
    );
    let batchRows = await batch(server.url, tokens[0]!);
    const stopBatchProfile = await startProfile('batch');
    cpu = process.cpuUsage();
    const times: number[] = [];
    for (let i = 0; i < BATCHES; i += 1) {
      const started = performance.now();
      batchRows += await batch(server.url, tokens[0]!);
      times.push(performance.now() - started);
    }
    const batchCpu = cpuMsEach(cpu, BATCHES);
    await stopBatchProfile?.(config.database.driver);
    const total = sum(times);
    const batchRowsPerSecond = perSecond(BATCHES * BATCH_MAX, total);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `  reportBatch of ${BATCH_MAX} home readings × ${BATCHES}: ${BATCHES * BATCH_MAX} stored, ` +
        `${batchRowsPerSecond.toFixed(0)} readings/s, ` +
        `ms per batch mean ${(total / BATCHES).toFixed(1)} p50 ${percentile(sorted, 50)} max ${percentile(sorted, 100)}, ` +
        `${batchCpu} CPU ms per batch`,
    );
    console.log(
      `  ratios to the raw driver: single reports ${(singlePerSecond / rawSinglePerSecond).toFixed(2)}× ` +
        `(goal ≥ 0.3×), reportBatch ${(batchRowsPerSecond / rawRowsPerSecond).toFixed(2)}× (goal ≥ 0.5×)`,
    );

    // every accepted report must be a row: nothing lost, nothing doubled
    const sent = warmup.latencies.length + latencies.length + batchRows;
    const rawRows = rawWarmup.count + rawSingle.count + (BATCHES + 1) * BATCH_MAX;
    const e = server.app.orm.em.fork();
    const rows = await e.count(HomeStatus, { family: { $ne: rawFamily } });
    const rawStored = await e.count(HomeStatus, { family: rawFamily });
    const ok = rows === sent && rawStored === rawRows;
    console.log(
      `  rows in home_status: ${rows} from devices, sent ${sent} (single ${warmup.latencies.length} warm-up + ` +
        `${latencies.length}, batch ${BATCH_MAX} warm-up + ${BATCHES * BATCH_MAX}); ${rawStored} from the ` +
        `raw driver, inserted ${rawRows}: ` +
        (ok ? 'match' : 'MISMATCH'),
    );
    return ok;
  } finally {
    agent.destroy();
    await raw.close();
    await server.close();
  }
}

console.log(
  `bench:ingest: Carebot home readings over loopback HTTP into a fresh database; ` +
    `BENCH_CONCURRENCY=${CONCURRENCY} BENCH_DURATION_MS=${DURATION_MS} BENCH_BATCHES=${BATCHES}` +
    `${SMOKE ? ' (smoke size: the figures mean nothing)' : ''}.\n` +
    `The per-device mutation limit (SPEC §7: 300/min) is raised for this run only, so the figures ` +
    `measure storage, not the limiter.`,
);
const databaseUrl = process.env['DATABASE_URL'] ?? '';
// BENCH_SKIP_SQLITE=1: the MariaDB run alone (e.g. for a CPU profile of that run only)
const targets: (() => Promise<Target>)[] = /^(1|true|yes)$/.test(
  process.env['BENCH_SKIP_SQLITE'] ?? '',
)
  ? []
  : [async () => sqliteTarget()];
if (/^(mariadb|mysql):\/\//.test(databaseUrl))
  targets.push(() => mariaDbTarget(databaseUrl.replace(/^mysql:/, 'mariadb:')));

let ok = true;
for (const makeTarget of targets) {
  const target = await makeTarget();
  try {
    ok = (await benchmark(target)) && ok;
  } finally {
    await target.cleanup();
  }
}
if (!ok) {
  console.error('\nThe stored row count differs from what was sent.');
  process.exitCode = 1;
}
