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
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { NotificationKind } from './notification.enums.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { AlertChannel, AlertEventType } from './alert.enums.js';
import { Notification } from './notification.entity.js';

/** One step of an alert: who did what, or who was told on which channel, and when. */
@Entity({ tableName: 'alert_timeline' })
@Index({ properties: ['notification', 'at'] })
@ObjectType({ description: 'One step of an alert: raised, delivered, seen, acknowledged, …' })
export class AlertTimelineEntry {
  [OptionalProps]?: 'actor' | 'byDevice' | 'channel' | 'recipient' | 'recipientName' | 'note';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable, increasing identifier.' })
  id!: number;

  @ManyToOne(() => Notification, { ref: true, deleteRule: 'cascade', index: false })
  notification!: Ref<Notification>;

  /** The alert's family (what the type's access policy reads). */
  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Enum({ items: () => AlertEventType })
  @Field(() => AlertEventType, { description: 'What happened.' })
  type!: AlertEventType;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When.' })
  at!: Date;

  /** The member who acted (acknowledged, resolved, read), if a member did. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  actor: Ref<User> | null = null;

  @Property({ default: false })
  @Field({ description: "Whether the family's Carebot did it (raised or cancelled)." })
  byDevice: boolean = false;

  @Enum({ items: () => AlertChannel, nullable: true })
  @Field(() => AlertChannel, { nullable: true, description: 'For DELIVERED: the channel.' })
  channel: AlertChannel | null = null;

  /** For DELIVERED to a member: the member. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  recipient: Ref<User> | null = null;

  @Property({ length: 100, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'For DELIVERED to someone outside the app: an emergency contact or the webhook.',
  })
  recipientName: string | null = null;

  @Property({ length: 500, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'More about it (the escalation step, the outcome note, a delivery failure).',
  })
  note: string | null = null;
}

/** What an alert timer does when it fires. */
export type AlertTimerKind = 'DELIVER' | 'ESCALATE' | 'REALERT' | 'WEBHOOK' | 'EMAIL' | 'RELEASE';

/**
 * A durable alert timer: the end of a grace window, an escalation step, a closed-loop re-alert,
 * a member's quiet hours ending (RELEASE: the WARN they held back), a webhook delivery or an
 * e-mail (an outbox row: written with the step that sends it, sent
 * after that step committed; with their retries). Stored in the database, so it survives restarts;
 * fired by whichever node claims it first (a conditional UPDATE), so it fires once.
 */
@Entity({ tableName: 'alert_timer' })
@Index({ properties: ['firedAt', 'dueAt'] })
@Unique({ properties: ['notification', 'key'] })
export class AlertTimer {
  [OptionalProps]?: 'attempts' | 'firedAt' | 'payload' | 'claimedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Notification, { ref: true, deleteRule: 'cascade', index: false })
  notification!: Ref<Notification>;

  @Property({ length: 20 })
  kind!: AlertTimerKind;

  /** Unique per alert: scheduling the same timer twice (two nodes, a retry) stores it once. */
  @Property({ length: 100 })
  key!: string;

  @Property({ type: 'json', nullable: true })
  payload: Record<string, unknown> | null = null;

  @Property({ type: 'datetime', length: 3 })
  dueAt!: Date;

  /** Set by the node that claims it; a claim that never finished is retried after a while. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  claimedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  firedAt: Date | null = null;

  @Property({ default: 0 })
  attempts: number = 0;
}

/** A family's alert settings (MANAGE): the grace window, the webhook and the escalation policy. */
@Entity({ tableName: 'alert_settings' })
@ObjectType({ description: "A family's alert settings: grace window, webhook, escalation." })
export class AlertSettings {
  [OptionalProps]?: 'graceSeconds' | 'graceKinds' | 'webhookUrl' | 'webhookSecret' | 'updatedAt';

  /** One row per family, keyed by it. */
  @ManyToOne(() => Family, { ref: true, primary: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  @Property({ default: 30 })
  @Field(() => Int, { description: 'Grace window in seconds (0: none).' })
  graceSeconds: number = 30;

  /** Kinds that wait for the grace window besides FALL. */
  @Property({ type: 'json' })
  @Field(() => [NotificationKind], { description: 'Kinds that wait for the window besides FALL.' })
  graceKinds: string[] = [];

  @Property({ length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Where escalations are POSTed, if set.' })
  webhookUrl: string | null = null;

  /** The HMAC-SHA256 key of the webhook's signature (shown to managers once, when set). */
  @Property({ length: 100, nullable: true })
  webhookSecret: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date & Opt = new Date();
}

/** Someone outside the app the family wants called in an emergency (MANAGE). */
@Entity({ tableName: 'emergency_contact' })
@Index({ properties: ['family', 'position'] })
@ObjectType({ description: 'An emergency contact of the family (someone outside the app).' })
export class EmergencyContact {
  [OptionalProps]?: 'email' | 'phone' | 'position';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade', index: false })
  family!: Ref<Family>;

  @Property({ length: 100 })
  @Field({ description: 'Name, 1–100 characters.' })
  name!: string;

  @Property({ length: 40, nullable: true })
  @Field(() => String, { nullable: true, description: 'Phone number (digits, spaces, +, -).' })
  phone: string | null = null;

  @Property({ length: 254, nullable: true })
  @Field(() => String, { nullable: true, description: 'E-mail address.' })
  email: string | null = null;

  /** Call order (lower first). */
  @Property({ default: 0 })
  @Field({ description: 'Call order: lower first.' })
  position: number = 0;
}

/**
 * A family's own escalation policy (MANAGE): what follows the immediate live delivery of a CRIT
 * alert. One row per family with the steps as JSON: the policy is only ever read and replaced
 * whole (at most five small steps), it is copied whole into the timers it starts, and a family
 * without a row follows the default (`DEFAULT_ALERT_POLICY` of alert.policy.ts).
 */
@Entity({ tableName: 'alert_policy' })
export class FamilyAlertPolicy {
  [OptionalProps]?: 'updatedAt';

  @ManyToOne(() => Family, { ref: true, primary: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  /** The escalation steps, in order (`EscalationStep` of alert.policy.ts). */
  @Property({ type: 'json' })
  steps!: {
    afterMinutes: number;
    roles: string[];
    userIds: number[];
    emergencyContacts: boolean;
    channels: string[];
  }[];

  /** Minutes after an acknowledgement before an unresolved CRIT re-alerts; null: never. */
  @Property({ type: 'integer', nullable: true })
  closedLoopMinutes!: number | null;

  @Property({ type: 'boolean' })
  closedLoopAcknowledger!: boolean;

  @Property({ type: 'json' })
  closedLoopRoles!: string[];

  @Property({ type: 'json' })
  closedLoopChannels!: string[];

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date & Opt = new Date();
}
