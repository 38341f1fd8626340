import type { EntityClass } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { User } from '../modules/account/user.entity.js';
import { Device } from '../modules/device/device.entity.js';
import { FamilyBackground } from '../modules/family/family-background.entity.js';
import { Family } from '../modules/family/family.entity.js';
import { File } from '../modules/file/file.entity.js';
import { Membership } from '../modules/family/membership.entity.js';
import { NotificationRead } from '../modules/notification/notification.entity.js';
import { CarebotSettings } from '../modules/settings/settings.entity.js';
import type { EntityManager } from './orm.js';
import { marks, PlainReader, type RawRow } from './plain.js';

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((key) => map.get(key) ?? []);
}

/**
 * Per-request batching of every relation a dashboard query walks: however many families,
 * members or users a query touches, each kind costs one SQL statement per level. Reads that
 * write nothing (users, families with their members, latest readings) come back as plain rows
 * ({@link PlainReader}); the rest as entities.
 */
export class Loaders {
  /** Plain reads in this request's logging context. */
  readonly plain: PlainReader;

  constructor(private readonly em: EntityManager) {
    this.plain = new PlainReader(em);
  }

  private cache = new Map<string, DataLoader<number, unknown>>();

  /** A loader of this request batching numeric keys, made once per `name`. */
  batched<V>(name: string, batch: (ids: readonly number[]) => Promise<V[]>): DataLoader<number, V> {
    return this.loader(name, batch);
  }

  private loader<V>(
    name: string,
    batch: (ids: readonly number[]) => Promise<V[]>,
  ): DataLoader<number, V> {
    let loader = this.cache.get(name) as DataLoader<number, V> | undefined;
    if (loader === undefined) {
      loader = new DataLoader<number, V>(batch);
      this.cache.set(name, loader);
    }
    return loader;
  }

  private fileLoader: DataLoader<string, File | null> | undefined;

  /** Files by their (string) id. */
  get file(): DataLoader<string, File | null> {
    this.fileLoader ??= new DataLoader<string, File | null>(async (ids) =>
      byKey(ids, await this.em.find(File, { id: { $in: [...ids] } }), (f) => f.id),
    );
    return this.fileLoader;
  }

  /** Users (plain rows, without the password hash). */
  get user(): DataLoader<number, User | null> {
    return this.loader('user', async (ids) => {
      const { plain } = this;
      const rows = await plain.query(
        `select ${plain.columns(User, 'u')} from ${plain.table(User)} u where u.id in (${marks(ids)})`,
        ids,
      );
      return byKey(
        ids,
        rows.map((row) => plain.row(User, row)!),
        (u) => u.id,
      );
    });
  }

  /**
   * Families (plain rows) with, in the same statement, their main user and every membership and
   * member: a dashboard's `mainUser` and `members { user }` then cost nothing more.
   */
  get family(): DataLoader<number, Family | null> {
    return this.loader('family', async (ids) => {
      const { plain } = this;
      const rows = await plain.query(
        `select ${plain.columns(Family, 'f', 'f__')}, ${plain.columns(User, 'mu', 'mu__')}, ` +
          `${plain.columns(Membership, 'm', 'm__')}, ${plain.columns(User, 'mm', 'mm__')} ` +
          `from ${plain.table(Family)} f ` +
          `join ${plain.table(User)} mu on mu.id = f.main_user_id ` +
          `left join ${plain.table(Membership)} m on m.family_id = f.id ` +
          `left join ${plain.table(User)} mm on mm.id = m.user_id ` +
          `where f.id in (${marks(ids)}) order by f.id, m.id`,
        ids,
      );
      const families = new Map<number, Family>();
      const members = new Map<number, Membership[]>(ids.map((id) => [id, []]));
      for (const row of rows) {
        const familyId = Number(row['f__id']);
        if (!families.has(familyId)) {
          families.set(familyId, plain.row(Family, row, 'f__')!);
          const main = plain.row(User, row, 'mu__')!;
          this.user.prime(main.id, main);
        }
        const membership = plain.row(Membership, row, 'm__');
        if (membership === null) continue;
        members.get(familyId)?.push(membership);
        const member = plain.row(User, row, 'mm__')!;
        this.user.prime(member.id, member);
      }
      for (const [familyId, list] of members) this.membershipsByFamily.prime(familyId, list);
      return ids.map((id) => families.get(id) ?? null);
    });
  }

  /** Every membership (any status) of each family, oldest first, with its user (plain rows). */
  get membershipsByFamily(): DataLoader<number, Membership[]> {
    return this.loader('membershipsByFamily', async (ids) => {
      const { plain } = this;
      const rows = await plain.query(
        `select ${plain.columns(Membership, 'm')}, ${plain.columns(User, 'mm', 'mm__')} ` +
          `from ${plain.table(Membership)} m join ${plain.table(User)} mm on mm.id = m.user_id ` +
          `where m.family_id in (${marks(ids)}) order by m.id`,
        ids,
      );
      const memberships = rows.map((row) => {
        const member = plain.row(User, row, 'mm__')!;
        this.user.prime(member.id, member);
        return plain.row(Membership, row)!;
      });
      return groupBy(ids, memberships, (m) => m.family.id);
    });
  }

  get settingsByFamily(): DataLoader<number, CarebotSettings | null> {
    return this.loader('settingsByFamily', async (ids) =>
      byKey(
        ids,
        await this.em.find(CarebotSettings, { family: { $in: [...ids] } }),
        (s) => s.family.id,
      ),
    );
  }

  /** Active (not revoked) devices of each family. */
  get devicesByFamily(): DataLoader<number, Device[]> {
    return this.loader('devicesByFamily', async (ids) =>
      groupBy(
        ids,
        await this.em.find(
          Device,
          { family: { $in: [...ids] }, revokedAt: null },
          { orderBy: { id: 'asc' } },
        ),
        (d) => d.family.id,
      ),
    );
  }

  /**
   * The newest reading (by `timeField`, then id) of one kind for each family (plain rows), one
   * statement for all families: per family a `LIMIT 1` subquery that walks the
   * (family_id, time) index backwards (its rows end in the primary key, which breaks ties), so
   * the cost does not grow with the family's history as a window over all readings would.
   */
  latest<T extends { id: number }>(
    entity: EntityClass<T>,
    timeField = 'measuredAt',
  ): DataLoader<number, T | null> {
    return this.loader(`latest:${entity.name}`, async (ids) => {
      const { plain } = this;
      const table = plain.table(entity);
      const timeColumn = plain.column(entity, timeField);
      const rows = await plain.query(
        `select ${plain.columns(entity, 't')} from ${plain.table(Family)} f ` +
          `join ${table} t on t.id = (select x.id from ${table} x where x.family_id = f.id ` +
          `order by x.\`${timeColumn}\` desc, x.id desc limit 1) ` +
          `where f.id in (${marks(ids)})`,
        ids,
      );
      return byKey(
        ids,
        rows.map((row: RawRow) => plain.row(entity, row)!),
        (reading) => (reading as unknown as { family: { id: number } }).family.id,
      );
    });
  }

  /** Whether the given user has read each notification. */
  notificationRead(userId: number): DataLoader<number, boolean> {
    return this.loader(`read:${userId}`, async (ids) => {
      const reads = await this.em.find(
        NotificationRead,
        { user: userId, notification: { $in: [...ids] } },
        { fields: ['notification'] },
      );
      const read = new Set(reads.map((r) => r.notification.id));
      return ids.map((id) => read.has(id));
    });
  }

  get backgroundsByFamily(): DataLoader<number, FamilyBackground[]> {
    return this.loader('backgroundsByFamily', async (ids) =>
      groupBy(
        ids,
        await this.em.find(
          FamilyBackground,
          { family: { $in: [...ids] } },
          { orderBy: { id: 'asc' } },
        ),
        (b) => b.family.id,
      ),
    );
  }
}
