import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { Family } from './family.entity.js';
import { File } from '../file/file.entity.js';

/** A picture shown behind the family's dashboard (seed 1.0.2); the file lives in storage. */
@Entity({ tableName: 'family_background' })
@ObjectType({ description: "A picture for the family's dashboard background." })
export class FamilyBackground {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  // a background is nothing but its picture: it goes with the file (file.references.ts)
  @ManyToOne(() => File, { mapToPk: true, fieldName: 'file_id', deleteRule: 'cascade' })
  @Field(() => String, { description: 'The stored file (from the upload API).' })
  fileId!: string;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was added.' })
  createdAt: Date & Opt = new Date();
}
