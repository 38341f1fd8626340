import 'reflect-metadata';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppPubSub } from '../src/realtime/pubsub.js';
import { createSchema } from '../src/schema.js';
import { createFamily } from './factories/families.js';
import { postRaw } from './helpers/raw.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * Schema-driven fuzzing (issue 13): every query and mutation that takes text gets hostile text in
 * every String and ID position at once, signed out and as each kind of caller. Whatever it is
 * refused with, it must never be an internal error, a 5xx, a stack or SQL text, and the server
 * must keep answering.
 */
const HOSTILE: Record<string, string> = {
  nul: 'a\u0000b',
  'lone surrogate': 'a\ud800b',
  'control characters': '\u0007\u001b[31m\u0008\r',
  '10 KB': 'x'.repeat(10 * 1024),
  'quotes and percent': `'"\\%_;--`,
};

/** Text SQL errors and stack traces are made of: none may reach a client. */
const LEAK =
  /\b(select|insert into|update .* set|delete from|sqlite|mariadb|sql syntax|er_\w+)\b|\bat .+\.(ts|js):\d+/i;

/**
 * A value of `type` with `text` in every String position, fillers elsewhere; IDs are `text` too,
 * or `id` (a real family's) so that the operation gets past its lookups.
 */
function valueOf(type: GraphQLInputType, text: string, id: string | undefined, depth = 0): unknown {
  if (isNonNullType(type)) return valueOf(type.ofType, text, id, depth);
  if (isListType(type)) return [valueOf(type.ofType, text, id, depth)];
  if (isEnumType(type)) return type.getValues()[0]?.value;
  if (isInputObjectType(type)) {
    const object: Record<string, unknown> = {};
    if (depth > 4) return object;
    for (const field of Object.values(type.getFields())) {
      object[field.name] = valueOf(field.type, text, id, depth + 1);
    }
    return object;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'String':
        return text;
      case 'ID':
        return id ?? text;
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date().toISOString();
      case 'Date':
        return '2000-01-01';
      default:
        return text;
    }
  }
  return null;
}

/** True when `type` holds a String or ID somewhere. */
function takesText(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'String' || named.name === 'ID';
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => takesText(field.type, seen));
}

interface Target {
  operation: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
}

/** Operations that may end the caller's own standing: each caller tries them last. */
const LAST = [
  'revokeSession',
  'revokeDevice',
  'removeMember',
  'leaveFamily',
  'deleteFamily',
  'deleteMe',
];

function targets(schema: GraphQLSchema): Target[] {
  const list: Target[] = [];
  const roots: ['query' | 'mutation', GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  for (const [operation, root] of roots) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (field.args.some((arg) => takesText(arg.type))) list.push({ operation, field });
    }
  }
  const rank = (target: Target) => LAST.indexOf(target.field.name);
  return list.sort((a, b) => rank(a) - rank(b));
}

function documentFor({ operation, field }: Target): string {
  const variables = field.args.map(
    (arg: GraphQLArgument) => `$${arg.name}: ${arg.type.toString()}`,
  );
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`);
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${operation}(${variables.join(', ')}) { ${field.name}(${args.join(', ')})${selection} }`;
}

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
            const variables = Object.fromEntries(
              target.field.args.map((arg) => [arg.name, valueOf(arg.type, text, id)]),
            );
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
