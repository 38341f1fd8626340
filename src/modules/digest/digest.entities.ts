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
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { DigestLocale } from './digest.enums.js';
import type { DigestContent } from './digest.sections.js';

/** Whether one member wants a family's daily digest by e-mail, and in which language. */
@Entity({ tableName: 'digest_preference' })
@Unique({ properties: ['family', 'user'] })
@Index({ properties: ['enabled', 'family'] })
@ObjectType({ description: "A member's choice about a family's daily digest e-mail." })
export class DigestPreference {
  [OptionalProps]?: 'enabled' | 'locale' | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade', index: false })
  family!: Ref<Family>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Property({ default: false })
  @Field({ description: 'Whether the digest is e-mailed every morning (off until turned on).' })
  enabled: boolean = false;

  @Enum({ items: () => DigestLocale })
  @Field(() => DigestLocale, { description: 'Language of the e-mail (default KO).' })
  locale: DigestLocale = DigestLocale.KO;

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date & Opt = new Date();
}

/**
 * The digest of one family's local day. One row per family and day (unique): a second run or a
 * second node inserting the same day is ignored, so the e-mails go out once.
 */
@Entity({ tableName: 'digest' })
@Unique({ properties: ['family', 'day'] })
@Index({ properties: ['family', 'periodStart'] })
@ObjectType({ description: "A daily digest: the family's previous local day in numbers." })
export class Digest {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade', index: false })
  family!: Ref<Family>;

  @Property({ length: 10 })
  @Field({ description: 'The local day it covers, YYYY-MM-DD.' })
  day!: string;

  @Property({ length: 64 })
  @Field({ description: 'The IANA time zone the day was taken in.' })
  timeZone!: string;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'Start of the day (local midnight).' })
  periodStart!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'End of the day (exclusive).' })
  periodEnd!: Date;

  /** The sections, computed once (see digest.sections.ts). */
  @Property({ type: 'json' })
  content!: DigestContent;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was made.' })
  createdAt: Date & Opt = new Date();
}

/** One member's e-mail of one digest: stored with the digest, claimed once when sent. */
@Entity({ tableName: 'digest_delivery' })
@Unique({ properties: ['digest', 'user'] })
@Index({ properties: ['sentAt', 'createdAt'] })
export class DigestDelivery {
  [OptionalProps]?: 'sentAt' | 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Digest, { ref: true, deleteRule: 'cascade', index: false })
  digest!: Ref<Digest>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Enum({ items: () => DigestLocale })
  locale!: DigestLocale;

  /** Set by the run that claims it (a conditional UPDATE), just before it hands it to the mailer. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();
}
