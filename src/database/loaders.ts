import type { EntityClass, FilterQuery } from '@mikro-orm/core';
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
 * members or users a query touches, each kind costs one SQL statement per level.
 */
export class Loaders {
  constructor(private readonly em: EntityManager) {}

  private cache = new Map<string, DataLoader<number, unknown>>();

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

  get user(): DataLoader<number, User | null> {
    return this.loader('user', async (ids) =>
      byKey(ids, await this.em.find(User, { id: { $in: [...ids] } }), (u) => u.id),
    );
  }

  get family(): DataLoader<number, Family | null> {
    return this.loader('family', async (ids) =>
      byKey(ids, await this.em.find(Family, { id: { $in: [...ids] } }), (f) => f.id),
    );
  }

  /** Every membership (any status) of each family, oldest first. */
  get membershipsByFamily(): DataLoader<number, Membership[]> {
    return this.loader('membershipsByFamily', async (ids) =>
      groupBy(
        ids,
        await this.em.find(Membership, { family: { $in: [...ids] } }, { orderBy: { id: 'asc' } }),
        (m) => m.family.id,
      ),
    );
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

  /** The newest reading (by measuredAt, then id) of one kind for each family. */
  latest<T extends { id: number }>(
    entity: EntityClass<T>,
    timeField = 'measuredAt',
  ): DataLoader<number, T | null> {
    return this.loader(`latest:${entity.name}`, (ids) =>
      Promise.all(
        ids.map((familyId) =>
          this.em.findOne(entity, { family: familyId } as FilterQuery<T>, {
            orderBy: { [timeField]: 'desc', id: 'desc' } as never,
          }),
        ),
      ),
    );
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
