import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  PrimaryKey,
  Property,
} from '@mikro-orm/decorators/legacy';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CareSession } from '../care-session/care-session.entities.js';
import { Family } from '../family/family.entity.js';
import { File } from '../file/file.entity.js';

/** One input column of a scoring model: its name in the CSV header and its allowed range. */
@ObjectType({ description: 'An input column of a scoring model.' })
export class ModelColumn {
  @Field({ description: 'The column’s name in the CSV header.' })
  name!: string;

  @Field(() => Float, { description: 'The smallest value allowed.' })
  min!: number;

  @Field(() => Float, { description: 'The largest value allowed.' })
  max!: number;
}

/**
 * A registered scoring model (seed 003's `AI` table): a linear model whose coefficients are data,
 * so a new model is a row, not code. Score of a table = the mean over its rows of
 * `intercept + Σ coefficients[i] × row[inputColumns[i]]`.
 */
@Entity({ tableName: 'scoring_model' })
@ObjectType({ description: 'A registered model that scores assessment tables.' })
export class ScoringModel {
  [OptionalProps]?: 'available' | 'intercept' | 'createdAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @Property({ length: 50, unique: true })
  @Field({ description: 'Unique name, e.g. `linear-v1`.' })
  name!: string;

  @Property({ length: 500 })
  @Field({ description: 'What it measures.' })
  description!: string;

  @Property({ type: 'json' })
  @Field(() => [ModelColumn], { description: 'The CSV columns it reads, in order.' })
  inputColumns!: ModelColumn[];

  @Property({ type: 'json' })
  @Field(() => [Float], { description: 'One coefficient per input column, in order.' })
  coefficients!: number[];

  @Property({ type: 'double' })
  @Field(() => Float, { description: 'Added to every row’s weighted sum.' })
  intercept: number = 0;

  @Property()
  @Field({ description: 'Whether new results are scored with it.' })
  available: boolean = true;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();
}

export enum AssessmentStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}
registerEnumType(AssessmentStatus, {
  name: 'AssessmentStatus',
  description: 'Where the scoring of an assessment result stands.',
  valuesConfig: {
    PENDING: { description: 'Queued.' },
    RUNNING: { description: 'A worker is scoring it.' },
    DONE: { description: 'Scored: `score` is set.' },
    FAILED: { description: 'Could not be scored: `error` says why.' },
  },
});

/**
 * The result of a care session's assessment and the log of its scoring run (seed 003's `AIlog`):
 * the input file, its normalised copy, the model, when the run started and finished, the score
 * or the error. One per session.
 */
@Entity({ tableName: 'assessment_result' })
@Index({ properties: ['family', 'createdAt'] })
@ObjectType({ description: 'A scored (or scoring) assessment result of a care session.' })
export class AssessmentResult {
  [OptionalProps]?:
    'status' | 'score' | 'error' | 'startedAt' | 'finishedAt' | 'jobId' | 'createdAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @OneToOne(() => CareSession, { ref: true, owner: true, unique: true, deleteRule: 'cascade' })
  session!: Ref<CareSession>;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @ManyToOne(() => ScoringModel, { ref: true, deleteRule: 'cascade' })
  model!: Ref<ScoringModel>;

  // foreign keys to the files (file.references.ts): the upload as received, and its normalised copy
  @ManyToOne(() => File, {
    mapToPk: true,
    fieldName: 'input_file_id',
    nullable: true,
    deleteRule: 'set null',
  })
  @Field(() => String, { nullable: true, description: 'The uploaded table (file id).' })
  inputFileId!: string | null;

  @ManyToOne(() => File, {
    mapToPk: true,
    fieldName: 'normalised_file_id',
    nullable: true,
    deleteRule: 'set null',
  })
  @Field(() => String, {
    nullable: true,
    description: 'Its normalised copy (file id): the model’s columns in order, numbers canonical.',
  })
  normalisedFileId!: string | null;

  @Property()
  @Field(() => Int, { description: 'Data rows in the table.' })
  rowCount!: number;

  @Enum({ items: () => AssessmentStatus })
  @Field(() => AssessmentStatus, { description: 'Where the scoring stands.' })
  status: AssessmentStatus = AssessmentStatus.PENDING;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, { nullable: true, description: 'The score, once DONE.' })
  score: number | null = null;

  @Property({ length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Why scoring failed, if it did.' })
  error: string | null = null;

  /** The scoring job (an `ai_job` row). */
  @Property({ type: 'integer', nullable: true })
  jobId: number | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the scoring run started.' })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the scoring run finished.' })
  finishedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the result was uploaded.' })
  createdAt: Date & Opt = new Date();
}

/** A family's expected score band; a score outside it raises a WARN. */
@Entity({ tableName: 'assessment_band' })
@ObjectType({ description: "The score band a family's assessments are expected in." })
export class AssessmentBand {
  [OptionalProps]?: 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @OneToOne(() => Family, { ref: true, owner: true, unique: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ type: 'double' })
  @Field(() => Float, { description: 'The lowest expected score.' })
  low!: number;

  @Property({ type: 'double' })
  @Field(() => Float, { description: 'The highest expected score.' })
  high!: number;

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date & Opt = new Date();
}
