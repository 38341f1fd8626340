import type { EntityClass } from '@mikro-orm/core';
import { DatabaseSchema } from '@mikro-orm/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../src/modules/account/user.entity.js';
import { FamilyBackground } from '../src/modules/family/family-background.entity.js';
import { Message } from '../src/modules/message/message.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { Activity } from '../src/modules/report/report.entities.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('the migrated database', () => {
  it('has exactly the schema the entities describe', async () => {
    expect(await t.server.app.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('indexes every column that references a file, which the hourly release sweep looks up', async () => {
    const { orm } = t.server.app;
    const em = orm.em.fork();
    const schema = await DatabaseSchema.create(em.getConnection(), em.getPlatform(), orm.config);
    const references: [EntityClass<object>, string][] = [
      [Activity, 'imageId'],
      [Notification, 'imageId'],
      [Message, 'imageId'],
      [FamilyBackground, 'fileId'],
      [User, 'avatarId'],
    ];
    const unindexed = references
      .map(([entity, property]) => {
        const meta = orm.getMetadata().get(entity);
        const column = meta.props.find((prop) => prop.name === property)!.fieldNames[0]!;
        const indexes = schema.getTable(meta.tableName)?.getIndexes() ?? [];
        return indexes.some((index) => index.columnNames[0] === column)
          ? null
          : `${meta.tableName}.${column}`;
      })
      .filter((column) => column !== null);
    expect(unindexed).toEqual([]);
  });
});
