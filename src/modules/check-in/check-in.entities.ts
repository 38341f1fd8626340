import { OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { CheckInKind, MeasurementKind, OccurrenceState } from './check-in.enums.js';

/**
 * A check-in a caregiver scheduled on the family's Carebot: a yes/no question (a medication
 * question when `medication`) or a measurement, due at a local time of day on some weekdays.
 */
@Entity({ tableName: 'check_in' })
@Index({ properties: ['family', 'id'] })
@Index({ properties: ['active'] })
@ObjectType({ description: "A check-in scheduled on the family's Carebot." })
export class CheckIn {
  [OptionalProps]?:
    'medication' | 'measurement' | 'alertBelow' | 'alertAbove' | 'active' | 'createdBy';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy: Ref<User> | null = null;

  @Enum({ items: () => CheckInKind })
  @Field(() => CheckInKind, { description: 'A yes/no question or a measurement.' })
  kind!: CheckInKind;

  @Property({ length: 200 })
  @Field({ description: 'What the Carebot asks, 1–200 characters.' })
  prompt!: string;

  @Property({ type: 'boolean' })
  @Field({ description: 'A medication question: answering NO raises an alert.' })
  medication: boolean = false;

  @Enum({ items: () => MeasurementKind, nullable: true })
  @Field(() => MeasurementKind, {
    nullable: true,
    description: 'MEASUREMENT: what is measured (null for a question).',
  })
  measurement: MeasurementKind | null = null;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, {
    nullable: true,
    description: 'MEASUREMENT: a value below this raises an alert (optional).',
  })
  alertBelow: number | null = null;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, {
    nullable: true,
    description: 'MEASUREMENT: a value above this raises an alert (optional).',
  })
  alertAbove: number | null = null;

  /** Minutes after local midnight. */
  @Property({ type: 'integer' })
  minute!: number;

  /** The days it falls due: bit i is WEEKDAYS[i] (Monday = bit 0); 127 is every day. */
  @Property({ type: 'integer' })
  weekdayMask!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Minutes the elder has to answer once it is due, 5–240.' })
  graceMinutes!: number;

  @Property({ type: 'boolean' })
  @Field({ description: 'Whether it falls due at all (inactive: kept with its history).' })
  active: boolean = true;

  /** Occurrences due before this instant are never created (creation, or the last time change). */
  @Property({ type: 'datetime', length: 3 })
  scheduleFrom!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was created.' })
  createdAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was last changed.' })
  updatedAt!: Date;
}

/**
 * One time a check-in fell due: created by the `check-ins` job, unique per check-in and local
 * date and time, so runs on any number of nodes create it once. `localDay` (days since
 * 1970-01-01 of the family's local date) makes weeks plain integer arithmetic in SQL.
 */
@Entity({ tableName: 'check_in_occurrence' })
@Unique({ properties: ['checkIn', 'localDay', 'minute'] })
@Index({ properties: ['family', 'localDay'] })
@Index({ properties: ['family', 'state', 'dueAt'] })
@Index({ properties: ['state', 'expiresAt'] })
@Index({ properties: ['needsAlert'] })
@Index({ properties: ['createdAt'] })
@ObjectType({ description: 'One time a check-in fell due, and its answer.' })
export class CheckInOccurrence {
  [OptionalProps]?:
    'state' | 'yes' | 'value' | 'negative' | 'needsAlert' | 'answeredAt' | 'alertedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, {
    description: 'Stable identifier, increasing: resume `checkInDue` after it.',
  })
  id!: number;

  @ManyToOne(() => CheckIn, { ref: true, deleteRule: 'cascade' })
  checkIn!: Ref<CheckIn>;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ type: 'integer' })
  localDay!: number;

  @Property({ type: 'integer' })
  minute!: number;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it fell due.' })
  dueAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the grace period ends: unanswered by then, MISSED.' })
  expiresAt!: Date;

  @Enum({ items: () => OccurrenceState })
  @Field(() => OccurrenceState, { description: 'Pending, answered or missed.' })
  state: OccurrenceState = OccurrenceState.PENDING;

  @Property({ type: 'boolean', nullable: true })
  @Field(() => Boolean, { nullable: true, description: 'QUESTION: the answer (true: yes).' })
  yes: boolean | null = null;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, { nullable: true, description: 'MEASUREMENT: the value, in the unit.' })
  value: number | null = null;

  @Property({ type: 'boolean' })
  @Field({
    description:
      "A worrying answer: NO to a medication question, or a value outside the caregiver's limits.",
  })
  negative: boolean = false;

  /** An alert is owed (missed or negative) and not raised yet: the job raises it. */
  @Property({ type: 'boolean' })
  needsAlert: boolean = false;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the Carebot answered.' })
  answeredAt: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  alertedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt!: Date;
}
