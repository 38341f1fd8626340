import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Family } from './family.entity.js';

export enum FamilyRole {
  MANAGER = 'MANAGER',
  CAREGIVER = 'CAREGIVER',
}
registerEnumType(FamilyRole, {
  name: 'FamilyRole',
  description: 'What a member may do in a family (the main user has every MANAGER right).',
  valuesConfig: {
    MANAGER: { description: 'Approves and removes members, registers devices, changes settings.' },
    CAREGIVER: { description: 'Reads the family, sends messages and acknowledges alerts.' },
  },
});

export enum MembershipStatus {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
}
registerEnumType(MembershipStatus, {
  name: 'MembershipStatus',
  description: 'Only ACTIVE memberships grant access.',
  valuesConfig: {
    PENDING: { description: 'Asked to join; waits for a manager.' },
    ACTIVE: { description: 'A member of the family.' },
  },
});

/** A user's place in a family (the main user has none: they own the family). */
@Entity({ tableName: 'membership' })
@Unique({ properties: ['family', 'user'] })
@Index({ properties: ['user', 'status'] })
@ObjectType({ description: "A user's membership of a family." })
export class Membership {
  [OptionalProps]?: 'createdAt' | 'status';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Property({ length: 30 })
  @Field({ description: 'How the member relates to the elder, e.g. "daughter", "care worker".' })
  relation!: string;

  @Enum({ items: () => FamilyRole })
  @Field(() => FamilyRole, { description: 'What the member may do.' })
  role!: FamilyRole;

  @Enum({ items: () => MembershipStatus })
  @Field(() => MembershipStatus, { description: 'PENDING until a manager approves.' })
  status: MembershipStatus & Opt = MembershipStatus.PENDING;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the membership was requested or granted.' })
  createdAt: Date & Opt = new Date();
}
