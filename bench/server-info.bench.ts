import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createServer } from '../src/server.js';
import { PACKAGE_VERSION } from '../src/util/project-root.js';
import { SMOKE, benchEnv, percentile, size } from './bench-env.js';

/**
 * Baseline of the HTTP stack: `serverInfo` (no database work) through Apollo, TypeGraphQL and
 * the plugins every request passes, against a hand-written `node:http` handler that reads the
 * same request and answers the same JSON shape (the ratio is what the stack costs). Bounded:
 * CONCURRENCY clients, DURATION_MS per run, loopback only.
 */
const CONCURRENCY = size('BENCH_CONCURRENCY', 16, 2);
const DURATION_MS = size('BENCH_DURATION_MS', 5000, 300);
const WARMUP_MS = SMOKE ? 100 : 1000;

const body = JSON.stringify({
  query: 'query ServerInfo { serverInfo { version databaseDriver uptimeSeconds } }',
});

/** The hand-written baseline: parse the body, answer `serverInfo` as the API would. */
async function startBaseline(): Promise<{ url: string; close(): Promise<void> }> {
  const started = Date.now();
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { query } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query?: string };
      if (req.method !== 'POST' || typeof query !== 'string') {
        res.writeHead(400).end();
        return;
      }
      const data = {
        serverInfo: {
          version: PACKAGE_VERSION,
          databaseDriver: 'SQLITE',
          uptimeSeconds: Math.floor((Date.now() - started) / 1000),
        },
      };
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function run(url: string, durationMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const text = await response.text();
        if (response.status !== 200 || !text.includes('"serverInfo"'))
          throw new Error(`status ${response.status}: ${text.slice(0, 200)}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

/** Warms up, measures, prints one line; returns requests per second. */
async function measure(label: string, url: string): Promise<number> {
  await run(url, WARMUP_MS);
  const latencies = (await run(url, DURATION_MS)).sort((a, b) => a - b);
  const rps = latencies.length / (DURATION_MS / 1000);
  console.log(
    `${label.padEnd(28)} requests ${String(latencies.length).padStart(7)}  req/s ${rps.toFixed(0).padStart(6)}  ` +
      `latency ms p50 ${percentile(latencies, 50)} p90 ${percentile(latencies, 90)} ` +
      `p99 ${percentile(latencies, 99)} max ${percentile(latencies, 100)}`,
  );
  return rps;
}

console.log(
  `bench:server-info: serverInfo over loopback HTTP, ${CONCURRENCY} concurrent clients, ` +
    `${DURATION_MS} ms per run${SMOKE ? ' (smoke size: the figures mean nothing)' : ''}`,
);
const dir = mkdtempSync(join(tmpdir(), 'carebot-bench-'));
try {
  const baseline = await startBaseline();
  let baselineRps: number;
  try {
    baselineRps = await measure('hand-written node:http', baseline.url);
  } finally {
    await baseline.close();
  }
  const server = await createServer(
    loadConfig(benchEnv({ DATABASE_URL: '', SQLITE_PATH: join(dir, 'bench.sqlite') })),
  );
  try {
    const stackRps = await measure('Carebot API (Apollo stack)', server.url);
    console.log(`ratio API / hand-written: ${(stackRps / baselineRps).toFixed(2)}×`);
  } finally {
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
