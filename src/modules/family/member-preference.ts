import type { EntityClass, FilterQuery, Ref, RequiredEntityData } from '@mikro-orm/core';
import type { EntityManager } from '../../database/orm.js';
import { User } from '../account/user.entity.js';
import { Family } from './family.entity.js';

/** An entity holding one member's choices in one family (unique per family and user). */
export interface MemberFamilyRow {
  family: Ref<Family>;
  user: Ref<User>;
}

/**
 * The member's stored row of `entity` in the family, or a new one holding the entity's defaults.
 * Read-only callers leave it unpersisted (`persist: false`: answering a query stores nothing);
 * an update persists it, so its flush inserts the row the first time.
 */
export async function memberPreference<T extends MemberFamilyRow>(
  em: EntityManager,
  entity: EntityClass<T>,
  familyId: number,
  userId: number,
  { persist }: { persist: boolean },
): Promise<T> {
  // MikroORM's filter and data types cannot see through the generic T to its two relations
  const where = { family: familyId, user: userId } as unknown as FilterQuery<T>;
  const data = {
    family: em.getReference(Family, familyId),
    user: em.getReference(User, userId),
  } as unknown as RequiredEntityData<T>;
  return (await em.findOne(entity, where)) ?? em.create(entity, data, { persist });
}
