import { DateType, type Opt, OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { File } from '../file/file.entity.js';

export enum UserRole {
  MAIN = 'MAIN',
  MEMBER = 'MEMBER',
  ADMIN = 'ADMIN',
}
registerEnumType(UserRole, {
  name: 'UserRole',
  description: 'What kind of account a user has.',
  valuesConfig: {
    MAIN: { description: 'The elder who lives with a Carebot; owns one family.' },
    MEMBER: { description: 'A family member or care worker who joins families.' },
    ADMIN: { description: 'Operator staff; created only from the command line.' },
  },
});

export enum Gender {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}
registerEnumType(Gender, {
  name: 'Gender',
  description: 'Gender as recorded at sign-up.',
  valuesConfig: { MALE: { description: 'Male.' }, FEMALE: { description: 'Female.' } },
});

/** A person with an account. The password hash never leaves this class (no `@Field`, hidden). */
@Entity({ tableName: 'user' })
@ObjectType({ description: 'A person with an account.' })
export class User {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'suspendedUntil' | 'passwordChangedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  /** Lower-cased; visible through `User.email` only to the user, their managers and admins. */
  @Property({ length: 254, unique: true })
  email!: string;

  @Property({ length: 255, hidden: true, lazy: true })
  passwordHash!: string;

  @Property({ length: 50 })
  @Field({ description: 'Display name.' })
  name!: string;

  @Enum({ items: () => UserRole })
  @Field(() => UserRole, { description: 'Kind of account.' })
  role!: UserRole;

  @Property({ type: DateType, nullable: true })
  birthDate: string | null = null;

  @Enum({ items: () => Gender, nullable: true })
  gender: Gender | null = null;

  @Property({ length: 2, nullable: true })
  masterRegionCode: string | null = null;

  @Property({ length: 5, nullable: true })
  subRegionCode: string | null = null;

  @Property({ length: 200, nullable: true })
  addressDetail: string | null = null;

  @Property({ length: 20, nullable: true })
  phone: string | null = null;

  /**
   * The profile picture: a READY `AVATAR` file the user owns, referenced by id like every other
   * record's file, by a foreign key (file.references.ts): deleting the file clears it.
   * Exposed as `User.avatar` to whoever may see it (Access.canSeeAvatar).
   */
  @ManyToOne(() => File, {
    mapToPk: true,
    fieldName: 'avatar_id',
    nullable: true,
    deleteRule: 'set null',
  })
  avatarId: string | null = null;

  /** While in the future, the user can neither log in nor use an existing session. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  suspendedUntil: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  passwordChangedAt: (Date & Opt) | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the account was created.' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
