import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppPubSub } from '../src/realtime/pubsub.js';
import { createSchema } from '../src/schema.js';
import { UserRole } from '../src/modules/account/user.entity.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { HOSTILE, LEAK, documentFor, targets, variablesFor } from './helpers/fuzz.js';
import { postRaw } from './helpers/raw.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * Every query and mutation that takes text gets hostile text in every String and ID position at
 * once, signed out and as each kind of caller. Whatever it is refused with, it must never be an
 * internal error, a 5xx, a stack or SQL text, and the server must keep answering. The same over
 * the WebSocket, subscriptions included: fuzz-ws.test.ts.
 */
let t: TestServer;
let schema: GraphQLSchema;
beforeAll(async () => {
  // TRUST_PROXY: each request comes from its own address, so per-IP limits do not hide answers
  t = await startTestServer({ TRUST_PROXY: 'true' });
  schema = await createSchema(createAppPubSub(undefined).pubSub);
});
afterAll(async () => {
  await t?.close();
});

/** A family per hostile value: one value's requests stay within one account's mutation budget. */
async function callersOf(): Promise<{
  familyId: string;
  callers: Record<string, Record<string, string>>;
}> {
  const family = await createFamily(t, { managers: 1, caregivers: 1 });
  return {
    familyId: String(family.family.id),
    // in this order: with real ids, a manager's or the main user's operations may revoke the
    // device or remove the caregiver, and each caller's own last operations may end its session
    callers: {
      device: family.device.headers,
      caregiver: family.caregivers[0]!.headers,
      manager: family.managers[0]!.headers,
      'main user': family.main.headers,
      admin: (await createUser(t, { role: UserRole.ADMIN })).headers,
      'signed out': {},
    },
  };
}

let address = 0;
/** A client address of its own (private range), sent as X-Forwarded-For. */
function nextAddress(): Record<string, string> {
  address += 1;
  return {
    'x-forwarded-for': `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
  };
}

describe('hostile text in every argument of every query and mutation', () => {
  it('covers the operations that take text', () => {
    expect(targets(schema).length).toBeGreaterThan(40);
  });

  for (const [label, text] of Object.entries(HOSTILE)) {
    it(`never fails internally on ${label}, for any caller`, async () => {
      const failures: string[] = [];
      const { familyId, callers } = await callersOf();
      for (const [who, headers] of Object.entries(callers)) {
        for (const target of targets(schema)) {
          for (const id of [undefined, familyId]) {
            const variables = variablesFor(target, text, id);
            const response = await postRaw(t, documentFor(target), variables, {
              ...headers,
              ...nextAddress(),
            });
            const where = `${who} ${target.field.name}${id === undefined ? '' : ' (real ids)'}`;
            if (process.env['FUZZ_DEBUG'] !== undefined)
              console.log(
                `FUZZ|${where}|${response.status}|`,
                (response.body.errors ?? []).map((e) => e.extensions?.['code']).join(',') || 'data',
              );
            if (response.status >= 500) failures.push(`${where}: HTTP ${response.status}`);
            for (const error of response.body.errors ?? []) {
              if (error.extensions?.['code'] === 'INTERNAL_SERVER_ERROR')
                failures.push(`${where}: INTERNAL_SERVER_ERROR`);
              if (LEAK.test(error.message)) failures.push(`${where}: leaks "${error.message}"`);
            }
          }
        }
      }
      expect(failures).toEqual([]);
      const health = await fetch(t.url.replace('/graphql', '/healthz'));
      expect(health.status).toBe(200);
      const alive = await postRaw(t, '{ serverInfo { version } }');
      expect(alive.body.errors).toBeUndefined();
    }, 120_000);
  }
});
