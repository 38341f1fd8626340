import type { EntityManager } from '../../database/orm.js';
import type { EventBus } from '../../realtime/events.js';
import { User } from '../account/user.entity.js';
import { FamilyRole } from '../family/membership.entity.js';
import {
  AlertSettings,
  AlertTimelineEntry,
  AlertTimer,
  type AlertTimerKind,
  type FamilyAlertPolicy,
} from './alert.entities.js';
import { AlertChannel, AlertEventType, AlertState } from './alert.enums.js';
import {
  alertPoliciesFor,
  DEFAULT_ALERT_POLICY,
  type EscalationPolicy,
  policyFromColumns,
  stepSnapshot,
} from './alert.policy.js';
import { type Notification } from './notification.entity.js';
import { NotificationGrade, NotificationKind } from './notification.enums.js';
import { NotificationAudience } from './notification.audience.js';
import {
  inQuietHours,
  liveHold,
  preferencesOf,
  quietHoursEndAfter,
  wantsEmail,
} from './delivery-preference.js';

/** The same kind from the same family within this long is one alert with more occurrences. */
export const DEDUPE_WINDOW_MS = 10 * 60_000;
/** The default grace window of a FALL (per family: `AlertSettings.graceSeconds`). */
export const DEFAULT_GRACE_SECONDS = 30;

/** An alert changed: tell its subscribers once the change is committed. */
export function announceUpdate(
  em: EntityManager,
  events: EventBus,
  notification: Pick<Notification, 'id' | 'family' | 'deviceOnly' | 'audience'>,
  at: Date,
  afterCommit: (em: EntityManager, publish: () => void) => void,
): void {
  const event = {
    id: notification.id,
    familyId: notification.family.id,
    deviceOnly: notification.deviceOnly,
    ...(notification.audience === NotificationAudience.MANAGERS
      ? { audience: notification.audience }
      : {}),
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

/** Writes a timer; the unique (notification, key) makes a second scheduling a no-op. */
export async function schedule(
  em: EntityManager,
  notificationId: number,
  kind: AlertTimerKind,
  key: string,
  dueAt: Date,
  payload: Record<string, unknown> | null = null,
): Promise<void> {
  await scheduleAll(em, [{ notification: notificationId, kind, key, dueAt, payload }]);
}

/** What of a family's alert settings delivery reads. */
export type DeliverySettings = Pick<
  AlertSettings,
  'graceSeconds' | 'graceKinds' | 'webhookUrl' | 'webhookSecret'
>;

const DEFAULT_SETTINGS: DeliverySettings = {
  graceSeconds: DEFAULT_GRACE_SECONDS,
  graceKinds: [],
  webhookUrl: null,
  webhookSecret: null,
};

/** A family's alert settings, or the defaults when it never set them. */
export async function alertSettingsOf(
  em: EntityManager,
  familyId: number,
): Promise<DeliverySettings> {
  const stored = await em.findOne(AlertSettings, { family: familyId });
  return stored ?? DEFAULT_SETTINGS;
}

/** What delivery reads of a family: its alert settings and its escalation policy. */
export type DeliveryPlan = DeliverySettings & { policy: EscalationPolicy };

/** JSON as the driver hands it over: text (SQLite, MariaDB) or already parsed. */
function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * The alert settings and escalation policies of several families in one query (the defaults for
 * those without): a batch of alerts (a disaster broadcast) costs one statement for both, whatever
 * the number of families.
 */
export async function alertSettingsFor(
  em: EntityManager,
  familyIds: readonly number[],
): Promise<(familyId: number) => DeliveryPlan> {
  const ids = [...new Set(familyIds)];
  if (ids.length === 0) return () => ({ ...DEFAULT_SETTINGS, policy: DEFAULT_ALERT_POLICY });
  const rows = await em.execute<Record<string, unknown>[]>(
    `select f.\`id\` as family_id, s.\`family_id\` as settings, s.\`grace_seconds\`, s.\`grace_kinds\`,
      s.\`webhook_url\`, s.\`webhook_secret\`, p.\`family_id\` as policy, p.\`steps\`,
      p.\`closed_loop_minutes\`, p.\`closed_loop_acknowledger\`, p.\`closed_loop_roles\`,
      p.\`closed_loop_channels\`
      from \`family\` f
      left join \`alert_settings\` s on s.\`family_id\` = f.\`id\`
      left join \`alert_policy\` p on p.\`family_id\` = f.\`id\`
      where f.\`id\` in (${ids.map(() => '?').join(', ')})`,
    ids,
    'all',
    em.getLoggerContext(),
  );
  const byFamily = new Map(
    rows.map((row): [number, DeliveryPlan] => [
      Number(row['family_id']),
      {
        ...(row['settings'] === null
          ? DEFAULT_SETTINGS
          : {
              graceSeconds: Number(row['grace_seconds']),
              graceKinds: json<string[]>(row['grace_kinds'], []),
              webhookUrl: (row['webhook_url'] as string | null) ?? null,
              webhookSecret: (row['webhook_secret'] as string | null) ?? null,
            }),
        policy:
          row['policy'] === null
            ? DEFAULT_ALERT_POLICY
            : policyFromColumns({
                steps: json<FamilyAlertPolicy['steps']>(row['steps'], []),
                closedLoopMinutes:
                  row['closed_loop_minutes'] === null ? null : Number(row['closed_loop_minutes']),
                closedLoopAcknowledger: Boolean(Number(row['closed_loop_acknowledger'])),
                closedLoopRoles: json<string[]>(row['closed_loop_roles'], []),
                closedLoopChannels: json<string[]>(row['closed_loop_channels'], []),
                // delivery copies the steps only: when the policy was set does not matter here
                updatedAt: null,
              }),
      },
    ]),
  );
  return (familyId) =>
    byFamily.get(familyId) ?? { ...DEFAULT_SETTINGS, policy: DEFAULT_ALERT_POLICY };
}

/** A member who receives a family's alerts. */
export interface Recipient {
  userId: number;
  email: string;
  name: string;
  /** MAIN (the family's main user) or the member's role. */
  role: AudienceRole;
  /** The main user and MANAGERs. */
  manager: boolean;
}

/** A member's standing in a family as alert recipients are chosen by it. */
export type AudienceRole = 'MAIN' | FamilyRole;

/**
 * Who the alerts of some families are for, as one SELECT: each family's main user (`MAIN`) and
 * its ACTIVE members (by role), main user first then by membership — `family_id`, `user_id`,
 * `role`, `position`. One statement whatever the number of members (or families), so it feeds
 * both the recipients' rows and the INSERT … SELECT of their deliveries. Bind the family ids
 * twice.
 */
function audience(families: number): string {
  const ids = Array.from({ length: families }, () => '?').join(', ');
  return `select f.\`id\` as family_id, f.\`main_user_id\` as user_id, 'MAIN' as role, 0 as position
  from \`family\` f where f.\`id\` in (${ids})
  union all
  select m.\`family_id\`, m.\`user_id\`, m.\`role\`, m.\`id\` from \`membership\` m
  where m.\`family_id\` in (${ids}) and m.\`status\` = 'ACTIVE'`;
}

/**
 * The main user and the ACTIVE members of a family (plain rows, one query); of a MANAGERS
 * notification's audience, the main user and the managers only.
 */
export async function recipientsOf(
  em: EntityManager,
  familyId: number,
  reaches: NotificationAudience = NotificationAudience.FAMILY,
): Promise<Recipient[]> {
  return reachedBy((await rostersOf(em, [familyId]))(familyId), reaches);
}

/**
 * The rosters (main user first, then ACTIVE members by membership) of several families in one
 * query, whatever their number.
 */
export async function rostersOf(
  em: EntityManager,
  familyIds: readonly number[],
): Promise<(familyId: number) => Recipient[]> {
  const ids = [...new Set(familyIds)];
  const byFamily = new Map<number, Recipient[]>();
  if (ids.length > 0) {
    const rows = await em.execute<
      { family_id: number; user_id: number; role: string; email: string; name: string }[]
    >(
      `select a.family_id, a.user_id, a.role, u.\`email\`, u.\`name\` from (${audience(ids.length)}) a
        join \`user\` u on u.\`id\` = a.user_id order by a.family_id, a.position`,
      [...ids, ...ids],
      'all',
      em.getLoggerContext(),
    );
    for (const row of rows) {
      const familyId = Number(row.family_id);
      let roster = byFamily.get(familyId);
      if (roster === undefined) byFamily.set(familyId, (roster = []));
      roster.push({
        userId: Number(row.user_id),
        email: row.email,
        name: row.name,
        role: row.role as AudienceRole,
        manager: row.role !== (FamilyRole.CAREGIVER as string),
      });
    }
  }
  return (familyId) => byFamily.get(familyId) ?? [];
}

/** Those of a roster a notification for `reaches` is for. */
function reachedBy(roster: Recipient[], reaches: NotificationAudience): Recipient[] {
  return reaches === NotificationAudience.MANAGERS
    ? roster.filter((recipient) => recipient.manager)
    : roster;
}

/** What delivery reads of an alert. */
type DeliveredAlert = Pick<
  Notification,
  'id' | 'family' | 'grade' | 'kind' | 'message' | 'createdAt' | 'audience'
>;

/**
 * Records a LIVE delivery of each alert to every member of its audience (main user first) with
 * one INSERT … SELECT: the statement count grows neither with the family nor with the alerts.
 * A caregiver is left out of a MANAGERS alert. Members' delivery preferences (one read for
 * every family) leave out those a WARN is held back from: below their lowest live grade (for
 * good), or in their quiet hours (a RELEASE timer delivers it when they end). A member who
 * wants WARN e-mails gets one now, or at the release. Nothing more for a family whose members
 * set nothing, and never for a CRIT.
 */
export async function recordLiveDeliveries(
  em: EntityManager,
  notifications: readonly DeliveredAlert[],
  now: Date,
): Promise<void> {
  if (notifications.length === 0) return;
  const families = [...new Set(notifications.map((n) => n.family.id))];
  const ids = notifications.map((n) => n.id);
  const held = await holdDeliveries(em, notifications, now);
  const skip = held.map(() => '(n.`id` = ? and a.user_id = ?)').join(' or ');
  await em.execute(
    `insert into \`alert_timeline\`
      (\`notification_id\`, \`family_id\`, \`type\`, \`at\`, \`by_device\`, \`channel\`, \`recipient_id\`)
      select n.\`id\`, n.\`family_id\`, ?, ?, 0, ?, a.user_id
      from \`notification\` n join (${audience(families.length)}) a on a.family_id = n.\`family_id\`
      where n.\`id\` in (${ids.map(() => '?').join(', ')})
      and (n.\`audience\` = ? or a.role <> ?)${skip === '' ? '' : ` and not (${skip})`}
      order by n.\`id\`, a.position`,
    [
      AlertEventType.DELIVERED,
      em.getPlatform().processDateProperty(now),
      AlertChannel.LIVE,
      ...families,
      ...families,
      ...ids,
      NotificationAudience.FAMILY,
      FamilyRole.CAREGIVER,
      ...held.flatMap((hold) => [hold.notificationId, hold.userId]),
    ],
    'run',
    em.getLoggerContext(),
  );
}

/**
 * The (alert, member) deliveries members' preferences hold back now; schedules the RELEASE of
 * those held by quiet hours and the WARN e-mails of members who want them. One read of the
 * preferences, at most one of the rosters and one INSERT of the timers, whatever the number of
 * alerts and families.
 */
async function holdDeliveries(
  em: EntityManager,
  notifications: readonly DeliveredAlert[],
  now: Date,
): Promise<{ notificationId: number; userId: number }[]> {
  const graded = notifications.filter((n) => n.grade !== NotificationGrade.CRIT);
  if (graded.length === 0) return [];
  const preferencesIn = await preferencesOf(
    em,
    graded.map((n) => n.family.id),
  );
  // the roster (audience, e-mail addresses) only of families where an e-mail or the audience
  // needs it; elsewhere the members who set a preference are all delivery looks at
  const needRoster = new Set(
    graded.filter((n) => {
      const { members } = preferencesIn(n.family.id);
      return (
        members.size > 0 &&
        (n.audience !== NotificationAudience.FAMILY ||
          [...members.values()].some((pref) => wantsEmail(pref, n.grade)))
      );
    }),
  );
  const rosterOf =
    needRoster.size === 0
      ? () => []
      : await rostersOf(
          em,
          [...needRoster].map((n) => n.family.id),
        );
  const held: { notificationId: number; userId: number }[] = [];
  const timers: TimerRow[] = [];
  for (const notification of graded) {
    const { zone, members } = preferencesIn(notification.family.id);
    if (members.size === 0) continue;
    const recipients: Pick<Recipient, 'userId' | 'email'>[] = needRoster.has(notification)
      ? reachedBy(rosterOf(notification.family.id), notification.audience)
      : [...members.keys()].map((userId) => ({ userId, email: '' }));
    for (const recipient of recipients) {
      const pref = members.get(recipient.userId);
      if (pref === undefined) continue;
      const hold = liveHold(pref, notification.grade, zone, now);
      const email = wantsEmail(pref, notification.grade);
      if (hold !== null) held.push({ notificationId: notification.id, userId: recipient.userId });
      if (inQuietHours(pref, zone, now)) {
        if (hold === 'quiet' || email)
          timers.push({
            notification: notification.id,
            kind: 'RELEASE',
            key: `release:${recipient.userId}`,
            dueAt: quietHoursEndAfter(pref, zone, now),
            payload: { userId: recipient.userId, live: hold === 'quiet', email },
          });
      } else if (email) timers.push(preferredMail(em, notification, recipient, now));
    }
  }
  await scheduleAll(em, timers);
  return held;
}

/** One alert timer to schedule. */
interface TimerRow {
  notification: number;
  kind: AlertTimerKind;
  key: string;
  dueAt: Date;
  payload: Record<string, unknown> | null;
}

/** Writes timers in one INSERT; the unique (notification, key) makes a second scheduling a no-op. */
async function scheduleAll(em: EntityManager, timers: readonly TimerRow[]): Promise<void> {
  if (timers.length === 0) return;
  await em
    .createQueryBuilder(AlertTimer)
    .insert(timers.map((timer) => ({ ...timer, attempts: 0 })))
    .onConflict(['notification', 'key'])
    .ignore()
    .execute('run');
}

/** The e-mail a member asked for (emailMinGrade WARN): an outbox timer and its DELIVERED entry. */
export async function mailPreferred(
  em: EntityManager,
  notification: Pick<Notification, 'id' | 'family' | 'grade' | 'kind' | 'message' | 'createdAt'>,
  recipient: Pick<Recipient, 'userId' | 'email'>,
  now: Date,
): Promise<void> {
  await scheduleAll(em, [preferredMail(em, notification, recipient, now)]);
}

/**
 * Stages the DELIVERED entry of the e-mail a member asked for and answers its outbox timer, for
 * the caller to write.
 */
function preferredMail(
  em: EntityManager,
  notification: Pick<Notification, 'id' | 'family' | 'grade' | 'kind' | 'message' | 'createdAt'>,
  recipient: Pick<Recipient, 'userId' | 'email'>,
  now: Date,
): TimerRow {
  record(em, notification as Notification, AlertEventType.DELIVERED, now, {
    channel: AlertChannel.EMAIL,
    recipientId: recipient.userId,
  });
  return {
    notification: notification.id,
    kind: 'EMAIL',
    key: `email:preferred:${recipient.userId}`,
    dueAt: now,
    payload: {
      to: recipient.email,
      subject: `[Carebot] ${notification.grade} ${notification.kind}`,
      text: `${notification.message}\n\nRaised at ${notification.createdAt.toISOString()}. Open the Carebot app to see it.`,
    },
  };
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
 * Starts delivery of alerts: a LIVE delivery entry per member (one statement for them all), and
 * for a CRIT the escalation timers of its family's policy (one statement to write them; the
 * policies come from `planOf`, else one statement reads those of every family of the batch). Each timer carries a copy of its step, so
 * the alert escalates as the policy was when delivery started. The caller announces the alerts
 * (`notificationAdded`) after its commit.
 */
export async function startDelivery(
  em: EntityManager,
  notifications: readonly Notification[],
  now: Date,
  /** The policies of the batch's families when the caller read them ({@link alertSettingsFor}). */
  planOf?: (familyId: number) => { policy: EscalationPolicy },
): Promise<void> {
  // what the caller staged (RAISED entries) goes first: the deliveries are written at once
  await em.flush();
  await recordLiveDeliveries(em, notifications, now);
  const crit = notifications.filter((n) => n.grade === NotificationGrade.CRIT);
  if (crit.length === 0) return;
  const policyOf =
    planOf === undefined
      ? await alertPoliciesFor(
          em,
          crit.map((n) => n.family.id),
        )
      : (familyId: number) => planOf(familyId).policy;
  const timers = crit.flatMap((n) => {
    const policy = policyOf(n.family.id);
    return policy.steps.map((step, index): TimerRow => ({
      notification: n.id,
      kind: 'ESCALATE',
      key: `escalate:${index + 1}`,
      dueAt: new Date(now.getTime() + step.afterMinutes * 60_000),
      payload: { step: index + 1, policy: stepSnapshot(policy, index) },
    }));
  });
  await scheduleAll(em, timers);
}

/** The states in which an alert takes more occurrences. */
export const OPEN_STATES = [AlertState.OPEN, AlertState.ACKNOWLEDGED];
