import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { NotificationGrade } from '../notification/notification.enums.js';
import { ActivityAction } from '../report/report.enums.js';
import { BaselineMetric, RoutineRuleKind } from './routine.enums.js';

/** Defaults of a family without a `care_settings` row. */
export const CARE_DEFAULTS = {
  timeZone: 'Asia/Seoul',
  deviceOfflineMinutes: 15,
  baselineLearningDays: 14,
} as const;

/** Per-family settings of routines and device health; a family without a row uses the defaults. */
@Entity({ tableName: 'care_settings' })
@ObjectType({ description: 'How routines and device health are judged for a family.' })
export class CareSettings {
  [OptionalProps]?: 'timeZone' | 'deviceOfflineMinutes' | 'baselineLearningDays' | 'updatedAt';

  @OneToOne(() => Family, { primary: true, ref: true, deleteRule: 'cascade', owner: true })
  family!: Ref<Family>;

  @Property({ length: 64 })
  @Field(() => String, {
    description:
      'IANA time zone of the elder (routine windows, chart buckets), default Asia/Seoul.',
  })
  timeZone: string & Opt = CARE_DEFAULTS.timeZone;

  @Property({ type: 'integer' })
  @Field(() => Int, {
    description: 'Minutes without a sign of life before the Carebot counts as offline, 5–1440.',
  })
  deviceOfflineMinutes: number & Opt = CARE_DEFAULTS.deviceOfflineMinutes;

  @Property({ type: 'integer', default: CARE_DEFAULTS.baselineLearningDays })
  @Field(() => Int, {
    description:
      'Days of data a personal baseline learns from before it judges readings (default 14, 7–60).',
  })
  baselineLearningDays: number & Opt = CARE_DEFAULTS.baselineLearningDays;

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date & Opt = new Date();
}

/** A time a Carebot was silent: from its last sign of life until it was heard from again. */
@Entity({ tableName: 'device_offline_period' })
@Index({ properties: ['device', 'endedAt'] })
@ObjectType({ description: 'A period in which a Carebot was offline.' })
export class DeviceOfflinePeriod {
  [OptionalProps]?: 'endedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Device, { ref: true, deleteRule: 'cascade' })
  device!: Ref<Device>;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'Last sign of life before the silence.' })
  startedAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the server noticed the silence.' })
  detectedAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'First sign of life after it (or its revocation); null while still offline.',
  })
  endedAt: Date | null = null;
}

/** A family's routine rule: what should (not) happen in a daily time window. */
@Entity({ tableName: 'routine_rule' })
@Index({ properties: ['kind'] })
@ObjectType({ description: 'A routine rule: an alert when the day departs from the routine.' })
export class RoutineRule {
  [OptionalProps]?: 'createdAt' | 'minDurationMinutes';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Enum({ items: () => RoutineRuleKind })
  @Field(() => RoutineRuleKind, { description: 'What the rule watches for.' })
  kind!: RoutineRuleKind;

  @Property({ type: 'json' })
  @Field(() => [ActivityAction], { description: 'The activities it is about.' })
  actions!: ActivityAction[];

  /** Minutes after local midnight. */
  @Property({ type: 'integer' })
  startMinute!: number;

  /** Minutes after local midnight; before `startMinute`: the window ends the next day. */
  @Property({ type: 'integer' })
  endMinute!: number;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, {
    nullable: true,
    description: 'LONG_ACTIVITY: how many minutes are too long.',
  })
  minDurationMinutes: number | null = null;

  @Enum({ items: () => NotificationGrade })
  @Field(() => NotificationGrade, { description: 'Grade of the alert it raises.' })
  grade!: NotificationGrade;

  @Property({ length: 200 })
  @Field({ description: 'Message of the alert it raises, 1–200 characters.' })
  message!: string;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was created; windows ending before never fire.' })
  createdAt: Date & Opt = new Date();
}

/**
 * One family's readings of one baseline metric on one local day (family time zone), kept up to
 * date by the `baselines` job so a band is learned from a few daily rows, never from history.
 * Vitals: `histogram` counts readings per value step (1 bpm, 1 %, 0.1 °C); ACTIVITY: it counts
 * reports per local hour ("0"–"23") and `count` is the day's total.
 */
@Entity({ tableName: 'baseline_day' })
@Unique({ properties: ['family', 'metric', 'day'] })
@Index({ properties: ['metric', 'checked'] })
export class BaselineDay {
  [OptionalProps]?: 'checked';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Enum({ items: () => BaselineMetric })
  metric!: BaselineMetric;

  /** Local calendar day, as days since 1970-01-01 on the family's wall clock. */
  @Property({ type: 'integer' })
  day!: number;

  @Property({ type: 'integer' })
  count!: number;

  @Property({ type: 'json' })
  histogram!: Record<string, number>;

  /** ACTIVITY: the finished day was judged against the band (once). */
  @Property({ type: 'boolean', default: false })
  checked: boolean & Opt = false;

  @Property({ type: 'datetime', length: 3 })
  updatedAt!: Date;
}

/** How far the `baselines` job has read a readings table: the largest id it has folded in. */
@Entity({ tableName: 'baseline_watermark' })
export class BaselineWatermark {
  @PrimaryKey({ length: 32 })
  source!: string;

  @Property({ type: 'integer' })
  lastId!: number;

  @Property({ type: 'datetime', length: 3 })
  updatedAt!: Date;
}
