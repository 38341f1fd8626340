import type { EntityManager, Orm } from '../../database/orm.js';
import type { EventBus } from '../../realtime/events.js';
import type { AlertTimer } from './alert.entities.js';
import { AlertChannel, AlertEventType } from './alert.enums.js';
import { announceUpdate, mailPreferred, OPEN_STATES, recipientsOf } from './alert.lifecycle.js';
import { Notification } from './notification.entity.js';
import { toNotificationEvent } from './notification.service.js';
import { afterCommit } from './notify.js';

/**
 * Records the LIVE delivery of an alert to a member unless one is recorded already, in one
 * statement: whether it did. The release pushes only then, so a timer fired twice (a claim gone
 * stale, another node) pushes once.
 */
async function recordLive(
  em: EntityManager,
  notification: Notification,
  userId: number,
  now: Date,
): Promise<boolean> {
  const result = await em.execute<{ affectedRows: number }>(
    `insert into \`alert_timeline\`
      (\`notification_id\`, \`family_id\`, \`type\`, \`at\`, \`by_device\`, \`channel\`, \`recipient_id\`)
      select ?, ?, ?, ?, 0, ?, ? from (select 1 as one) x
      where not exists (select 1 from \`alert_timeline\` t where t.\`notification_id\` = ?
        and t.\`type\` = ? and t.\`channel\` = ? and t.\`recipient_id\` = ?)`,
    [
      notification.id,
      notification.family.id,
      AlertEventType.DELIVERED,
      em.getPlatform().processDateProperty(now),
      AlertChannel.LIVE,
      userId,
      notification.id,
      AlertEventType.DELIVERED,
      AlertChannel.LIVE,
      userId,
    ],
    'run',
    em.getLoggerContext(),
  );
  return result.affectedRows > 0;
}

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
    const live =
      timer.payload?.['live'] === true && (await recordLive(em, notification, userId, now));
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
