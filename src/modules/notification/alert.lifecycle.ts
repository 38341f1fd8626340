import type { EntityManager } from '../../database/orm.js';
import type { EventBus } from '../../realtime/events.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { FamilyRole, Membership, MembershipStatus } from '../family/membership.entity.js';
import {
  AlertSettings,
  AlertTimelineEntry,
  AlertTimer,
  type AlertTimerKind,
} from './alert.entities.js';
import { AlertChannel, AlertEventType, AlertState } from './alert.enums.js';
import { type Notification } from './notification.entity.js';
import { NotificationGrade, NotificationKind } from './notification.enums.js';

/** The same kind from the same family within this long is one alert with more occurrences. */
export const DEDUPE_WINDOW_MS = 10 * 60_000;
/** The default grace window of a FALL (per family: `AlertSettings.graceSeconds`). */
export const DEFAULT_GRACE_SECONDS = 30;

/**
 * The default escalation policy of a CRIT alert. Step 0 (every ACTIVE member, live, at once) is
 * the delivery itself; the later steps fire when the alert is still OPEN at their deadline,
 * counted from the delivery. After an acknowledgement, a CRIT still unresolved after
 * {@link CLOSED_LOOP_MS} re-alerts the acknowledger and the managers.
 */
export const ESCALATION_STEPS: readonly {
  afterMs: number;
  to: 'MEMBERS' | 'EMERGENCY_CONTACTS';
  channels: readonly AlertChannel[];
}[] = [
  { afterMs: 2 * 60_000, to: 'MEMBERS', channels: [AlertChannel.EMAIL, AlertChannel.WEBHOOK] },
  {
    afterMs: 10 * 60_000,
    to: 'EMERGENCY_CONTACTS',
    channels: [AlertChannel.EMAIL, AlertChannel.WEBHOOK],
  },
];
export const CLOSED_LOOP_MS = 30 * 60_000;

/** An alert changed: tell its subscribers once the change is committed. */
export function announceUpdate(
  em: EntityManager,
  events: EventBus,
  notification: Pick<Notification, 'id' | 'family' | 'deviceOnly'>,
  at: Date,
  afterCommit: (em: EntityManager, publish: () => void) => void,
): void {
  const event = {
    id: notification.id,
    familyId: notification.family.id,
    deviceOnly: notification.deviceOnly,
    at: at.toISOString(),
  };
  afterCommit(em, () => events.notificationUpdated(event));
}

/** One timeline entry (staged: the caller's flush writes it). */
export function record(
  em: EntityManager,
  notification: Notification,
  type: AlertEventType,
  at: Date,
  extra: Partial<
    Pick<AlertTimelineEntry, 'byDevice' | 'channel' | 'recipientName' | 'note'> & {
      actorId: number;
      recipientId: number;
    }
  > = {},
): AlertTimelineEntry {
  return em.create(AlertTimelineEntry, {
    notification,
    family: notification.family,
    type,
    at,
    byDevice: extra.byDevice ?? false,
    channel: extra.channel ?? null,
    recipientName: extra.recipientName ?? null,
    note: extra.note ?? null,
    actor: extra.actorId === undefined ? null : em.getReference(User, extra.actorId),
    recipient: extra.recipientId === undefined ? null : em.getReference(User, extra.recipientId),
  });
}

/** Stages a timer; the unique (notification, key) makes a second scheduling a no-op. */
export async function schedule(
  em: EntityManager,
  notificationId: number,
  kind: AlertTimerKind,
  key: string,
  dueAt: Date,
  payload: Record<string, unknown> | null = null,
): Promise<void> {
  await em
    .createQueryBuilder(AlertTimer)
    .insert({ notification: notificationId, kind, key, dueAt, payload, attempts: 0 })
    .onConflict(['notification', 'key'])
    .ignore()
    .execute('run');
}

/** A family's alert settings, or the defaults when it never set them. */
export async function alertSettingsOf(
  em: EntityManager,
  familyId: number,
): Promise<Pick<AlertSettings, 'graceSeconds' | 'graceKinds' | 'webhookUrl' | 'webhookSecret'>> {
  const stored = await em.findOne(AlertSettings, { family: familyId });
  return (
    stored ?? {
      graceSeconds: DEFAULT_GRACE_SECONDS,
      graceKinds: [],
      webhookUrl: null,
      webhookSecret: null,
    }
  );
}

/** A member who receives a family's alerts. */
export interface Recipient {
  userId: number;
  email: string;
  name: string;
  manager: boolean;
}

/** The main user and the ACTIVE members of a family: who alerts are for. */
export async function recipientsOf(em: EntityManager, familyId: number): Promise<Recipient[]> {
  const family = await em.findOneOrFail(Family, { id: familyId }, { populate: ['mainUser'] });
  const main = family.mainUser.getEntity();
  const members = await em.find(
    Membership,
    { family: familyId, status: MembershipStatus.ACTIVE },
    { populate: ['user'], orderBy: { id: 'asc' } },
  );
  return [
    { userId: main.id, email: main.email, name: main.name, manager: true },
    ...members.map((m) => ({
      userId: m.user.id,
      email: m.user.getEntity().email,
      name: m.user.getEntity().name,
      manager: m.role === FamilyRole.MANAGER,
    })),
  ];
}

/** Whether a new alert waits for the grace window before anyone but the Carebot hears of it. */
export function waitsForGrace(
  notification: Pick<Notification, 'grade' | 'kind'>,
  settings: Pick<AlertSettings, 'graceSeconds' | 'graceKinds'>,
): boolean {
  if (settings.graceSeconds <= 0) return false;
  if (
    notification.grade !== NotificationGrade.CRIT &&
    notification.grade !== NotificationGrade.WARN
  )
    return false;
  return (
    notification.kind === NotificationKind.FALL || settings.graceKinds.includes(notification.kind)
  );
}

/**
 * Starts delivery of an alert: a LIVE delivery entry per member, and for a CRIT the escalation
 * timers. The caller announces the alert (`notificationAdded`) after its commit.
 */
export async function startDelivery(
  em: EntityManager,
  notification: Notification,
  now: Date,
): Promise<void> {
  for (const recipient of await recipientsOf(em, notification.family.id))
    record(em, notification, AlertEventType.DELIVERED, now, {
      channel: AlertChannel.LIVE,
      recipientId: recipient.userId,
    });
  if (notification.grade === NotificationGrade.CRIT)
    for (const [index, step] of ESCALATION_STEPS.entries())
      await schedule(
        em,
        notification.id,
        'ESCALATE',
        `escalate:${index + 1}`,
        new Date(now.getTime() + step.afterMs),
        { step: index + 1 },
      );
}

/** The states in which an alert takes more occurrences. */
export const OPEN_STATES = [AlertState.OPEN, AlertState.ACKNOWLEDGED];
