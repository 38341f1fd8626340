import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../src/auth/passwords.js';
import { hashToken, newToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { createOrm } from '../src/database/orm.js';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { Device } from '../src/modules/device/device.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import { HomeStatus } from '../src/modules/report/report.entities.js';
import { BATCH_MAX } from '../src/modules/report/report.inputs.js';
import { CarebotSettings } from '../src/modules/settings/settings.entity.js';
import type { RateLimit, RateLimitName } from '../src/security/rate-limit.js';
import { createServer, type RunningServer } from '../src/server.js';
import { SMOKE, benchEnv, percentile, size } from './bench-env.js';

/**
 * Ingest of home readings by Carebots over HTTP, into a fresh database: (a) single
 * `reportHomeStatus` mutations from CONCURRENCY devices at once for DURATION_MS, (b) `reportBatch`
 * of 1,000 readings, BATCHES times. Then checks that the table holds exactly what was sent.
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

/** A new, empty database beside the one in `baseUrl` (the user may create `carebot%` databases). */
async function mariaDbTarget(baseUrl: string): Promise<Target> {
  // the name is ours (random hex), never outside text
  const name = `carebot_bench_${randomBytes(6).toString('hex')}`;
  const admin = await createOrm({
    database: { driver: 'mariadb', url: baseUrl },
    dbPoolMax: 1,
    dbDebug: false,
  });
  await admin.em
    .getConnection()
    .execute(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    label: `MariaDB ${url.host} (new database ${name}, dropped afterwards)`,
    env: { DATABASE_URL: url.toString(), MIGRATE_ON_START: 'true' },
    cleanup: async () => {
      await admin.em.getConnection().execute(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.close();
    },
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

async function post<T>(url: string, token: string, query: string, input: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Device ${token}` },
    body: JSON.stringify({ query, variables: { input } }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as {
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

async function benchmark(target: Target): Promise<boolean> {
  const server = await createServer(loadConfig(benchEnv(target.env)), {
    rateLimits: BENCH_RATE_LIMITS,
  });
  try {
    const tokens = await createDevices(server, CONCURRENCY);
    console.log(`\n[${target.label}]`);

    // (a) single reports
    const warmup = await singleReports(server.url, tokens, WARMUP_MS);
    const { latencies, elapsedMs } = await singleReports(server.url, tokens, DURATION_MS);
    latencies.sort((a, b) => a - b);
    console.log(
      `  reportHomeStatus, ${CONCURRENCY} concurrent clients (one device each) for ${DURATION_MS} ms: ` +
        `${latencies.length} stored, ${(latencies.length / (elapsedMs / 1000)).toFixed(0)} reports/s, ` +
        `latency ms p50 ${percentile(latencies, 50)} p99 ${percentile(latencies, 99)} max ${percentile(latencies, 100)}`,
    );

    // (b) batches, one after another from one device (after one warm-up batch)
    let batchRows = await batch(server.url, tokens[0]!);
    const times: number[] = [];
    for (let i = 0; i < BATCHES; i += 1) {
      const started = performance.now();
      batchRows += await batch(server.url, tokens[0]!);
      times.push(performance.now() - started);
    }
    const total = times.reduce((a, b) => a + b, 0);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `  reportBatch of ${BATCH_MAX} home readings × ${BATCHES}: ${BATCHES * BATCH_MAX} stored, ` +
        `${((BATCHES * BATCH_MAX) / (total / 1000)).toFixed(0)} readings/s, ` +
        `ms per batch mean ${(total / BATCHES).toFixed(1)} p50 ${percentile(sorted, 50)} max ${percentile(sorted, 100)}`,
    );

    // every accepted report must be a row: nothing lost, nothing doubled
    const sent = warmup.latencies.length + latencies.length + batchRows;
    const rows = await server.app.orm.em.fork().count(HomeStatus, {});
    console.log(
      `  rows in home_status: ${rows}; sent ${sent} (single ${warmup.latencies.length} warm-up + ` +
        `${latencies.length}, batch ${BATCH_MAX} warm-up + ${BATCHES * BATCH_MAX}): ` +
        (rows === sent ? 'match' : 'MISMATCH'),
    );
    return rows === sent;
  } finally {
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
const targets: (() => Promise<Target>)[] = [async () => sqliteTarget()];
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
