import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';

/** A Carebot robot, bound to exactly one family; authenticates with a token stored only hashed. */
@Entity({ tableName: 'device' })
@ObjectType({ description: 'A Carebot robot registered to a family.' })
export class Device {
  [OptionalProps]?: 'createdAt' | 'lastSeenAt' | 'revokedAt' | 'registeredBy' | 'confirmedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ length: 50 })
  @Field({ description: 'Name given at registration, e.g. "Living room Carebot".' })
  name!: string;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  /**
   * Who registered it. A device registered by anyone but the main user is revoked when that
   * person leaves or is removed from the family.
   */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  registeredBy: Ref<User> | null = null;

  /**
   * When the main user confirmed it (at once when they registered it themself). Until then the
   * device reports, but never reads or writes the elder's messages and conversations.
   */
  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, {
    nullable: true,
    description:
      "When the main user confirmed the device; until then it reports but has no access to the elder's messages and conversations.",
  })
  confirmedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'Last time the device used the API (to the minute).',
  })
  lastSeenAt: Date | null = null;

  /** A revoked device can no longer authenticate; the row stays so its past reports keep their source. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was registered.' })
  createdAt: Date & Opt = new Date();
}
