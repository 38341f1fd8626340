import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GraphQLField,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isIntrospectionType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { permissionTable } from '../src/auth/permission-table.js';
import { createAppPubSub } from '../src/realtime/pubsub.js';
import { createSchema, printSchemaSdl } from '../src/schema.js';
import { PROJECT_ROOT } from '../src/util/project-root.js';

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

describe('schema.graphql', () => {
  it('is the schema the code defines (run `npm run schema` after changing the API)', async () => {
    const schema = await createSchema(createAppPubSub(undefined).pubSub);
    const committed = readFileSync(join(PROJECT_ROOT, 'schema.graphql'), 'utf8');
    expect(committed).toBe(printSchemaSdl(schema));
  });

  it('is matched by docs/permissions.md (run `npm run schema`; review its diff as a permission change)', async () => {
    const schema = await createSchema(createAppPubSub(undefined).pubSub);
    const committed = readFileSync(join(PROJECT_ROOT, 'docs/permissions.md'), 'utf8');
    expect(committed).toBe(permissionTable(schema));
  });

  it('describes every type, field, argument and enum value', async () => {
    const schema = await createSchema(createAppPubSub(undefined).pubSub);
    const missing: string[] = [];
    const checkField = (type: GraphQLNamedType, field: GraphQLField<unknown, unknown>) => {
      if (!field.description) missing.push(`${type.name}.${field.name}`);
      for (const arg of field.args) {
        if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type) || type.name.startsWith('__')) continue;
      if (['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!ROOTS.has(type.name) && !type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) checkField(type, field);
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
        }
      } else if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!value.description) missing.push(`${type.name}.${value.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
