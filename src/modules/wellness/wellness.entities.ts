import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Emotion } from '../report/report.enums.js';

/** Limits of a journal entry (stated in the schema descriptions and README). */
export const JOURNAL_LIMITS = {
  intensityMin: 1,
  intensityMax: 10,
  noteMax: 1000,
  tagsMax: 10,
  tagMax: 30,
  /** Longest period `emotionStats` covers, in days. */
  statsMaxDays: 366,
} as const;

/**
 * One entry of a user's emotion journal (seed 002 §3.1). Belongs to its writer; the main user's
 * journal may be shared read-only with the family (settings.shareJournal).
 */
@Entity({ tableName: 'emotion_entry' })
@Index({ properties: ['owner', 'day'] })
@ObjectType({ description: 'One entry of an emotion journal: how its writer felt on a day.' })
export class EmotionEntry {
  [OptionalProps]?: 'note' | 'tags' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: false })
  owner!: Ref<User>;

  @Enum({ items: () => Emotion })
  @Field(() => Emotion, { description: 'The emotion felt (the set Carebot mood analyses use).' })
  emotion!: Emotion;

  @Property()
  @Field(() => Int, { description: 'How strongly, 1 (barely) to 10 (overwhelming).' })
  intensity!: number;

  @Property({ length: JOURNAL_LIMITS.noteMax })
  @Field(() => String, { description: 'Free note, up to 1,000 characters (may be empty).' })
  note: string & Opt = '';

  @Property({ type: 'json' })
  @Field(() => [String], { description: 'Tags, at most 10 of 1–30 characters each.' })
  tags: string[] & Opt = [];

  /**
   * The writer's local calendar date, kept as midnight UTC of that date: ordered and paged like
   * every other time field, turned back into a `Date` (YYYY-MM-DD) for the schema.
   */
  @Property({ type: 'datetime', length: 3 })
  day!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was written (server time).' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it last changed (server time).' })
  updatedAt: Date & Opt = new Date();
}
