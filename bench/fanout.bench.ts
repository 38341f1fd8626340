import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { openSession } from '../src/auth/sessions.js';
import { hashToken, newToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { Device } from '../src/modules/device/device.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import {
  FamilyRole,
  Membership,
  MembershipStatus,
} from '../src/modules/family/membership.entity.js';
import { CarebotSettings } from '../src/modules/settings/settings.entity.js';
import { createServer } from '../src/server.js';
import { SMOKE, benchEnv, percentile, size } from './bench-env.js';

/**
 * Fan-out of one family's alerts: SOCKETS graphql-ws clients subscribed to `notificationAdded`,
 * EVENTS notifications raised one after another by the family's device; prints the delay from
 * the mutation's start to each socket's receipt (p50/p99) and events delivered per second. Each
 * socket belongs to its own caregiver, so every delivery is authorised for a different viewer.
 * Loopback only, bounded by count and a timeout. Embedded SQLite unless DATABASE_URL is set.
 */
const SOCKETS = size('BENCH_SOCKETS', 2000, 20);
const EVENTS = size('BENCH_EVENTS', 20, 3);
const TIMEOUT_MS = size('BENCH_TIMEOUT_MS', 120_000, 60_000);

const dir = mkdtempSync(join(tmpdir(), 'carebot-fanout-'));
const config = loadConfig(
  benchEnv({ SQLITE_PATH: join(dir, 'fanout.sqlite'), MIGRATE_ON_START: 'true' }),
);
const server = await createServer(config);
const clients: Client[] = [];
const timer = setTimeout(() => {
  console.error(`timed out after ${TIMEOUT_MS} ms`);
  process.exit(1);
}, TIMEOUT_MS);

try {
  const em = server.app.orm.em.fork();
  const main = em.create(User, {
    email: `fanout-main-${Date.now()}@bench.local`,
    passwordHash: 'x',
    name: 'Main',
    role: UserRole.MAIN,
  });
  const family = em.create(Family, { familyName: 'Fan-out', mainUser: main });
  em.create(CarebotSettings, { family });
  const deviceToken = newToken();
  em.create(Device, { family, name: 'bench', tokenHash: hashToken(deviceToken) });
  // one caregiver (user, membership, session) per socket: every delivery is authorised for its own viewer
  const tokens: string[] = [];
  for (let i = 0; i < SOCKETS; i += 1) {
    const caregiver = em.create(User, {
      email: `fanout-care-${i}-${Date.now()}@bench.local`,
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
  }
  await em.flush();

  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  let delivered = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  for (let i = 0; i < SOCKETS; i += 1) {
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${tokens[i]!}` },
    });
    clients.push(client);
    client.subscribe<{ notificationAdded: { message: string } }>(
      { query: 'subscription { notificationAdded { id message } }' },
      {
        next: (result) => {
          const message = result.data?.notificationAdded.message ?? '';
          const started = sentAt.get(message);
          if (started !== undefined) delays.push(performance.now() - started);
          delivered += 1;
          if (delivered === SOCKETS * EVENTS) allDone();
        },
        error: (error) => console.error('subscription error', error),
        complete: () => undefined,
      },
    );
  }
  // wait until every subscription is live on the server
  for (;;) {
    const live = (await server.app.metrics.wsSubscriptions.get()).values[0]?.value ?? 0;
    if (live >= SOCKETS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));

  const started = performance.now();
  for (let i = 0; i < EVENTS; i += 1) {
    const message = `event ${i}`;
    sentAt.set(message, performance.now());
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Device ${deviceToken}` },
      body: JSON.stringify({
        query:
          'mutation($m: String!) { raiseNotification(input: { grade: CRIT, kind: FALL, message: $m }) { id } }',
        variables: { m: message },
      }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  delays.sort((a, b) => a - b);
  const pct = (p: number) => percentile(delays, p, 1);
  console.log(
    `notificationAdded fan-out on ${config.database.driver}: ${SOCKETS} sockets × ${EVENTS} events` +
      (SMOKE ? ' (smoke size: the figures mean nothing)' : ''),
  );
  console.log(
    `delivered: ${delivered} in ${seconds.toFixed(2)} s → ${(delivered / seconds).toFixed(0)} events/s`,
  );
  console.log(
    `delay from mutation to receipt, ms  p50: ${pct(50)}  p99: ${pct(99)}  max: ${pct(100)}`,
  );
} finally {
  clearTimeout(timer);
  await Promise.allSettled(clients.map(async (client) => client.dispose()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
