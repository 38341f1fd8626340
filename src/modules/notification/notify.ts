import type { EntityManager } from '../../database/orm.js';
import type { EventBus } from '../../realtime/events.js';
import { Family } from '../family/family.entity.js';
import { Notification } from './notification.entity.js';
import type { NotificationGrade, NotificationKind } from './notification.enums.js';
import { deliveredEvent, toNotificationEvent } from './notification.service.js';
import { raw } from '@mikro-orm/core';
import {
  alertSettingsFor,
  alertSettingsOf,
  announceUpdate,
  DEDUPE_WINDOW_MS,
  OPEN_STATES,
  record,
  schedule,
  startDelivery,
  waitsForGrace,
} from './alert.lifecycle.js';
import { ALERT_GRADES, AlertEventType, AlertState } from './alert.enums.js';
import { NotificationAudience } from './notification.audience.js';

/** What a notification says; the family is the one it is raised for. */
export interface NotificationDraft {
  familyId: number;
  grade: NotificationGrade;
  kind: NotificationKind;
  message: string;
  imageId?: string | null;
  createdAt?: Date;
  /**
   * Makes the notification idempotent: unique per family, so a second `notify` with the same key
   * (another node, another run, a retried job) stores nothing and announces nothing.
   */
  dedupeKey?: string;
  /** The family's Carebot raised it (its timeline says so; only then may it be cancelled). */
  byDevice?: boolean;
  /** Who among the members hears of it (default FAMILY: everyone); see notification.audience.ts. */
  audience?: NotificationAudience;
}

/**
 * Runs `publish` once the changes `em` is making are visible to every reader: after the
 * outermost transaction commits when `em` is inside one (nothing when it rolls back), else at
 * once (the caller's flush has committed). Publishing from a savepoint is refused: its release
 * is not a commit, and the outer transaction's commit is not observable from the nested fork.
 */
export function afterCommit(em: EntityManager, publish: () => void): void {
  const transaction = em.getTransactionContext<object>();
  if (transaction === undefined) {
    publish();
    return;
  }
  if ('savepointName' in transaction)
    throw new Error('afterCommit() inside a nested transaction: call it in the outermost one');
  // `em.transactional` forks with its own (cloned) event manager: the subscriber lives and dies
  // with this transaction's fork and sees only its commit
  em.getEventManager().registerSubscriber({
    afterTransactionCommit: (args) => {
      if (args.transaction === transaction) publish();
    },
  });
}

/**
 * Adds notifications to `em`'s transaction without flushing (so they share the caller's flush,
 * e.g. one multi-row INSERT with the readings that raised them) and announces them after the
 * transaction commits. Refused outside a transaction: there the announcement could precede the
 * write. Prefer {@link notify}, which flushes, unless the caller flushes anyway.
 *
 * Alerts (WARN, CRIT) among them get the lifecycle of {@link notify}'s: just before the
 * transaction commits (their rows and ids exist by then) each one is folded into an open alert
 * of the same kind when the Carebot repeats itself (`byDevice`), else it records RAISED and
 * either waits for its grace window or starts delivery. Notices cost nothing more than their
 * share of the INSERT; a transaction that raises no alert, nothing at all.
 */
export function stageNotifications(
  em: EntityManager,
  events: EventBus,
  drafts: readonly Omit<NotificationDraft, 'dedupeKey'>[],
): Notification[] {
  if (!em.isInTransaction())
    throw new Error('stageNotifications() outside a transaction: use notify()');
  const created = drafts.map((draft) =>
    em.create(Notification, {
      family: em.getReference(Family, draft.familyId),
      grade: draft.grade,
      kind: draft.kind,
      message: draft.message,
      imageId: draft.imageId ?? null,
      createdAt: draft.createdAt ?? new Date(),
      state: ALERT_GRADES.has(draft.grade) ? AlertState.OPEN : null,
      audience: draft.audience ?? NotificationAudience.FAMILY,
    }),
  );
  const notices = created.filter((notification) => notification.state === null);
  if (notices.length > 0)
    afterCommit(em, () => {
      for (const notification of notices)
        events.notificationAdded(toNotificationEvent(notification));
    });
  const alerts = drafts.flatMap((draft, index) =>
    ALERT_GRADES.has(draft.grade) ? [{ draft, notification: created[index]! }] : [],
  );
  if (alerts.length > 0) beforeCommit(em, (tx) => startStagedAlerts(tx, events, alerts));
  return created;
}

/**
 * Runs `work` inside `em`'s (outermost) transaction after the caller's last flush and before its
 * commit: a failure rolls the transaction back.
 */
function beforeCommit(em: EntityManager, work: (tx: EntityManager) => Promise<void>): void {
  const transaction = em.getTransactionContext<object>();
  if (transaction === undefined || 'savepointName' in transaction)
    throw new Error('beforeCommit() needs the outermost transaction');
  em.getEventManager().registerSubscriber({
    beforeTransactionCommit: async (args) => {
      if (args.transaction === transaction) await work(args.em as EntityManager);
    },
  });
}

/**
 * The lifecycle of alerts staged by {@link stageNotifications}, in the order they were raised.
 * A fixed number of statements for alerts that start delivery at once, however many families
 * (a disaster broadcast) or members: settings in one query, RAISED entries in one INSERT, the
 * deliveries in one INSERT … SELECT, the escalation timers in one INSERT. A Carebot's repeat
 * (one more occurrence) and a held alert (its grace timer) cost their own statements.
 */
async function startStagedAlerts(
  em: EntityManager,
  events: EventBus,
  alerts: readonly { draft: Omit<NotificationDraft, 'dedupeKey'>; notification: Notification }[],
): Promise<void> {
  const settingsOf = await alertSettingsFor(
    em,
    alerts.map((alert) => alert.draft.familyId),
  );
  const delivered: Notification[] = [];
  for (const { draft, notification } of alerts) {
    if (draft.byDevice === true) {
      const repeated = await repeatAlert(
        em,
        events,
        draft,
        notification.createdAt,
        notification.id,
      );
      if (repeated !== null) {
        // the occurrence went to the open alert: this row was never seen by anyone
        em.remove(notification);
        await em.flush();
        continue;
      }
    }
    const settings = settingsOf(draft.familyId);
    if (waitsForGrace(notification, settings)) {
      notification.deviceOnly = true;
      notification.deliverAt = new Date(
        notification.createdAt.getTime() + settings.graceSeconds * 1000,
      );
      await startAlert(em, events, notification, draft, true);
      continue;
    }
    record(em, notification, AlertEventType.RAISED, notification.createdAt, {
      byDevice: draft.byDevice ?? false,
    });
    delivered.push(notification);
  }
  if (delivered.length === 0) return;
  const deliveredAt = delivered[0]!.createdAt;
  await startDelivery(em, delivered, deliveredAt, settingsOf);
  await em.flush();
  afterCommit(em, () => {
    for (const notification of delivered)
      events.notificationAdded(deliveredEvent(notification, deliveredAt));
  });
}

/**
 * The one way to raise a notification: stores it through `em` (flushing it; inside the caller's
 * transaction when there is one) and announces it to subscribers only after it has committed, so
 * a subscriber never hears of a notification it cannot read or that was rolled back. With a
 * `dedupeKey` the insert ignores a conflict; returns null when the key was already used.
 */
export async function notify(
  em: EntityManager,
  events: EventBus,
  draft: NotificationDraft,
): Promise<Notification | null> {
  const alert = ALERT_GRADES.has(draft.grade);
  const createdAt = draft.createdAt ?? new Date();
  // a Carebot repeating itself is a storm to fold; a job's alerts have their own rule (a dedupe
  // key, the mood check's episodes) and are never folded into an earlier one
  if (alert && draft.byDevice === true && draft.dedupeKey === undefined) {
    const repeated = await repeatAlert(em, events, draft, createdAt);
    if (repeated !== null) return repeated;
  }
  const settings = alert ? await alertSettingsOf(em, draft.familyId) : null;
  const held = settings !== null && waitsForGrace(draft, settings);
  const row = {
    grade: draft.grade,
    kind: draft.kind,
    message: draft.message,
    imageId: draft.imageId ?? null,
    createdAt,
    state: alert ? AlertState.OPEN : null,
    deviceOnly: held,
    deliverAt: held ? new Date(createdAt.getTime() + settings.graceSeconds * 1000) : null,
    audience: draft.audience ?? NotificationAudience.FAMILY,
  };
  let notification: Notification;
  if (draft.dedupeKey === undefined) {
    notification = em.create(Notification, {
      ...row,
      family: em.getReference(Family, draft.familyId),
    });
    await em.flush();
  } else {
    const inserted = await em
      .createQueryBuilder(Notification)
      .insert({ ...row, family: draft.familyId, dedupeKey: draft.dedupeKey })
      .onConflict(['family', 'dedupeKey'])
      .ignore()
      .execute<{ affectedRows: number }>('run');
    if (inserted.affectedRows === 0) return null;
    notification = await em.findOneOrFail(Notification, {
      family: draft.familyId,
      dedupeKey: draft.dedupeKey,
    });
  }
  if (alert) {
    // its timeline and timers commit together; a job's alert was stored by one statement first,
    // so of nodes racing to raise it only the one that stored it opens a transaction
    const start = (tx: EntityManager) => startAlert(tx, events, notification, draft, held);
    if (em.isInTransaction()) await start(em);
    else await em.transactional(start);
    return notification;
  }
  afterCommit(em, () => events.notificationAdded(toNotificationEvent(notification)));
  return notification;
}

/**
 * Records a new alert's RAISED entry, then either waits for its grace window (only the Carebot
 * hears of it) or starts delivery; announces it once `em`'s transaction has committed.
 */
async function startAlert(
  em: EntityManager,
  events: EventBus,
  notification: Notification,
  draft: Omit<NotificationDraft, 'dedupeKey'>,
  held: boolean,
): Promise<void> {
  record(em, notification, AlertEventType.RAISED, notification.createdAt, {
    byDevice: draft.byDevice ?? false,
  });
  if (held) {
    // only the Carebot hears of it until the window ends (or it cancels the alert)
    await schedule(em, notification.id, 'DELIVER', 'deliver', notification.deliverAt!);
    await em.flush();
    announceUpdate(em, events, notification, notification.createdAt, afterCommit);
    return;
  }
  await startDelivery(em, [notification], notification.createdAt);
  await em.flush();
  afterCommit(em, () =>
    events.notificationAdded(deliveredEvent(notification, notification.createdAt)),
  );
}

/**
 * The same kind of alert from the same family within {@link DEDUPE_WINDOW_MS} of an alert still
 * open: one more occurrence of that alert (announced as an update), not another alert. Null when
 * there is none to add to.
 */
async function repeatAlert(
  em: EntityManager,
  events: EventBus,
  draft: Omit<NotificationDraft, 'dedupeKey'>,
  now: Date,
  /** A staged alert looking for an earlier one to join (not itself). */
  self?: number,
): Promise<Notification | null> {
  const open = await em.findOne(
    Notification,
    {
      ...(self === undefined ? {} : { id: { $lt: self } }),
      family: draft.familyId,
      kind: draft.kind,
      grade: draft.grade,
      state: { $in: OPEN_STATES },
      createdAt: { $gte: new Date(now.getTime() - DEDUPE_WINDOW_MS) },
    },
    { orderBy: { id: 'desc' } },
  );
  if (open === null) return null;
  // counted in SQL: concurrent repeats each add one
  await em
    .createQueryBuilder(Notification)
    .update({ occurrences: raw('occurrences + 1'), lastOccurredAt: now })
    .where({ id: open.id })
    .execute('run');
  await em.refresh(open);
  record(em, open, AlertEventType.REPEATED, now, {
    byDevice: draft.byDevice ?? false,
    note: draft.message.slice(0, 500),
  });
  await em.flush();
  announceUpdate(em, events, open, now, afterCommit);
  return open;
}
