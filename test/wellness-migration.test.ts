import { describe, expect, it } from 'vitest';
import { createOrm } from '../src/database/orm.js';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { ChatMessage, Conversation } from '../src/modules/ai/ai.entities.js';
import { Family } from '../src/modules/family/family.entity.js';
import { freshDatabase } from './helpers/fresh-database.js';

describe('the wellness migration, on conversations of the previous schema', () => {
  it('keeps every conversation and message, titles each by its first message and dates its last activity', async () => {
    const fresh = await freshDatabase('carebot-wellness-migration');
    const orm = await createOrm({ database: fresh.database, dbPoolMax: 2, dbDebug: false });
    try {
      const all = (await orm.migrator.getPending()).map((m) => m.name);
      const target = all.findIndex((name) => name.endsWith('_wellness'));
      expect(target).toBeGreaterThan(0);
      await orm.migrator.up({ to: all[target - 1]! });

      const em = orm.em.fork();
      const user = em.create(User, {
        email: 'old@example.com',
        passwordHash: 'x',
        name: 'Old',
        role: UserRole.MAIN,
      });
      const family = em.create(Family, { familyName: 'Old', mainUser: user });
      await em.flush();
      // the previous conversation table has neither title nor last activity: raw rows
      const plain = orm.em.fork();
      const at = (iso: string) => plain.getPlatform().processDateProperty(new Date(iso));
      const run = (sql: string, params: unknown[]) => plain.execute(sql, params, 'run');
      await run('insert into `conversation` (`id`, `family_id`, `created_at`) values (?, ?, ?)', [
        1,
        family.id,
        at('2026-11-01T00:00:00Z'),
      ]);
      await run('insert into `conversation` (`id`, `family_id`, `created_at`) values (?, ?, ?)', [
        2,
        family.id,
        at('2026-11-02T00:00:00Z'),
      ]);
      const message = (id: number, conversation: number, content: string, iso: string) =>
        run(
          'insert into `chat_message` (`id`, `conversation_id`, `role`, `content`, `created_at`) values (?, ?, ?, ?, ?)',
          [id, conversation, 'USER', content, at(iso)],
        );
      await message(1, 1, `${'긴 '.repeat(60)}end`, '2026-11-01T00:00:00Z');
      await message(2, 1, 'later', '2026-11-05T00:00:00Z');

      await orm.migrator.up();
      const after = orm.em.fork();
      const conversations = await after.find(Conversation, {}, { orderBy: { id: 'asc' } });
      expect(
        conversations.map((c) => [c.id, [...c.title].length, c.lastActivityAt.toISOString()]),
      ).toEqual([
        [1, 100, '2026-11-05T00:00:00.000Z'],
        [2, 0, '2026-11-02T00:00:00.000Z'],
      ]);
      expect(conversations[0]!.title.startsWith('긴 긴 ')).toBe(true);
      expect(await after.count(ChatMessage, {})).toBe(2);
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    } finally {
      await orm.close();
      await fresh.drop();
    }
  });
});
