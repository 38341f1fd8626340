import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createServer } from '../src/server.js';

/**
 * Baseline of the HTTP stack: `serverInfo` (no database work) through Apollo, TypeGraphQL and
 * the plugins every request passes. Bounded: CONCURRENCY clients, DURATION_MS, loopback only.
 */
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 5000);
const WARMUP_MS = 1000;

const dir = mkdtempSync(join(tmpdir(), 'carebot-bench-'));
const server = await createServer(
  loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SQLITE_PATH: join(dir, 'bench.sqlite'),
    CORS_ORIGINS: 'http://localhost',
  }),
);
const body = JSON.stringify({
  query: 'query ServerInfo { serverInfo { version databaseDriver uptimeSeconds } }',
});

async function run(durationMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

try {
  await run(WARMUP_MS);
  const latencies = (await run(DURATION_MS)).sort((a, b) => a - b);
  const pct = (p: number) =>
    (
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0
    ).toFixed(2);
  console.log(`serverInfo over HTTP, ${CONCURRENCY} concurrent clients, ${DURATION_MS} ms`);
  console.log(
    `requests: ${latencies.length}  req/s: ${(latencies.length / (DURATION_MS / 1000)).toFixed(0)}`,
  );
  console.log(`latency ms  p50: ${pct(50)}  p90: ${pct(90)}  p99: ${pct(99)}  max: ${pct(100)}`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
