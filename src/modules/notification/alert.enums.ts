import { registerEnumType } from 'type-graphql';

/** Where an alert (a WARN or CRIT notification) stands. */
export enum AlertState {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(AlertState, {
  name: 'AlertState',
  description: 'Where an alert stands: OPEN → ACKNOWLEDGED → RESOLVED, or CANCELLED.',
  valuesConfig: {
    OPEN: { description: 'Raised; nobody has taken responsibility yet.' },
    ACKNOWLEDGED: { description: 'A member took responsibility for it.' },
    RESOLVED: { description: 'Dealt with (see the outcome).' },
    CANCELLED: { description: 'The Carebot cancelled it ("I\'m OK") inside the grace window.' },
  },
});

/** How an alert ended. */
export enum AlertOutcome {
  HANDLED = 'HANDLED',
  FALSE_ALARM = 'FALSE_ALARM',
  EMERGENCY_SERVICES_CALLED = 'EMERGENCY_SERVICES_CALLED',
}
registerEnumType(AlertOutcome, {
  name: 'AlertOutcome',
  description: 'How a resolved alert ended.',
  valuesConfig: {
    HANDLED: { description: 'The family dealt with it.' },
    FALSE_ALARM: { description: 'Nothing had happened.' },
    EMERGENCY_SERVICES_CALLED: { description: 'Emergency services were called.' },
  },
});

/** What happened to an alert, as its timeline records it. */
export enum AlertEventType {
  RAISED = 'RAISED',
  DELIVERED = 'DELIVERED',
  SEEN = 'SEEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  ESCALATED = 'ESCALATED',
  REPEATED = 'REPEATED',
  RESOLVED = 'RESOLVED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(AlertEventType, {
  name: 'AlertEventType',
  description: 'One step of an alert, as its timeline records it.',
  valuesConfig: {
    RAISED: { description: 'The alert was raised (by the Carebot or a check).' },
    DELIVERED: { description: 'It was sent to someone on a channel.' },
    SEEN: { description: 'A member read it.' },
    ACKNOWLEDGED: { description: 'A member took responsibility for it.' },
    ESCALATED: { description: 'Nobody answered in time: the next escalation step started.' },
    REPEATED: { description: 'The same kind of alert came again (see `occurrences`).' },
    RESOLVED: { description: 'A member closed it with an outcome.' },
    CANCELLED: { description: 'The Carebot cancelled it inside the grace window.' },
  },
});

/** How an alert reaches someone. */
export enum AlertChannel {
  LIVE = 'LIVE',
  EMAIL = 'EMAIL',
  WEBHOOK = 'WEBHOOK',
}
registerEnumType(AlertChannel, {
  name: 'AlertChannel',
  description: 'How an alert reaches someone.',
  valuesConfig: {
    LIVE: { description: 'Live push to the app (subscriptions).' },
    EMAIL: { description: 'An e-mail through the configured mailer.' },
    WEBHOOK: {
      description: "An HMAC-signed POST to the family's webhook (SMS or phone gateways).",
    },
  },
});

/** Grades that make a notification an alert with a lifecycle. */
export const ALERT_GRADES: ReadonlySet<string> = new Set(['WARN', 'CRIT']);
