import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { File } from '../file/file.entity.js';
import {
  CareSessionKind,
  CareSessionState,
  DeviceCommandKind,
  TransitionActor,
} from './care-session.enums.js';

/** What a caregiver asked the session to do (stored as JSON, validated on input). */
@ObjectType({ description: 'The parameters a care session was started with.' })
export class CareSessionParameters {
  @Field(() => Int, {
    nullable: true,
    description: 'How long the session should take at most, in minutes.',
  })
  durationMinutes?: number | null;

  @Field(() => String, { nullable: true, description: 'A note for the elder or the Carebot.' })
  note?: string | null;
}

/**
 * A care session: a caregiver commands the family's Carebot to run a check-in call, a vitals
 * measurement or a cognitive assessment, and the Carebot reports its progress. `activeDevice`
 * holds the device id while the session is not final and null afterwards; its unique index is
 * what makes "one active session per device" hold when two starts race.
 */
@Entity({ tableName: 'care_session' })
@Index({ properties: ['family', 'createdAt'] })
@Index({ properties: ['device', 'createdAt'] })
@ObjectType({ description: "A care session run on a family's Carebot." })
export class CareSession {
  [OptionalProps]?:
    | 'state'
    | 'progress'
    | 'reason'
    | 'resultFileId'
    | 'requestedBy'
    | 'activeDevice'
    | 'version'
    | 'endedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @ManyToOne(() => Device, { ref: true, deleteRule: 'cascade' })
  device!: Ref<Device>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  requestedBy: Ref<User> | null = null;

  @Enum({ items: () => CareSessionKind })
  @Field(() => CareSessionKind, { description: 'What the session does.' })
  kind!: CareSessionKind;

  @Enum({ items: () => CareSessionState })
  @Field(() => CareSessionState, { description: 'Where it stands now.' })
  state: CareSessionState = CareSessionState.REQUESTED;

  @Property({ type: 'json' })
  @Field(() => CareSessionParameters, { description: 'What it was started with.' })
  parameters!: CareSessionParameters;

  @Property()
  @Field(() => Int, { description: 'How far the Carebot got, 0–100.' })
  progress: number = 0;

  @Property({ length: 200, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Why it was rejected or failed, as the Carebot said (or the server, on timeouts).',
  })
  reason: string | null = null;

  // a foreign key to the file (file.references.ts): the uploaded result table
  @ManyToOne(() => File, {
    mapToPk: true,
    fieldName: 'result_file_id',
    nullable: true,
    deleteRule: 'set null',
  })
  @Field(() => String, {
    nullable: true,
    description: 'The result file (id) the Carebot attached.',
  })
  resultFileId: string | null = null;

  /** The device id while the session runs, null once it is final (unique: one per device). */
  @Property({ type: 'integer', nullable: true, unique: true })
  activeDevice: number | null = null;

  /** Bumped by every transition: a report read before another one landed does not overwrite it. */
  @Property()
  version: number = 0;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was requested.' })
  createdAt!: Date;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it last changed (a state or a progress report).' })
  updatedAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it reached a final state.' })
  endedAt: Date | null = null;
}

/**
 * One step of a care session, stored with its time: every state change, every progress report,
 * and the commands sent to the Carebot (`command`). Its id is the cursor of
 * `careSessionUpdated(after)` and `deviceCommand(after)`.
 */
@Entity({ tableName: 'care_session_transition' })
@Index({ properties: ['session', 'id'] })
@Index({ properties: ['device', 'command', 'id'] })
@ObjectType({ description: 'One step of a care session (a state change or a progress report).' })
export class CareSessionTransition {
  [OptionalProps]?: 'progress' | 'reason' | 'command' | 'from';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier, increasing: resume subscriptions after it.' })
  id!: number;

  @ManyToOne(() => CareSession, { ref: true, deleteRule: 'cascade' })
  session!: Ref<CareSession>;

  /** The session's device, so a device's commands are one index range. */
  @ManyToOne(() => Device, { ref: true, deleteRule: 'cascade' })
  device!: Ref<Device>;

  @Enum({ items: () => CareSessionState, nullable: true })
  @Field(() => CareSessionState, {
    nullable: true,
    description: 'The state before (null for the request itself).',
  })
  from: CareSessionState | null = null;

  @Enum({ items: () => CareSessionState })
  @Field(() => CareSessionState, { description: 'The state after.' })
  state!: CareSessionState;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'The progress reported with it, 0–100.' })
  progress: number | null = null;

  @Property({ length: 200, nullable: true })
  @Field(() => String, { nullable: true, description: 'The reason given with it.' })
  reason: string | null = null;

  @Enum({ items: () => TransitionActor })
  @Field(() => TransitionActor, { description: 'Who caused it.' })
  actor!: TransitionActor;

  /** The command this step sent to the Carebot, if any. */
  @Enum({ items: () => DeviceCommandKind, nullable: true })
  command: DeviceCommandKind | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it happened.' })
  at!: Date & Opt;
}
