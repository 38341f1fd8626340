import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRole } from '../src/modules/account/user.entity.js';
import { LiveCloseCode } from '../src/realtime/live.js';
import { createAppPubSub } from '../src/realtime/pubsub.js';
import { createSchema } from '../src/schema.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { HOSTILE, LEAK, type Target, documentFor, targets, variablesFor } from './helpers/fuzz.js';
import { postRaw } from './helpers/raw.js';
import { RawSocket } from './helpers/raw-ws.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * fuzz.test.ts over the WebSocket (graphql-transport-ws): the same hostile text in every String
 * and ID of every query and mutation, and of every subscription, as each kind of caller; a
 * signed-out socket sends it as its credential. No error may be internal or carry SQL or a stack,
 * a socket stays usable or closes with a documented code (4401 no credential, 4403 the caller's
 * own operation ended its session or device), and the server keeps answering.
 */
let t: TestServer;
let schema: GraphQLSchema;
const UNLIMITED = '1000000000';
beforeAll(async () => {
  // every socket comes from 127.0.0.1: the per-IP budgets would answer RATE_LIMITED before the
  // operations themselves run, so they are lifted here (the per-account budget stays)
  t = await startTestServer({
    RATE_LIMIT_SIGN_UP_POINTS: UNLIMITED,
    RATE_LIMIT_PASSWORD_RESET_POINTS: UNLIMITED,
    RATE_LIMIT_FIND_FAMILIES_POINTS: UNLIMITED,
    RATE_LIMIT_JOIN_FAMILY_POINTS: UNLIMITED,
    RATE_LIMIT_LOGIN_POINTS: UNLIMITED,
  });
  schema = await createSchema(createAppPubSub(undefined).pubSub);
});
afterAll(async () => {
  await t?.close();
});

/** Close codes a socket may end with here; anything else (4500, 1006, 4400 …) is a failure. */
const DOCUMENTED_CLOSES: ReadonlySet<number> = new Set([
  LiveCloseCode.Unauthorized,
  LiveCloseCode.Forbidden,
]);

/** A family per hostile value, its callers in the order of fuzz.test.ts (admin last). */
async function callersOf(): Promise<{ familyId: string; callers: [string, string][] }> {
  const family = await createFamily(t, { managers: 1, caregivers: 1 });
  const admin = await createUser(t, { role: UserRole.ADMIN });
  return {
    familyId: String(family.family.id),
    callers: [
      ['device', family.device.headers.authorization],
      ['caregiver', family.caregivers[0]!.headers.authorization],
      ['manager', family.managers[0]!.headers.authorization],
      ['main user', family.main.headers.authorization],
      ['admin', admin.headers.authorization],
    ],
  };
}

let operationId = 0;

/**
 * Runs `target` on `socket` and returns its id. A query or mutation runs to its end; a
 * subscription until it is refused or has started, then a query on the same socket flushes
 * whatever the subscription sent first (frames arrive in order), and it is stopped.
 */
async function runOn(socket: RawSocket, target: Target, variables: Record<string, unknown>) {
  operationId += 1;
  const id = `op${operationId}`;
  const payload = { query: documentFor(target), variables };
  if (target.operation !== 'subscription') {
    await socket.run(id, payload);
    return id;
  }
  const before = await t.subscriptionsStarted();
  socket.send({ id, type: 'subscribe', payload });
  const deadline = Date.now() + 10_000;
  while (!socket.settled(id) && socket.closedBy === undefined) {
    if ((await t.subscriptionsStarted()) > before) break;
    if (Date.now() > deadline) throw new Error(`${target.field.name}: neither refused nor started`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  operationId += 1;
  await socket.run(`op${operationId}`, { query: '{ __typename }' });
  if (!socket.settled(id)) socket.send({ id, type: 'complete' });
  return id;
}

describe('hostile text over the WebSocket, in every operation', () => {
  it('covers queries, mutations and every subscription', () => {
    const all = targets(schema, { subscriptions: true });
    expect(all.filter((target) => target.operation === 'subscription').length).toBeGreaterThan(5);
  });

  for (const [label, text] of Object.entries(HOSTILE)) {
    it(`never fails internally on ${label}, for any caller`, async () => {
      const failures: string[] = [];
      const check = (where: string, socket: RawSocket, id: string) => {
        for (const error of socket.errorsOf(id)) {
          if (error.extensions?.['code'] === 'INTERNAL_SERVER_ERROR')
            failures.push(`${where}: INTERNAL_SERVER_ERROR`);
          if (LEAK.test(error.message)) failures.push(`${where}: leaks "${error.message}"`);
        }
      };

      // signed out: the hostile text is the credential; the socket is closed with 4401, nothing else
      for (const authorization of [text, `Bearer ${text}`, `Device ${text}`]) {
        const socket = await RawSocket.connect(t.wsUrl, { authorization });
        const closed = await socket.closed;
        if (socket.acknowledged || closed.code !== LiveCloseCode.Unauthorized)
          failures.push(`signed out (${authorization.slice(0, 20)}): closed ${closed.code}`);
      }

      const { familyId, callers } = await callersOf();
      for (const [who, authorization] of callers) {
        let socket = await RawSocket.connect(t.wsUrl, { authorization });
        let standing = socket.acknowledged;
        for (const target of targets(schema, { subscriptions: true })) {
          if (!standing) break;
          // without arguments there are no ids to make real: one run is all there is
          for (const id of target.field.args.length === 0 ? [undefined] : [undefined, familyId]) {
            const where = `${who} ${target.field.name}${id === undefined ? '' : ' (real ids)'}`;
            const started = Date.now();
            const operation = await runOn(socket, target, variablesFor(target, text, id));
            if (process.env['FUZZ_DEBUG'] !== undefined)
              console.log(
                `FUZZ|${where}|${Date.now() - started}ms|`,
                socket
                  .framesOf(operation)
                  .map((f) => f.type)
                  .join(',') +
                  '|' +
                  socket
                    .errorsOf(operation)
                    .map((e) => e.extensions?.['code'])
                    .join(','),
              );
            check(where, socket, operation);
            const closed = socket.closedBy;
            if (closed === undefined) continue;
            if (!DOCUMENTED_CLOSES.has(closed.code))
              failures.push(`${where}: socket closed ${closed.code} ${closed.reason}`);
            if (LEAK.test(closed.reason)) failures.push(`${where}: leaks "${closed.reason}"`);
            // the caller's own operation may have ended its standing (e.g. deleteMe): a new
            // socket tells, and is refused with 4401 if so
            socket = await RawSocket.connect(t.wsUrl, { authorization });
            standing = socket.acknowledged;
            if (!standing && socket.closedBy?.code !== LiveCloseCode.Unauthorized)
              failures.push(`${where}: reconnect closed ${socket.closedBy?.code}`);
            if (!standing) break;
          }
        }
        if (standing) {
          // the socket is still usable after everything it was sent
          const alive = await socket.run('alive', { query: '{ __typename }' });
          if (alive[0]?.type !== 'next') failures.push(`${who}: socket no longer answers`);
          await socket.close();
        }
      }

      expect(failures).toEqual([]);
      const health = await fetch(t.url.replace('/graphql', '/healthz'));
      expect(health.status).toBe(200);
      const overHttp = await postRaw(t, '{ serverInfo { version } }');
      expect(overHttp.body.errors).toBeUndefined();
      const someone = await createUser(t);
      const fresh = await RawSocket.connect(t.wsUrl, {
        authorization: someone.headers.authorization,
      });
      const answer = await fresh.run('after', { query: '{ serverInfo { version } }' });
      expect(answer.map((frame) => frame.type)).toEqual(['next', 'complete']);
      await fresh.close();
    }, 120_000);
  }
});
