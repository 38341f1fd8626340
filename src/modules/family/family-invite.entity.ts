import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { User } from '../account/user.entity.js';
import { Family } from './family.entity.js';
import { FamilyRole } from './membership.entity.js';

/** A single-use, expiring invitation code; only its hash is stored. */
@Entity({ tableName: 'family_invite' })
export class FamilyInvite {
  [OptionalProps]?: 'createdAt' | 'usedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ length: 64, unique: true })
  codeHash!: string;

  @Enum({ items: () => FamilyRole })
  role!: FamilyRole;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  createdBy!: Ref<User>;

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  usedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();
}
