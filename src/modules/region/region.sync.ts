import type { EntityManager } from '../../database/orm.js';
import { Region } from './region.entity.js';
import { masterRegionList, subRegionList } from './regions.js';

/**
 * Makes the `region` table equal to regions.data.json: inserts, renames and removes as needed.
 * Runs after migrations (server start and `npm run migrate`); idempotent and cheap, so a
 * boundary change ships as a data-file change, not as an edited migration.
 */
export async function syncRegions(
  em: EntityManager,
): Promise<{ inserted: number; updated: number; removed: number }> {
  const wanted = new Map<string, { name: string; parentCode: string | null }>();
  for (const master of masterRegionList()) {
    wanted.set(master.code, { name: master.name, parentCode: null });
    for (const sub of subRegionList(master.code) ?? [])
      wanted.set(sub.code, { name: sub.name, parentCode: master.code });
  }
  return em.transactional(async (tx) => {
    const existing = await tx.find(Region, {});
    const have = new Map(existing.map((region) => [region.code, region]));
    let inserted = 0;
    let updated = 0;
    for (const [code, { name, parentCode }] of wanted) {
      const region = have.get(code);
      if (region === undefined) {
        tx.create(Region, { code, name, parentCode });
        inserted += 1;
      } else if (region.name !== name || region.parentCode !== parentCode) {
        region.name = name;
        region.parentCode = parentCode;
        updated += 1;
      }
    }
    const stale = existing
      .filter((region) => !wanted.has(region.code))
      .map((region) => region.code);
    if (stale.length > 0) await tx.nativeDelete(Region, { code: { $in: stale } });
    await tx.flush();
    return { inserted, updated, removed: stale.length };
  });
}
