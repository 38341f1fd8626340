import { Collection, type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToMany,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { NotificationGrade, NotificationKind } from './notification.enums.js';
import { AlertOutcome, AlertState } from './alert.enums.js';
import { File } from '../file/file.entity.js';
import { NotificationAudience } from './notification.audience.js';

/** An alert or notice for a family. Ids are monotonic: subscribers resume after the last one seen. */
@Entity({ tableName: 'notification' })
@Index({ properties: ['family', 'createdAt'] })
@Index({ properties: ['family', 'kind', 'createdAt'] })
@Index({ properties: ['createdAt'] })
@Index({ properties: ['deliverySeq'] })
// a job raises an alert with a key (e.g. `inactivity:<quiet since>`): stored once per family
// however many nodes or runs try, by an insert that ignores the conflict
@Unique({ properties: ['family', 'dedupeKey'] })
@ObjectType({ description: 'An alert or notice for a family.' })
export class Notification {
  [OptionalProps]?:
    | 'createdAt'
    | 'imageId'
    | 'acknowledgedBy'
    | 'acknowledgedAt'
    | 'dedupeKey'
    | 'state'
    | 'outcome'
    | 'resolvedAt'
    | 'resolutionNote'
    | 'occurrences'
    | 'lastOccurredAt'
    | 'deviceOnly'
    | 'deliverAt'
    | 'deliverySeq'
    | 'audience';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, {
    description: 'Stable, increasing identifier (resume cursor for subscriptions).',
  })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Enum({ items: () => NotificationGrade })
  @Field(() => NotificationGrade, { description: 'How urgent.' })
  grade!: NotificationGrade;

  @Enum({ items: () => NotificationKind })
  @Field(() => NotificationKind, { description: 'What it is about.' })
  kind!: NotificationKind;

  @Property({ length: 500 })
  @Field({ description: 'Human-readable text.' })
  message!: string;

  // a foreign key to the file (file.references.ts): deleting the file clears it
  @ManyToOne(() => File, {
    mapToPk: true,
    fieldName: 'image_id',
    nullable: true,
    deleteRule: 'set null',
  })
  imageId: string | null = null;

  /** Unique per family when set: what makes a job's alert idempotent (see `notify`). */
  @Property({ length: 100, nullable: true })
  dedupeKey: string | null = null;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  acknowledgedBy: Ref<User> | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When someone took responsibility for it.' })
  acknowledgedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was raised.' })
  createdAt: Date & Opt = new Date();

  /** Null for NONE and INFO (not alerts); see alert.enums.ts. */
  @Enum({ items: () => AlertState, nullable: true })
  state: AlertState | null = null;

  @Enum({ items: () => AlertOutcome, nullable: true })
  outcome: AlertOutcome | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  resolvedAt: Date | null = null;

  @Property({ length: 500, nullable: true })
  resolutionNote: string | null = null;

  /** How many times the same kind came from the family while this alert was open (≥ 1). */
  @Property({ default: 1 })
  occurrences: number = 1;

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastOccurredAt: Date | null = null;

  /**
   * True while only the family's Carebot may see it: during the grace window, and for good when
   * it was cancelled there. Lists, counts and live events leave it out for everyone else.
   */
  @Property({ default: false })
  deviceOnly: boolean = false;

  /**
   * Who among the members hears of it: FAMILY (everyone), or MANAGERS (the main user and the
   * MANAGER members). Lists, counts, lookups, replays and live events leave a MANAGERS one out
   * for a caregiver as they leave a `deviceOnly` one out for every member.
   */
  @Enum({ items: () => NotificationAudience, default: NotificationAudience.FAMILY })
  audience: NotificationAudience = NotificationAudience.FAMILY;

  /** When delivery starts (the end of the grace window); null when it started at once. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  deliverAt: Date | null = null;

  /**
   * Where an alert delivered after its grace window stands in delivery order, which resumes
   * `notificationAdded`: the largest notification id at its delivery plus 0.5, so it sorts after
   * everything raised before it was delivered and before everything raised later. Null for one
   * delivered when raised: its id is its place. See {@link deliveryKey}.
   */
  @Property({ type: 'double', nullable: true })
  deliverySeq: number | null = null;

  /** Who has read it (for "unread" filters: `reads: { $none: { user } }`). */
  @OneToMany(() => NotificationRead, (read) => read.notification)
  reads = new Collection<NotificationRead>(this);
}

/** One user has read one notification (read state is per user). */
@Entity({ tableName: 'notification_read' })
@Unique({ properties: ['notification', 'user'] })
@Index({ properties: ['user', 'notification'] })
export class NotificationRead {
  [OptionalProps]?: 'readAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Notification, { ref: true, deleteRule: 'cascade' })
  notification!: Ref<Notification>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Property({ type: 'datetime', length: 3 })
  readAt: Date & Opt = new Date();
}

/** A notification's place in delivery order (what a resume cursor compares). */
export function deliveryKey(notification: Pick<Notification, 'id' | 'deliverySeq'>): number {
  return notification.deliverySeq ?? notification.id;
}
