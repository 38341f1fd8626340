import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';

/** The household of one elder (the main user): members, devices, settings and everything reported. */
@Entity({ tableName: 'family' })
@ObjectType({
  description: 'The household of one elder: members, Carebot devices, settings and reports.',
})
export class Family {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'memo';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @Property({ length: 50 })
  @Field({ description: 'Name of the family, 1–50 characters.' })
  familyName!: string;

  @Property({ length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Free notes, up to 500 characters.' })
  memo: string | null = null;

  /** One family per main user: the unique index enforces it even under concurrent requests. */
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', unique: true })
  mainUser!: Ref<User>;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the family was created.' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
