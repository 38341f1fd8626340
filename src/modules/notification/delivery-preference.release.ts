import type { Orm } from '../../database/orm.js';
import type { EventBus } from '../../realtime/events.js';
import type { AlertTimer } from './alert.entities.js';
import { AlertChannel, AlertEventType } from './alert.enums.js';
import {
  announceUpdate,
  mailPreferred,
  OPEN_STATES,
  recipientsOf,
  record,
} from './alert.lifecycle.js';
import { Notification } from './notification.entity.js';
import { toNotificationEvent } from './notification.service.js';
import { afterCommit } from './notify.js';

/**
 * A member's quiet hours ended with a WARN alert held back from them: while the alert is still
 * unresolved (OPEN or ACKNOWLEDGED: it still asks for someone), they get it now — the LIVE
 * delivery in its timeline and a `notificationAdded` push to them alone — and the e-mail they
 * asked for. A resolved or cancelled alert, or a member no longer in its audience, gets nothing.
 */
export async function releaseHeld(
  deps: { orm: Orm; events: EventBus },
  timer: AlertTimer,
  now: Date,
): Promise<void> {
  const userId = Number(timer.payload?.['userId']);
  await deps.orm.em.fork().transactional(async (em) => {
    const notification = await em.findOne(Notification, { id: timer.notification.id });
    if (notification === null || notification.state === null) return;
    if (!OPEN_STATES.includes(notification.state)) return;
    const recipient = (await recipientsOf(em, notification.family.id, notification.audience)).find(
      (member) => member.userId === userId,
    );
    if (recipient === undefined) return;
    const live = timer.payload?.['live'] === true;
    if (live)
      record(em, notification, AlertEventType.DELIVERED, now, {
        channel: AlertChannel.LIVE,
        recipientId: userId,
      });
    if (timer.payload?.['email'] === true) await mailPreferred(em, notification, recipient, now);
    await em.flush();
    if (live)
      afterCommit(em, () =>
        deps.events.notificationAdded({
          ...toNotificationEvent(notification),
          recipientId: userId,
        }),
      );
    announceUpdate(em, deps.events, notification, now, afterCommit);
  });
}
