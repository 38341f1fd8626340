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
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Family } from '../family/family.entity.js';
import { ActivityAction, Emotion, MentalSource, RiskLevel } from './report.enums.js';
import { File } from '../file/file.entity.js';

// Every reading: its family, the device's optional idempotency key (unique per family: a retry
// finds the first record), when it was measured and when it arrived. The (family, measuredAt)
// index serves "latest" and time-range reads.

@Entity({ tableName: 'home_status' })
@Index({ properties: ['family', 'measuredAt'] })
@Unique({ properties: ['family', 'reportId'] })
@ObjectType({ description: 'A home environment reading.' })
export class HomeStatus {
  [OptionalProps]?: 'createdAt' | 'reportId';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ length: 36, nullable: true })
  reportId: string | null = null;

  @Property({ type: 'double' })
  @Field(() => Float, { description: 'Room temperature, °C.' })
  temperature!: number;

  @Property({ type: 'double' })
  @Field(() => Float, { description: 'Relative humidity, %.' })
  humidity!: number;

  @Property({ type: 'double' })
  @Field(() => Float, { description: 'Fine dust density, µg/m³.' })
  dustDensity!: number;

  @Property({ type: 'double' })
  @Field(() => Float, { description: 'Gas level, ppm.' })
  gasLevel!: number;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the device measured it.' })
  measuredAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the server stored it.' })
  createdAt: Date & Opt = new Date();
}

@Entity({ tableName: 'health_status' })
@Index({ properties: ['family', 'measuredAt'] })
@Unique({ properties: ['family', 'reportId'] })
@ObjectType({ description: 'A vital-signs reading.' })
export class HealthStatus {
  [OptionalProps]?:
    | 'createdAt'
    | 'reportId'
    | 'heartRate'
    | 'bloodOxygen'
    | 'bodyTemperature'
    | 'systolic'
    | 'diastolic';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ length: 36, nullable: true })
  reportId: string | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Heart rate, beats per minute.' })
  heartRate: number | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Blood oxygen saturation, %.' })
  bloodOxygen: number | null = null;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, { nullable: true, description: 'Body temperature, °C.' })
  bodyTemperature: number | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Systolic blood pressure, mmHg.' })
  systolic: number | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Diastolic blood pressure, mmHg.' })
  diastolic: number | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the device measured it.' })
  measuredAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the server stored it.' })
  createdAt: Date & Opt = new Date();
}

@Entity({ tableName: 'activity' })
@Index({ properties: ['family', 'measuredAt'] })
@Unique({ properties: ['family', 'reportId'] })
@ObjectType({ description: 'What the elder was doing.' })
export class Activity {
  [OptionalProps]?: 'createdAt' | 'reportId' | 'imageId' | 'score';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ length: 36, nullable: true })
  reportId: string | null = null;

  @Enum({ items: () => ActivityAction })
  @Field(() => ActivityAction, { description: 'The activity.' })
  action!: ActivityAction;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, { nullable: true, description: 'How sure the device is, 0–1.' })
  score: number | null = null;

  // a foreign key to the file (file.references.ts): deleting the file clears it
  @ManyToOne(() => File, {
    mapToPk: true,
    fieldName: 'image_id',
    nullable: true,
    deleteRule: 'set null',
  })
  @Field(() => String, { nullable: true, description: 'A snapshot (file id), if one was taken.' })
  imageId: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the device saw it.' })
  measuredAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the server stored it.' })
  createdAt: Date & Opt = new Date();
}

@ObjectType({ description: 'Scores of each emotion, 0–1.' })
export class EmotionScores {
  @Field(() => Float, { description: 'Joy.' })
  joy!: number;

  @Field(() => Float, { description: 'Sadness.' })
  sadness!: number;

  @Field(() => Float, { description: 'Anger.' })
  anger!: number;

  @Field(() => Float, { description: 'Anxiety.' })
  anxiety!: number;

  @Field(() => Float, { description: 'Neutral.' })
  neutral!: number;
}

@Entity({ tableName: 'mental_status' })
@Index({ properties: ['family', 'measuredAt'] })
@Unique({ properties: ['family', 'reportId'] })
@ObjectType({ description: 'A mental-state reading.' })
export class MentalStatus {
  [OptionalProps]?: 'createdAt' | 'reportId';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ length: 36, nullable: true })
  reportId: string | null = null;

  @Enum({ items: () => Emotion })
  @Field(() => Emotion, { description: 'The dominant emotion.' })
  emotion!: Emotion;

  @Property({ type: 'double' }) joy!: number;
  @Property({ type: 'double' }) sadness!: number;
  @Property({ type: 'double' }) anger!: number;
  @Property({ type: 'double' }) anxiety!: number;
  @Property({ type: 'double' }) neutral!: number;

  @Enum({ items: () => MentalSource })
  @Field(() => MentalSource, { description: 'Where the reading came from.' })
  source!: MentalSource;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was measured.' })
  measuredAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the server stored it.' })
  createdAt: Date & Opt = new Date();
}

@Entity({ tableName: 'mental_report' })
@Index({ properties: ['family', 'createdAt'] })
@Unique({ properties: ['family', 'reportId'] })
@ObjectType({ description: "A summary of the elder's mental state over a period." })
export class MentalReport {
  [OptionalProps]?: 'createdAt' | 'reportId' | 'provider';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ length: 36, nullable: true })
  reportId: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'Start of the period.' })
  periodStart!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'End of the period.' })
  periodEnd!: Date;

  @Property({ type: 'text' })
  @Field({ description: 'Summary, up to 5,000 characters.' })
  summary!: string;

  @Enum({ items: () => RiskLevel })
  @Field(() => RiskLevel, { description: 'Assessed risk.' })
  riskLevel!: RiskLevel;

  @Property({ type: 'json' })
  @Field(() => [String], { description: 'Recommendations for the family, up to 20.' })
  recommendations!: string[];

  /** Who wrote it: `local`, a model name, or null when the Carebot submitted it. */
  @Property({ length: 100, nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'The AI provider that wrote it (`local` for the built-in statistics writer, else a model name); null when the Carebot submitted it.',
  })
  provider: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was submitted.' })
  createdAt: Date & Opt = new Date();
}
