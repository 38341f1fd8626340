import { createHmac } from 'node:crypto';
import { raw } from '@mikro-orm/core';
import { requireDevice, requireUser } from '../../auth/access.js';
import type { Orm } from '../../database/orm.js';
import { ConflictError, NotFoundError } from '../../graphql/errors.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Logger } from '../../observability/logger.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import { EmergencyContact, AlertTimer } from './alert.entities.js';
import { AlertChannel, AlertEventType, type AlertOutcome, AlertState } from './alert.enums.js';
import {
  alertSettingsOf,
  announceUpdate,
  recipientsOf,
  record,
  schedule,
  startDelivery,
} from './alert.lifecycle.js';
import {
  chosenMembers,
  closedLoopSnapshot,
  DEFAULT_ALERT_POLICY,
  describeClosedLoop,
  describeStep,
  readSnapshot,
  type StepSnapshot,
  stepSnapshot,
} from './alert.policy.js';
import { Notification } from './notification.entity.js';
import { deliveredEvent } from './notification.service.js';
import { afterCommit } from './notify.js';
import { releaseHeld } from './delivery-preference.release.js';

/** How often due alert timers are looked for (the periodic job's interval). */
export const ALERT_TIMER_INTERVAL_MS = 5000;
/** A claimed timer whose node never finished it is claimed again after this long. */
const CLAIM_STALE_MS = 60_000;
/** Webhook deliveries: at most this many tries, 1 s before the second, doubling after. */
export const WEBHOOK_MAX_ATTEMPTS = 5;
const WEBHOOK_RETRY_MS = 1000;
const WEBHOOK_TIMEOUT_MS = 10_000;

/** The signature header of a webhook call: `sha256=<hex HMAC of "<timestamp>.<body>">`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Alert lifecycle operations and the durable timers that deliver and escalate alerts. */
export class AlertService {
  constructor(
    private readonly deps: {
      orm: Orm;
      events: EventBus;
      mailer: Mailer;
      logger: Logger;
      clock: () => Date;
    },
  ) {}

  now(): Date {
    return this.deps.clock();
  }

  /** The Carebot's "I'm OK": cancels its family's alert while the grace window runs. */
  async cancel(ctx: Scope, notificationId: number): Promise<Notification> {
    const device = requireDevice(ctx.viewer);
    const notification = await ctx.em.findOne(Notification, {
      id: notificationId,
      family: device.familyId,
    });
    if (notification === null) throw new NotFoundError('Notification', notificationId);
    const now = this.deps.clock();
    await ctx.em.transactional(async (em) => {
      // the window is over when delivery started (the timer may not have fired yet: the time
      // decides), so a late "I'm OK" cannot take back an alert the family may already have
      const cancelled = await em.nativeUpdate(
        Notification,
        {
          id: notificationId,
          state: AlertState.OPEN,
          deviceOnly: true,
          deliverAt: { $gt: now },
        },
        { state: AlertState.CANCELLED, resolvedAt: now },
      );
      if (cancelled === 0)
        throw new ConflictError('This alert can no longer be cancelled: its grace window is over.');
      record(em, notification, AlertEventType.CANCELLED, now, { byDevice: true });
      await em.flush();
      announceUpdate(em, this.deps.events, notification, now, afterCommit);
    });
    await ctx.em.refresh(notification);
    return notification;
  }

  /** A member closes an alert with its outcome (any ACTIVE member; once). */
  async resolve(
    ctx: Scope,
    notification: Notification,
    outcome: AlertOutcome,
    note: string | null,
  ): Promise<Notification> {
    const viewer = requireUser(ctx.viewer);
    const now = this.deps.clock();
    await ctx.em.transactional(async (em) => {
      const resolved = await em.nativeUpdate(
        Notification,
        { id: notification.id, state: { $in: [AlertState.OPEN, AlertState.ACKNOWLEDGED] } },
        { state: AlertState.RESOLVED, outcome, resolvedAt: now, resolutionNote: note },
      );
      if (resolved === 0)
        throw new ConflictError(
          notification.state === null
            ? 'Only alerts (WARN or CRIT) are resolved.'
            : 'This alert is already resolved or cancelled.',
        );
      record(em, notification, AlertEventType.RESOLVED, now, {
        actorId: viewer.userId,
        note: note === null ? outcome : `${outcome}: ${note}`,
      });
      await em.flush();
      announceUpdate(em, this.deps.events, notification, now, afterCommit);
    });
    await ctx.em.refresh(notification);
    return notification;
  }

  /**
   * Fires the due timers, each once across every node: a node claims a timer with a conditional
   * UPDATE (guarded by the claim it read), so of nodes racing for it one wins; a claim whose node
   * died is taken again after {@link CLAIM_STALE_MS}. Returns how many fired. The periodic job
   * calls it; tests call it with the clock where they want it.
   */
  async fireDue(): Promise<number> {
    // a step writes its e-mails as timers due now (sent after the step commits): a second pass
    // sends them, a third those of a step a second pass fired
    let fired = 0;
    for (let pass = 0; pass < 3; pass++) {
      const count = await this.firePass();
      fired += count;
      if (count === 0) break;
    }
    return fired;
  }

  private async firePass(): Promise<number> {
    const now = this.deps.clock();
    const em = this.deps.orm.em.fork();
    const due = await em.find(
      AlertTimer,
      {
        firedAt: null,
        dueAt: { $lte: now },
        $or: [
          { claimedAt: null },
          { claimedAt: { $lt: new Date(now.getTime() - CLAIM_STALE_MS) } },
        ],
      },
      { orderBy: { dueAt: 'asc', id: 'asc' }, limit: 200 },
    );
    let fired = 0;
    for (const timer of due) {
      const claimed = await em.nativeUpdate(
        AlertTimer,
        { id: timer.id, firedAt: null, claimedAt: timer.claimedAt },
        { claimedAt: now, attempts: timer.attempts + 1 },
      );
      if (claimed === 0) continue;
      try {
        await this.fire(timer, now);
        await em.nativeUpdate(AlertTimer, { id: timer.id }, { firedAt: now });
        fired++;
      } catch (error) {
        const attempts = timer.attempts + 1;
        const final = attempts >= WEBHOOK_MAX_ATTEMPTS;
        this.deps.logger.warn(
          { err: error, timerId: timer.id, kind: timer.kind, attempts },
          final ? 'alert timer failed' : 'alert timer failed; retrying',
        );
        await em.nativeUpdate(
          AlertTimer,
          { id: timer.id },
          final
            ? { firedAt: now }
            : {
                claimedAt: null,
                dueAt: new Date(now.getTime() + WEBHOOK_RETRY_MS * 2 ** (attempts - 1)),
              },
        );
        if (final) await this.recordFailure(timer, now, error);
      }
    }
    return fired;
  }

  private async recordFailure(timer: AlertTimer, now: Date, error: unknown): Promise<void> {
    const em = this.deps.orm.em.fork();
    const notification = await em.findOne(Notification, { id: timer.notification.id });
    if (notification === null) return;
    const note = `failed after ${WEBHOOK_MAX_ATTEMPTS} tries: ${String(error instanceof Error ? error.message : error).slice(0, 300)}`;
    const to = timer.payload?.['to'];
    if (timer.kind === 'EMAIL' || timer.kind === 'WEBHOOK')
      record(em, notification, AlertEventType.DELIVERED, now, {
        channel: timer.kind === 'EMAIL' ? AlertChannel.EMAIL : AlertChannel.WEBHOOK,
        recipientName:
          timer.kind === 'WEBHOOK'
            ? 'webhook'
            : typeof to === 'string'
              ? to.slice(0, 100)
              : 'e-mail',
        note,
      });
    // a delivery, escalation or release step that kept failing: the family sees that it did
    else record(em, notification, AlertEventType.ESCALATED, now, { note: `${timer.kind} ${note}` });
    await em.flush();
  }

  private async fire(timer: AlertTimer, now: Date): Promise<void> {
    switch (timer.kind) {
      case 'DELIVER':
        return this.deliverAfterGrace(timer.notification.id, now);
      case 'ESCALATE':
        return this.escalate(timer, now);
      case 'REALERT':
        return this.closeLoop(timer, now);
      case 'WEBHOOK':
        return this.callWebhook(timer, now);
      case 'EMAIL':
        return this.sendMail(timer);
      case 'RELEASE':
        return releaseHeld(this.deps, timer, now);
    }
  }

  /** The grace window ended without a cancel: the family hears of the alert now. */
  private async deliverAfterGrace(notificationId: number, now: Date): Promise<void> {
    await this.deps.orm.em.fork().transactional(async (em) => {
      // its place in delivery order: after every notification raised so far (what a resuming
      // subscriber compares; its id is older than those)
      const [{ last } = { last: 0 }] = await em
        .createQueryBuilder(Notification)
        .select(raw('max(id) as last'))
        .execute<{ last: number | null }[]>('all', false);
      const started = await em.nativeUpdate(
        Notification,
        { id: notificationId, state: AlertState.OPEN, deviceOnly: true },
        { deviceOnly: false, deliverySeq: Number(last ?? 0) + 0.5 },
      );
      if (started === 0) return; // cancelled meanwhile
      const notification = await em.findOneOrFail(Notification, { id: notificationId });
      await startDelivery(em, [notification], now);
      await em.flush();
      afterCommit(em, () => this.deps.events.notificationAdded(deliveredEvent(notification, now)));
      announceUpdate(em, this.deps.events, notification, now, afterCommit);
    });
  }

  /**
   * A deadline passed with the alert still OPEN: the step's people hear of it on its channels.
   * The step comes from the timer (copied from the policy when delivery started).
   */
  private async escalate(timer: AlertTimer, now: Date): Promise<void> {
    const step = Number(timer.payload?.['step']);
    const policy = readSnapshot(timer.payload, stepSnapshot(DEFAULT_ALERT_POLICY, step - 1));
    if (policy === undefined) return;
    await this.deps.orm.em.fork().transactional(async (em) => {
      const notification = await em.findOne(Notification, { id: timer.notification.id });
      // acknowledged, resolved or cancelled: escalation stops
      if (notification === null || notification.state !== AlertState.OPEN) return;
      if (notification.deviceOnly) return;
      record(em, notification, AlertEventType.ESCALATED, now, {
        note: `step ${step}: ${describeStep(policy)}`,
      });
      // members who left since the policy named them are simply not among the recipients
      const members =
        policy.roles.length > 0 || policy.userIds.length > 0
          ? chosenMembers(
              await recipientsOf(em, notification.family.id, notification.audience),
              policy,
            )
          : [];
      const contacts = policy.emergencyContacts
        ? await em.find(
            EmergencyContact,
            { family: notification.family.id },
            { orderBy: { position: 'asc', id: 'asc' } },
          )
        : [];
      const people = [
        ...members.map((r) => ({ name: r.name, email: r.email, phone: null, userId: r.userId })),
        ...contacts.map((c) => ({
          name: c.name,
          email: c.email,
          phone: c.phone,
          userId: undefined,
        })),
      ];
      await this.mailAndHook(em, notification, people, policy, `escalate:${step}`, now);
      await em.flush();
      announceUpdate(em, this.deps.events, notification, now, afterCommit);
    });
  }

  /**
   * Acknowledged but not resolved in time: the acknowledger and the closed loop's roles hear
   * again, on its channels (both copied from the policy at the acknowledgement).
   */
  private async closeLoop(timer: AlertTimer, now: Date): Promise<void> {
    const loop = readSnapshot(timer.payload, closedLoopSnapshot(DEFAULT_ALERT_POLICY));
    if (loop === undefined) return;
    const withAcknowledger = timer.payload?.['acknowledger'] !== false;
    await this.deps.orm.em.fork().transactional(async (em) => {
      const notification = await em.findOne(Notification, { id: timer.notification.id });
      if (notification === null || notification.state !== AlertState.ACKNOWLEDGED) return;
      const acknowledger = withAcknowledger ? notification.acknowledgedBy?.id : undefined;
      const people = chosenMembers(
        await recipientsOf(em, notification.family.id, notification.audience),
        loop,
        acknowledger,
      ).map((r) => ({ name: r.name, email: r.email, phone: null, userId: r.userId }));
      record(em, notification, AlertEventType.ESCALATED, now, {
        note: `acknowledged but not resolved: re-alerting ${describeClosedLoop(loop, withAcknowledger)}`,
      });
      await this.mailAndHook(em, notification, people, loop, 'closed-loop', now);
      await em.flush();
      announceUpdate(em, this.deps.events, notification, now, afterCommit);
    });
  }

  /**
   * Reaches each person on the step's channels: LIVE records a delivery to each member (the
   * caller's announcement pushes it); EMAIL is an outbox timer per address, sent after the
   * caller's commit (recorded now); WEBHOOK schedules one call for them all when the family has a
   * webhook. A custom policy's webhook removed since records that it was skipped.
   */
  private async mailAndHook(
    em: ReturnType<Orm['em']['fork']>,
    notification: Notification,
    people: {
      name: string;
      email: string | null;
      phone: string | null;
      userId?: number | undefined;
    }[],
    step: StepSnapshot,
    key: string,
    now: Date,
  ): Promise<void> {
    if (step.channels.includes(AlertChannel.LIVE))
      for (const person of people)
        if (person.userId !== undefined)
          record(em, notification, AlertEventType.DELIVERED, now, {
            channel: AlertChannel.LIVE,
            recipientId: person.userId,
          });
    const subject = `[Carebot] ${notification.grade} ${notification.kind}: nobody has answered yet`;
    if (step.channels.includes(AlertChannel.EMAIL))
      for (const [index, person] of people.entries()) {
        if (person.email === null) continue;
        // written with the step, sent once it has committed: a rolled-back step sends nothing
        await schedule(em, notification.id, 'EMAIL', `email:${key}:${index}`, now, {
          to: person.email,
          subject,
          text: `${notification.message}\n\nRaised at ${notification.createdAt.toISOString()}. Open the Carebot app to acknowledge it.`,
        });
        record(em, notification, AlertEventType.DELIVERED, now, {
          channel: AlertChannel.EMAIL,
          ...(person.userId === undefined
            ? { recipientName: person.name.slice(0, 100) }
            : { recipientId: person.userId }),
        });
      }
    if (!step.channels.includes(AlertChannel.WEBHOOK) || people.length === 0) return;
    const settings = await alertSettingsOf(em, notification.family.id);
    if (settings.webhookUrl !== null)
      await schedule(em, notification.id, 'WEBHOOK', `webhook:${key}`, now, {
        step: key,
        recipients: people.map(({ name, email, phone }) => ({ name, email, phone })),
      });
    else if (step.custom)
      record(em, notification, AlertEventType.DELIVERED, now, {
        channel: AlertChannel.WEBHOOK,
        recipientName: 'webhook',
        note: `step ${key}: skipped, the family has no webhook any more`,
      });
  }

  /**
   * Sends an e-mail a committed step wrote. At least once: a node that dies between the send and
   * marking the timer fired leaves a claim that goes stale, and the e-mail goes again.
   */
  private async sendMail(timer: AlertTimer): Promise<void> {
    const { to, subject, text } = timer.payload ?? {};
    if (typeof to !== 'string' || typeof subject !== 'string' || typeof text !== 'string') return;
    await this.deps.mailer.send({ to, subject, text });
  }

  /** One try of a webhook call: throws on a network error or a non-2xx answer (retried). */
  private async callWebhook(timer: AlertTimer, now: Date): Promise<void> {
    const em = this.deps.orm.em.fork();
    const notification = await em.findOne(Notification, { id: timer.notification.id });
    if (notification === null) return;
    const settings = await alertSettingsOf(em, notification.family.id);
    if (settings.webhookUrl === null || settings.webhookSecret === null) return;
    const body = JSON.stringify({
      alertId: String(notification.id),
      familyId: String(notification.family.id),
      grade: notification.grade,
      kind: notification.kind,
      message: notification.message,
      state: notification.state,
      raisedAt: notification.createdAt.toISOString(),
      step: timer.payload?.['step'] ?? null,
      recipients: timer.payload?.['recipients'] ?? [],
    });
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const response = await fetch(settings.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-carebot-timestamp': timestamp,
        'x-carebot-signature': signWebhook(settings.webhookSecret, timestamp, body),
        'x-carebot-delivery': String(timer.id),
      },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    record(em, notification, AlertEventType.DELIVERED, now, {
      channel: AlertChannel.WEBHOOK,
      recipientName: 'webhook',
      note: `step ${typeof timer.payload?.['step'] === 'string' ? timer.payload['step'] : '?'}, try ${timer.attempts + 1}`,
    });
    await em.flush();
  }
}
