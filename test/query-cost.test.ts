import 'reflect-metadata';
import {
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  parse,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COST, selectionSetCost } from '../src/graphql/cost.js';
import { PAGE_SIZE } from '../src/graphql/connection.js';
import { Family } from '../src/modules/family/family.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import { createAppPubSub } from '../src/realtime/pubsub.js';
import { createSchema } from '../src/schema.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { codesOf, postRaw, wsErrors } from './helpers/raw.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
let f: TestFamily;
beforeAll(async () => {
  t = await startTestServer();
  f = await createFamily(t, { managers: 1 });
  // 150 notifications: more than the largest page (any main user can raise as many at once)
  const em = t.server.app.orm.em.fork();
  for (let i = 0; i < 150; i += 1) {
    em.create(Notification, {
      family: em.getReference(Family, f.family.id),
      grade: NotificationGrade.CRIT,
      kind: NotificationKind.FALL,
      message: `fall ${i}`,
    });
  }
  await em.flush();
});
afterAll(async () => {
  await t?.close();
});

/** The query: a page of `$n` notifications, each with a page of `$n` of its family's, 15 times. */
function multipliedPages(aliases: number): string {
  const one = (i: number) =>
    `a${i}: family(id: $id) { notifications(first: $n) { edges { node { family { notifications(first: $n) { edges { node { id } } } } } } } }`;
  return `query($id: ID!, $n: Int) { ${Array.from({ length: aliases }, (_, i) => one(i)).join(' ')} }`;
}

const onePage = `query($id: ID!) { family(id: $id) { notifications(first: 100) {
  edges { node { id kind grade read acknowledgedBy { id } } } } } }`;

describe('the cost of pages passed as variables (issue 13, finding 2)', () => {
  it('refuses nested pages sized by a variable with QUERY_TOO_COMPLEX, over HTTP, without running them', async () => {
    const started = Date.now();
    for (const aliases of [15, 1]) {
      const response = await postRaw(
        t,
        multipliedPages(aliases),
        { id: String(f.family.id), n: 100 },
        f.main.headers,
      );
      expect(response.status).toBe(400);
      expect(codesOf(response)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(response.text.length).toBeLessThan(1000);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses them over the WebSocket too', async () => {
    const errors = await wsErrors(t, f.main.headers, {
      query: multipliedPages(15),
      variables: { id: String(f.family.id), n: 100 },
    });
    expect(errors.map((error) => error.extensions?.['code'])).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('lets small nested pages through', async () => {
    const response = await postRaw(
      t,
      multipliedPages(1),
      { id: String(f.family.id), n: 5 },
      f.main.headers,
    );
    expect(response.body.errors).toBeUndefined();
  });
});

describe('page sizes and single pages (issue 13, finding 3)', () => {
  it('serves a full page of 100 with a nested object, over HTTP and WebSocket', async () => {
    const response = await postRaw(t, onePage, { id: String(f.family.id) }, f.main.headers);
    expect(response.body.errors).toBeUndefined();
    const data = response.body.data as { family: { notifications: { edges: unknown[] } } };
    expect(data.family.notifications.edges).toHaveLength(100);
    const events = t.ws(f.main.headers).iterate({
      query: onePage,
      variables: { id: String(f.family.id) },
    });
    const first = await events.next();
    const value = first.value as { errors?: unknown; data?: typeof data };
    expect(value.errors).toBeUndefined();
    expect(value.data?.family.notifications.edges).toHaveLength(100);
    await events.return?.();
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ['notifications(first: 1000)', {}, 'first'],
    ['notifications(first: 99999999999)', {}, 'first'],
    ['notifications(last: -1)', {}, 'last'],
    ['notifications(first: $n)', { n: 101 }, 'first'],
    ['notifications(last: $n)', { n: -5 }, 'last'],
  ];
  for (const [call, variables, argument] of refused) {
    it(`answers ${call} ${JSON.stringify(variables)} with one BAD_USER_INPUT on ${argument}, over HTTP and WebSocket`, async () => {
      const n = call.includes('$n') ? ', $n: Int' : '';
      const query = `query($id: ID!${n}) { family(id: $id) { ${call} { totalCount } } }`;
      const vars = { id: String(f.family.id), ...variables };
      const response = await postRaw(t, query, vars, f.main.headers);
      expect(response.status).toBe(400);
      expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
      expect(Object.keys(response.body.errors?.[0]?.extensions?.['fields'] as object)).toEqual([
        argument,
      ]);
      const ws = await wsErrors(t, f.main.headers, { query, variables: vars });
      expect(ws.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
      expect(Object.keys(ws[0]?.extensions?.['fields'] as object)).toEqual([argument]);
    });
  }

  it('refuses an oversized page on a root connection and on a nested one alike', async () => {
    for (const query of [
      'query { messages(first: 500) { totalCount } }',
      'query($id: ID!) { family(id: $id) { activities(first: 500) { totalCount } } }',
    ]) {
      const variables = query.includes('$id') ? { id: String(f.family.id) } : {};
      const response = await postRaw(t, query, variables, f.main.headers);
      expect(codesOf(response), query).toEqual(['BAD_USER_INPUT']);
    }
  });
});

/** Every scalar of `type`, and every object field with its own scalars (one level down). */
function fullSelection(type: GraphQLNamedType, depth: number): string {
  if (!isObjectType(type)) return '__typename';
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (
      field.args.some((arg) => arg.type.toString().endsWith('!') && arg.defaultValue === undefined)
    )
      continue;
    if (isLeafType(named)) parts.push(field.name);
    else if (depth > 0 && !field.args.some((arg) => arg.name === 'first'))
      parts.push(`${field.name} { ${fullSelection(named, depth - 1)} }`);
  }
  return parts.join(' ');
}

describe('the cost model', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await createSchema(createAppPubSub(undefined).pubSub);
  });

  it('lets a full page of every connection, with every field and nested object, fit the budget', () => {
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (!field.args.some((arg) => arg.name === 'first')) continue;
        const connection = getNamedType(field.type);
        if (!isObjectType(connection)) continue;
        const edge = getNamedType(connection.getFields()['edges']!.type);
        const node = isObjectType(edge) ? getNamedType(edge.getFields()['node']!.type) : edge;
        const document = parse(
          `{ x(first: ${PAGE_SIZE.max}) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${fullSelection(node, 1)} } } } }`,
        );
        const selection = (document.definitions[0] as OperationDefinitionNode).selectionSet
          .selections[0];
        if (selection?.kind !== Kind.FIELD || selection.selectionSet === undefined) continue;
        const cost =
          1 + PAGE_SIZE.max * selectionSetCost(schema, connection, selection.selectionSet);
        expect(cost, `${type.name}.${field.name}`).toBeLessThanOrEqual(MAX_COST);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });
});
