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
import { marks, PlainReader } from './plain.js';

/** One family's newest reading of one kind (see {@link Loaders.latest}). */
interface LatestKey {
  entity: EntityClass<object>;
  timeField: string;
  familyId: number;
}

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
   * The newest reading (by `timeField`, then id) of one kind for each family (plain rows). Every
   * kind asked for in the same tick shares one statement for all families: per family and kind
   * a `LIMIT 1` subquery that walks the (family_id, time) index backwards (its rows end in the
   * primary key, which breaks ties), so the cost does not grow with the family's history as a
   * window over all readings would, and a dashboard's four `latest*` fields cost one round trip.
   */
  latest<T extends { id: number }>(
    entity: EntityClass<T>,
    timeField = 'measuredAt',
  ): { load(familyId: number): Promise<T | null> } {
    return {
      load: async (familyId) =>
        (await this.latestReadings.load({ entity, timeField, familyId })) as T | null,
    };
  }

  private latestLoader: DataLoader<LatestKey, object | null, string> | undefined;

  private get latestReadings(): DataLoader<LatestKey, object | null, string> {
    this.latestLoader ??= new DataLoader<LatestKey, object | null, string>(
      (keys) => this.loadLatest(keys),
      { cacheKeyFn: (key) => `${key.entity.name}|${key.timeField}|${key.familyId}` },
    );
    return this.latestLoader;
  }

  private async loadLatest(keys: readonly LatestKey[]): Promise<(object | null)[]> {
    const { plain } = this;
    const kinds = new Map<string, { entity: EntityClass<object>; timeField: string; as: string }>();
    const familyIds = new Set<number>();
    for (const { entity, timeField, familyId } of keys) {
      const kind = `${entity.name}|${timeField}`;
      if (!kinds.has(kind)) kinds.set(kind, { entity, timeField, as: `k${kinds.size}` });
      familyIds.add(familyId);
    }
    const ids = [...familyIds];
    const columns: string[] = [];
    const joins: string[] = [];
    for (const { entity, timeField, as } of kinds.values()) {
      const table = plain.table(entity);
      columns.push(plain.columns(entity, as, `${as}__`));
      joins.push(
        `left join ${table} ${as} on ${as}.id = (select x.id from ${table} x ` +
          `where x.family_id = f.id order by x.\`${plain.column(entity, timeField)}\` desc, ` +
          `x.id desc limit 1)`,
      );
    }
    const rows = await plain.query(
      `select f.id as f__id, ${columns.join(', ')} from ${plain.table(Family)} f ` +
        `${joins.join(' ')} where f.id in (${marks(ids)})`,
      ids,
    );
    const byFamily = new Map(rows.map((row) => [Number(row['f__id']), row]));
    return keys.map(({ entity, timeField, familyId }) => {
      const row = byFamily.get(familyId);
      const kind = kinds.get(`${entity.name}|${timeField}`)!;
      return row === undefined ? null : plain.row(entity, row, `${kind.as}__`);
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
