import { ReferenceKind } from '@mikro-orm/core';
import { DatabaseSchema } from '@mikro-orm/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../src/database/orm.js';
import { Session } from '../src/modules/account/session.entity.js';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { FamilyBackground } from '../src/modules/family/family-background.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import { FamilyRole, Membership } from '../src/modules/family/membership.entity.js';
import { File, FilePurpose, FileStatus } from '../src/modules/file/file.entity.js';
import { newFileId } from '../src/modules/file/file.id.js';
import { fileReferences, unreferenced } from '../src/modules/file/file.references.js';
import { Message } from '../src/modules/message/message.entity.js';
import { Notification, NotificationRead } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import { Activity } from '../src/modules/report/report.entities.js';
import { ActivityAction } from '../src/modules/report/report.enums.js';
import { freshDatabase } from './helpers/fresh-database.js';
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

  it('holds every file id by an indexed foreign key to file.id, each one covered by the release sweep and the purge', async () => {
    const { orm } = t.server.app;
    const em = orm.em.fork();
    const metadata = orm.getMetadata();
    const schema = await DatabaseSchema.create(em.getConnection(), em.getPlatform(), orm.config);
    // every relation to File, read from the metadata rather than from a list kept by hand
    const relations = [...metadata.getAll().values()].flatMap((meta) =>
      meta.relations
        .filter((prop) => prop.kind === ReferenceKind.MANY_TO_ONE && prop.type === 'File')
        .map((prop) => `${meta.tableName}.${prop.fieldNames[0]!}`),
    );
    expect(relations.sort()).toEqual([
      'activity.image_id',
      'assessment_result.input_file_id',
      'assessment_result.normalised_file_id',
      'care_session.result_file_id',
      'community_attachment.file_id',
      'family_background.file_id',
      'message.image_id',
      'notification.image_id',
      'user.avatar_id',
    ]);
    const covered = fileReferences(metadata).map(
      ({ entity, property }) => `${entity.tableName}.${property.fieldNames[0]!}`,
    );
    expect(covered.sort()).toEqual(relations);
    // the sweep's filter asks each of them
    const subqueries = unreferenced(metadata, em.getPlatform()).$and.map(
      (test) => (test as { id: { $nin: { sql: string } } }).id.$nin.sql,
    );
    expect(subqueries).toHaveLength(relations.length);
    for (const column of relations) {
      const [table, field] = column.split('.') as [string, string];
      const q = (name: string) => em.getPlatform().quoteIdentifier(name);
      expect(subqueries).toContain(
        `select ${q(field)} from ${q(table)} where ${q(field)} is not null`,
      );
    }

    const missing = relations.filter((column) => {
      const [table, field] = column.split('.') as [string, string];
      const dbTable = schema.getTable(table);
      const foreignKey = Object.values(dbTable?.getForeignKeys() ?? {}).find(
        (fk) => fk.columnNames[0] === field,
      );
      const indexed = (dbTable?.getIndexes() ?? []).some((index) => index.columnNames[0] === field);
      return (
        foreignKey === undefined ||
        foreignKey.referencedTableName !== 'file' ||
        foreignKey.referencedColumnNames[0] !== 'id' ||
        !indexed
      );
    });
    expect(missing).toEqual([]);
  });

  it('keeps no file id in a plain string column: a property named like one is a relation to File', () => {
    const strays = [...t.server.app.orm.getMetadata().getAll().values()].flatMap((meta) =>
      Object.values(meta.properties)
        .filter(
          (prop) =>
            /(image|file|avatar|picture|attachment)Ids?$/i.test(prop.name) &&
            !(prop.kind === ReferenceKind.MANY_TO_ONE && prop.type === 'File'),
        )
        .map((prop) => `${meta.className}.${prop.name}`),
    );
    expect(strays).toEqual([]);
  });
});

describe('the file foreign keys migration, on data of the previous schema', () => {
  it('keeps every row, points each reference at its file exactly or clears it, and drops a background without a file', async () => {
    const fresh = await freshDatabase('carebot-migration-test');
    const orm = await createOrm({ database: fresh.database, dbPoolMax: 2, dbDebug: false });
    try {
      const all = (await orm.migrator.getPending()).map((m) => m.name);
      const target = all.findIndex((name) => name.endsWith('_file_foreign_keys'));
      expect(target).toBeGreaterThan(0);
      await orm.migrator.up({ to: all[target - 1]! });

      // the previous schema: file ids in plain columns, any text accepted
      const em = orm.em.fork();
      const user = em.create(User, {
        email: 'old@example.com',
        passwordHash: 'x',
        name: 'Old',
        role: UserRole.MAIN,
      });
      const member = em.create(User, {
        email: 'member@example.com',
        passwordHash: 'x',
        name: 'Member',
        role: UserRole.MEMBER,
      });
      const family = em.create(Family, { familyName: 'Old', mainUser: user });
      em.create(Membership, { family, user: member, relation: 'son', role: FamilyRole.MANAGER });
      em.create(Session, {
        user,
        tokenHash: 'a'.repeat(64),
        absoluteExpiresAt: new Date(Date.now() + 3600_000),
      });
      const file = (purpose: FilePurpose, owner: 'family' | 'user' = 'family') =>
        em.create(File, {
          id: newFileId(),
          ...(owner === 'family' ? { family } : { owner: user }),
          purpose,
          contentType: 'image/png',
          byteSize: 1,
          status: FileStatus.READY,
          storageKey: 'k',
        });
      const avatar = file(FilePurpose.AVATAR, 'user');
      const snapshot = file(FilePurpose.ACTIVITY_IMAGE);
      const picture = file(FilePurpose.NOTIFICATION_IMAGE);
      const background = file(FilePurpose.FAMILY_BACKGROUND);
      await em.flush();
      user.avatarId = avatar.id;
      const nowhere = newFileId();
      const activities = [snapshot.id, snapshot.id.toUpperCase(), nowhere, null].map((imageId) =>
        em.create(Activity, {
          family,
          action: ActivityAction.WALKING,
          imageId,
          measuredAt: new Date(),
        }),
      );
      // the columns of that schema only: the entity has gained columns since (the alerts migration)
      await em.execute(
        'insert into notification (family_id, grade, kind, message, image_id, created_at) values (?, ?, ?, ?, ?, ?)',
        [family.id, NotificationGrade.INFO, NotificationKind.OTHER, 'm', picture.id, new Date()],
      );
      const [inserted] = await em.execute<{ id: number }[]>(
        'select max(id) as id from notification',
      );
      const notification = { id: Number(inserted!.id) };
      em.create(NotificationRead, {
        notification: em.getReference(Notification, notification.id),
        user: member,
      });
      const message = em.create(Message, {
        family,
        fromUser: member,
        toUser: user,
        content: 'hi',
        imageId: 'not-a-file-at-all',
      });
      const kept = em.create(FamilyBackground, { family, fileId: background.id });
      const lost = em.create(FamilyBackground, { family, fileId: nowhere });
      await em.flush();

      await orm.migrator.up();

      const after = orm.em.fork();
      expect(await after.count(User)).toBe(2);
      expect(await after.count(Session)).toBe(1);
      expect(await after.count(Membership)).toBe(1);
      expect(await after.count(NotificationRead)).toBe(1);
      expect(await after.count(File)).toBe(4);
      expect((await after.findOneOrFail(User, user.id)).avatarId).toBe(avatar.id);
      const stored = await after.find(
        Activity,
        { id: { $in: activities.map((a) => a.id) } },
        { orderBy: { id: 'asc' } },
      );
      expect(stored.map((a) => a.imageId)).toEqual([snapshot.id, snapshot.id, null, null]);
      expect((await after.findOneOrFail(Notification, notification.id)).imageId).toBe(picture.id);
      expect((await after.findOneOrFail(Message, message.id)).imageId).toBeNull();
      expect((await after.find(FamilyBackground, {})).map((b) => [b.id, b.fileId])).toEqual([
        [kept.id, background.id],
      ]);
      expect(lost.id).not.toBe(kept.id);
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    } finally {
      await orm.close();
      await fresh.drop();
    }
  });
});
