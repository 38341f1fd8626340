import { describe, expect, it } from 'vitest';
import { signWebhook } from '../src/modules/notification/alert.service.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { useAlertServer, WEBHOOK_SECRET } from './helpers/alert-server.js';

const fx = useAlertServer({ webhook: true });
const { advance, gql, fire, mailsTo } = fx;
const { received, statuses } = fx.hook;

async function raise(f: TestFamily, grade: string, kind: string) {
  const data = await gql<{ raiseNotification: { id: string } }>(
    f.device.headers,
    'mutation($input: RaiseNotificationInput!) { raiseNotification(input: $input) { id } }',
    { input: { grade, kind, message: `${kind}!` } },
  );
  return data.raiseNotification.id;
}

async function timeline(f: TestFamily, id: string) {
  const data = await gql<{
    family: {
      notifications: {
        edges: {
          node: {
            id: string;
            timeline: {
              type: string;
              channel: string | null;
              recipientName: string | null;
              note: string | null;
            }[];
          };
        }[];
      };
    };
  }>(
    f.main.headers,
    'query($id: ID!) { family(id: $id) { notifications(first: 50) { edges { node { id timeline { type channel recipientName note } } } } } }',
    { id: String(f.family.id) },
  );
  return data.family.notifications.edges.find((e) => e.node.id === id)!.node.timeline;
}

async function setUp(f: TestFamily) {
  await gql(
    f.main.headers,
    'mutation($id: ID!, $url: String, $secret: String) { updateAlertSettings(familyId: $id, input: { webhookUrl: $url, webhookSecret: $secret }) { webhookUrl } }',
    { id: String(f.family.id), url: fx.hook.url(), secret: WEBHOOK_SECRET },
  );
  await gql(
    f.main.headers,
    'mutation($id: ID!) { addEmergencyContact(familyId: $id, input: { name: "Neighbour Kim", phone: "010-1234-5678", email: "kim@example.com" }) { id } }',
    { id: String(f.family.id) },
  );
}

describe('escalation', () => {
  it('escalates an unacknowledged CRIT on schedule through each step', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    await setUp(f);
    received.length = 0;
    const id = await raise(f, 'CRIT', 'FIRE');
    const caregiver = f.caregivers[0]!.user.email;

    advance(119_000);
    await fire();
    expect(mailsTo(caregiver)).toBe(0);

    advance(1_000); // 2 minutes: every member by e-mail and the webhook
    expect(await fire()).toBeGreaterThanOrEqual(1);
    expect(mailsTo(caregiver)).toBe(1);
    expect(mailsTo(f.main.user.email)).toBe(1);
    expect(mailsTo('kim@example.com')).toBe(0);
    await fire(); // the webhook call scheduled by the step
    expect(received).toHaveLength(1);
    const call = received[0]!;
    expect(call.headers['x-carebot-signature']).toBe(
      signWebhook(WEBHOOK_SECRET, String(call.headers['x-carebot-timestamp']), call.body),
    );
    expect(JSON.parse(call.body)).toMatchObject({ alertId: id, kind: 'FIRE', step: 'escalate:1' });

    advance(8 * 60_000); // 10 minutes: the emergency contacts
    await fire();
    await fire();
    expect(mailsTo('kim@example.com')).toBe(1);
    expect(received).toHaveLength(2);
    expect((JSON.parse(received[1]!.body) as { recipients: unknown }).recipients).toEqual([
      { name: 'Neighbour Kim', email: 'kim@example.com', phone: '01012345678' },
    ]);
    const steps = (await timeline(f, id)).filter((e) => e.type === 'ESCALATED');
    expect(steps.map((e) => e.note)).toEqual([
      'step 1: every member',
      'step 2: emergency contacts',
    ]);

    // nothing fires twice
    advance(60 * 60_000);
    expect(await fire()).toBe(0);
    expect(mailsTo(caregiver)).toBe(1);
  });

  it('stops at acknowledgement, then closes the loop when it stays unresolved', async () => {
    const f = await createFamily(fx.t, { caregivers: 1, managers: 1 });
    const id = await raise(f, 'CRIT', 'EMERGENCY');
    const caregiver = f.caregivers[0]!;
    advance(60_000);
    await gql(caregiver.headers, 'mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }', {
      id,
    });
    advance(11 * 60_000);
    await fire();
    expect(mailsTo(caregiver.user.email)).toBe(0);
    expect(mailsTo(f.main.user.email)).toBe(0);

    advance(20 * 60_000); // 30 minutes after the acknowledgement
    await fire();
    expect(mailsTo(caregiver.user.email)).toBe(1);
    expect(mailsTo(f.main.user.email)).toBe(1);
    expect(mailsTo(f.managers[0]!.user.email)).toBe(1);
    const last = (await timeline(f, id)).filter((e) => e.type === 'ESCALATED');
    expect(last).toHaveLength(1);
  });

  it('retries a failing webhook with backoff, then records the delivery', async () => {
    const f = await createFamily(fx.t);
    await setUp(f);
    received.length = 0;
    statuses.push(500, 503);
    const id = await raise(f, 'CRIT', 'FIRE');
    advance(120_000);
    await fire(); // the step, and the webhook's first try (500)
    await fire();
    expect(received.map((r) => r.status)).toEqual([500]);
    await fire(); // not before its backoff
    expect(received).toHaveLength(1);
    advance(1_000);
    await fire(); // second try (503)
    advance(1_999);
    await fire();
    expect(received).toHaveLength(2);
    advance(1);
    await fire(); // third try (200)
    expect(received.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(new Set(received.map((r) => r.headers['x-carebot-delivery'])).size).toBe(1);
    const hooks = (await timeline(f, id)).filter((e) => e.channel === 'WEBHOOK');
    expect(hooks).toEqual([
      expect.objectContaining({
        type: 'DELIVERED',
        recipientName: 'webhook',
        note: 'step escalate:1, try 3',
      }),
    ]);
  });
});
