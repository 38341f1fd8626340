import { describe, expect, it } from 'vitest';
import { createFamily, type TestFamily } from './factories/families.js';
import { useAlertServer, WEBHOOK_SECRET } from './helpers/alert-server.js';

const fx = useAlertServer({ webhook: true });
const { advance, gql, fire, outbox, mailsTo } = fx;
const MINUTE = 60_000;
const { received } = fx.hook;
const hooksFor = (alertId: string) =>
  received.filter((r) => (JSON.parse(r.body) as { alertId: string }).alertId === alertId);

type Headers = { authorization: string };

type GqlError = { extensions: { code: string; fields?: Record<string, string> } };
async function errors(headers: Headers, query: string, variables: Record<string, unknown> = {}) {
  try {
    await gql(headers, query, variables);
  } catch (error) {
    return (error as { response: { errors: GqlError[] } }).response.errors;
  }
  throw new Error('expected errors');
}

const POLICY_FIELDS = `isDefault steps { afterMinutes roles userIds emergencyContacts channels }
  closedLoopMinutes closedLoopAcknowledger closedLoopRoles closedLoopChannels updatedAt`;
const UPDATE = `mutation($id: ID!, $input: AlertPolicyInput!) {
  updateAlertPolicy(familyId: $id, input: $input) { ${POLICY_FIELDS} } }`;
const RESET = `mutation($id: ID!) { resetAlertPolicy(familyId: $id) { ${POLICY_FIELDS} } }`;

interface Policy {
  isDefault: boolean;
  steps: {
    afterMinutes: number;
    roles: string[];
    userIds: string[];
    emergencyContacts: boolean;
    channels: string[];
  }[];
  closedLoopMinutes: number | null;
  closedLoopAcknowledger: boolean;
  closedLoopRoles: string[];
  closedLoopChannels: string[];
  updatedAt: string | null;
}

async function policyOf(f: TestFamily, headers: Headers = f.main.headers): Promise<Policy> {
  const data = await gql<{ family: { alertPolicy: Policy } }>(
    headers,
    `query($id: ID!) { family(id: $id) { alertPolicy { ${POLICY_FIELDS} } } }`,
    { id: String(f.family.id) },
  );
  return data.family.alertPolicy;
}

async function setPolicy(f: TestFamily, input: Record<string, unknown>): Promise<Policy> {
  const data = await gql<{ updateAlertPolicy: Policy }>(f.main.headers, UPDATE, {
    id: String(f.family.id),
    input,
  });
  return data.updateAlertPolicy;
}

async function setWebhook(f: TestFamily, url: string | null) {
  await gql(
    f.main.headers,
    'mutation($id: ID!, $url: String, $secret: String) { updateAlertSettings(familyId: $id, input: { webhookUrl: $url, webhookSecret: $secret }) { webhookUrl } }',
    { id: String(f.family.id), url, secret: WEBHOOK_SECRET },
  );
}

async function addContact(f: TestFamily) {
  await gql(
    f.main.headers,
    'mutation($id: ID!) { addEmergencyContact(familyId: $id, input: { name: "Neighbour Kim", email: "kim@example.com" }) { id } }',
    { id: String(f.family.id) },
  );
}

async function raise(f: TestFamily, grade = 'CRIT', kind = 'FIRE') {
  const data = await gql<{ raiseNotification: { id: string } }>(
    f.device.headers,
    'mutation($input: RaiseNotificationInput!) { raiseNotification(input: $input) { id } }',
    { input: { grade, kind, message: `${kind}!` } },
  );
  return data.raiseNotification.id;
}

const acknowledge = (headers: Headers, id: string) =>
  gql(headers, 'mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }', { id });

interface Entry {
  type: string;
  channel: string | null;
  recipientName: string | null;
  note: string | null;
  recipient: { id: string } | null;
}

async function timeline(f: TestFamily, id: string): Promise<Entry[]> {
  const data = await gql<{
    family: { notifications: { edges: { node: { id: string; timeline: Entry[] } }[] } };
  }>(
    f.main.headers,
    'query($id: ID!) { family(id: $id) { notifications(first: 50) { edges { node { id timeline { type channel recipientName note recipient { id } } } } } } }',
    { id: String(f.family.id) },
  );
  return data.family.notifications.edges.find((e) => e.node.id === id)!.node.timeline;
}

/** What happened after the immediate delivery: the escalations and their deliveries. */
async function after(f: TestFamily, id: string, from: number): Promise<Entry[]> {
  return (await timeline(f, id)).slice(from);
}

/** A family with a caregiver, a manager, a webhook and an emergency contact. */
async function family() {
  const f = await createFamily(fx.t, { caregivers: 1, managers: 1 });
  await setWebhook(f, fx.hook.url());
  await addContact(f);
  return f;
}

const customSteps = (f: TestFamily) => [
  { afterMinutes: 1, userIds: [String(f.caregivers[0]!.user.id)], channels: ['EMAIL'] },
  { afterMinutes: 3, roles: ['MANAGER'], channels: ['LIVE', 'WEBHOOK'] },
  { afterMinutes: 5, emergencyContacts: true, channels: ['EMAIL'] },
];

describe('escalation policy', () => {
  it('shows the default until a manager sets one, and back after a reset', async () => {
    const f = await family();
    expect(await policyOf(f)).toEqual({
      isDefault: true,
      steps: [
        {
          afterMinutes: 2,
          roles: ['MAIN', 'MANAGER', 'CAREGIVER'],
          userIds: [],
          emergencyContacts: false,
          channels: ['EMAIL', 'WEBHOOK'],
        },
        {
          afterMinutes: 10,
          roles: [],
          userIds: [],
          emergencyContacts: true,
          channels: ['EMAIL', 'WEBHOOK'],
        },
      ],
      closedLoopMinutes: 30,
      closedLoopAcknowledger: true,
      closedLoopRoles: ['MAIN', 'MANAGER'],
      closedLoopChannels: ['LIVE', 'EMAIL', 'WEBHOOK'],
      updatedAt: null,
    });
    const set = await setPolicy(f, { steps: customSteps(f) });
    expect(set).toMatchObject({
      isDefault: false,
      closedLoopMinutes: 30,
      closedLoopAcknowledger: true,
      closedLoopRoles: ['MAIN', 'MANAGER'],
      // the family has a webhook: the omitted channels include it
      closedLoopChannels: ['LIVE', 'EMAIL', 'WEBHOOK'],
      updatedAt: new Date(fx.now()).toISOString(),
    });
    expect(set.steps[0]).toEqual({
      afterMinutes: 1,
      roles: [],
      userIds: [String(f.caregivers[0]!.user.id)],
      emergencyContacts: false,
      channels: ['EMAIL'],
    });
    // a caregiver reads it like the alert settings
    expect(await policyOf(f, f.caregivers[0]!.headers)).toEqual(set);
    const reset = await gql<{ resetAlertPolicy: Policy }>(f.managers[0]!.headers, RESET, {
      id: String(f.family.id),
    });
    expect(reset.resetAlertPolicy.isDefault).toBe(true);
    expect((await policyOf(f)).isDefault).toBe(true);
  });

  it('escalates through custom steps to exactly their recipients on their channels, once', async () => {
    const f = await family();
    const caregiver = f.caregivers[0]!;
    const manager = f.managers[0]!;
    await setPolicy(f, { steps: customSteps(f) });
    const mailsBefore = outbox().length;
    const id = await raise(f);
    const delivered = (await timeline(f, id)).length;

    advance(MINUTE - 1);
    await fire();
    expect(await after(f, id, delivered)).toEqual([]);

    advance(1); // 1 minute: the caregiver named by id, by e-mail only
    await fire();
    expect(await after(f, id, delivered)).toEqual([
      expect.objectContaining({ type: 'ESCALATED', note: 'step 1: a chosen member' }),
      expect.objectContaining({
        type: 'DELIVERED',
        channel: 'EMAIL',
        recipient: { id: String(caregiver.user.id) },
      }),
    ]);
    expect(
      outbox()
        .slice(mailsBefore)
        .map((m) => m.to),
    ).toEqual([caregiver.user.email]);
    expect(hooksFor(id)).toHaveLength(0);

    advance(2 * MINUTE); // 3 minutes: the managers by role, live and by webhook
    await fire();
    await fire();
    expect(await after(f, id, delivered + 2)).toEqual([
      expect.objectContaining({ type: 'ESCALATED', note: 'step 2: managers' }),
      expect.objectContaining({
        type: 'DELIVERED',
        channel: 'LIVE',
        recipient: { id: String(manager.user.id) },
      }),
      expect.objectContaining({
        type: 'DELIVERED',
        channel: 'WEBHOOK',
        recipientName: 'webhook',
        note: 'step escalate:2, try 1',
      }),
    ]);
    expect(outbox().slice(mailsBefore)).toHaveLength(1);
    expect(hooksFor(id)).toHaveLength(1);
    expect(JSON.parse(hooksFor(id)[0]!.body)).toMatchObject({
      alertId: id,
      step: 'escalate:2',
      recipients: [{ name: manager.user.name, email: manager.user.email, phone: null }],
    });

    advance(2 * MINUTE); // 5 minutes: the emergency contacts, by e-mail only
    await fire();
    expect(await after(f, id, delivered + 5)).toEqual([
      expect.objectContaining({ type: 'ESCALATED', note: 'step 3: emergency contacts' }),
      expect.objectContaining({
        type: 'DELIVERED',
        channel: 'EMAIL',
        recipientName: 'Neighbour Kim',
        recipient: null,
      }),
    ]);
    expect(
      outbox()
        .slice(mailsBefore)
        .map((m) => m.to),
    ).toEqual([caregiver.user.email, 'kim@example.com']);
    expect(hooksFor(id)).toHaveLength(1);

    advance(60 * MINUTE); // nothing fires twice
    expect(await fire()).toBe(0);
    expect(await after(f, id, delivered + 7)).toEqual([]);
  });

  it('stops at acknowledgement', async () => {
    const f = await family();
    await setPolicy(f, { steps: customSteps(f), closedLoopMinutes: null });
    const id = await raise(f);
    advance(MINUTE);
    await fire();
    advance(MINUTE);
    await acknowledge(f.caregivers[0]!.headers, id);
    advance(60 * MINUTE);
    await fire();
    const steps = (await timeline(f, id)).filter((e) => e.type === 'ESCALATED');
    expect(steps.map((e) => e.note)).toEqual(['step 1: a chosen member']);
    expect(mailsTo(f.managers[0]!.user.email)).toBe(0);
  });

  it('keeps the steps an alert started with when the policy changes or is reset', async () => {
    const f = await family();
    const caregiver = f.caregivers[0]!;
    await setPolicy(f, {
      steps: [{ afterMinutes: 1, userIds: [String(caregiver.user.id)], channels: ['EMAIL'] }],
    });
    const id = await raise(f);
    await setPolicy(f, { steps: [{ afterMinutes: 1, roles: ['MAIN'], channels: ['LIVE'] }] });
    advance(MINUTE);
    await fire();
    await gql(f.main.headers, RESET, { id: String(f.family.id) });
    advance(20 * MINUTE); // the default's steps at 2 and 10 minutes never come to this alert
    await fire();
    const escalations = (await timeline(f, id)).filter((e) => e.type === 'ESCALATED');
    expect(escalations.map((e) => e.note)).toEqual(['step 1: a chosen member']);
    expect(mailsTo(caregiver.user.email)).toBe(1);
    expect(mailsTo(f.main.user.email)).toBe(0);
    // a new alert takes the policy of now: the default
    const next = await raise(f, 'CRIT', 'EMERGENCY');
    advance(2 * MINUTE);
    await fire();
    const notes = (await timeline(f, next)).filter((e) => e.type === 'ESCALATED');
    expect(notes.map((e) => e.note)).toEqual(['step 1: every member']);
  });

  it('records a webhook step skipped when the family removed its webhook', async () => {
    const f = await family();
    await setPolicy(f, { steps: [{ afterMinutes: 1, roles: ['MAIN'], channels: ['WEBHOOK'] }] });
    await setWebhook(f, null);
    const id = await raise(f);
    advance(MINUTE);
    await fire();
    expect((await timeline(f, id)).slice(-1)).toEqual([
      expect.objectContaining({
        type: 'DELIVERED',
        channel: 'WEBHOOK',
        note: 'step escalate:1: skipped, the family has no webhook any more',
      }),
    ]);
    expect(hooksFor(id)).toHaveLength(0);
  });

  it('skips members named by id who left the family before the step', async () => {
    const f = await family();
    const caregiver = f.caregivers[0]!;
    await setPolicy(f, {
      steps: [
        {
          afterMinutes: 1,
          userIds: [String(caregiver.user.id), String(f.managers[0]!.user.id)],
          channels: ['EMAIL'],
        },
      ],
    });
    const id = await raise(f);
    await gql(f.main.headers, 'mutation($id: ID!) { removeMember(membershipId: $id) }', {
      id: String(caregiver.membership.id),
    });
    advance(MINUTE);
    await fire();
    const deliveries = (await timeline(f, id)).filter((e) => e.channel === 'EMAIL');
    expect(deliveries.map((e) => e.recipient?.id)).toEqual([String(f.managers[0]!.user.id)]);
    expect(mailsTo(caregiver.user.email)).toBe(0);
  });

  it('closes the loop after its own minutes, to its own people, or not at all', async () => {
    const f = await family();
    const [caregiver, manager] = [f.caregivers[0]!, f.managers[0]!];
    await setPolicy(f, {
      steps: [{ afterMinutes: 10, roles: ['MAIN'], channels: ['LIVE'] }],
      closedLoopMinutes: 5,
      closedLoopAcknowledger: false,
      closedLoopRoles: ['CAREGIVER'],
      closedLoopChannels: ['EMAIL'],
    });
    const id = await raise(f);
    await acknowledge(manager.headers, id);
    // changed after the acknowledgement: the running closed loop keeps its copy
    await setPolicy(f, {
      steps: [{ afterMinutes: 10, roles: ['MAIN'], channels: ['LIVE'] }],
      closedLoopMinutes: 1,
    });
    advance(5 * MINUTE - 1);
    await fire();
    expect((await timeline(f, id)).filter((e) => e.type === 'ESCALATED')).toEqual([]);
    advance(1);
    await fire();
    const entries = await timeline(f, id);
    const last = entries.slice(entries.findIndex((e) => e.type === 'ESCALATED'));
    expect(last).toEqual([
      expect.objectContaining({
        type: 'ESCALATED',
        note: 'acknowledged but not resolved: re-alerting caregivers',
      }),
      expect.objectContaining({
        type: 'DELIVERED',
        channel: 'EMAIL',
        recipient: { id: String(caregiver.user.id) },
      }),
    ]);
    expect(mailsTo(caregiver.user.email)).toBe(1);
    expect(mailsTo(manager.user.email)).toBe(0);

    // off: an acknowledged alert is never re-alerted
    const quiet = await family();
    await setPolicy(quiet, {
      steps: [{ afterMinutes: 10, roles: ['MAIN'], channels: ['LIVE'] }],
      closedLoopMinutes: null,
    });
    const other = await raise(quiet);
    await acknowledge(quiet.managers[0]!.headers, other);
    advance(24 * 60 * MINUTE);
    await fire();
    expect((await timeline(quiet, other)).filter((e) => e.type === 'ESCALATED')).toEqual([]);
  });

  it('refuses each bad field under its path and keeps the stored policy', async () => {
    const f = await family();
    const noHook = await createFamily(fx.t, { caregivers: 1, pending: 1 });
    const stranger = await createFamily(fx.t);
    const valid = { afterMinutes: 1, roles: ['MAIN'], channels: ['LIVE'] };
    await setPolicy(f, { steps: customSteps(f) });
    await setPolicy(noHook, { steps: [valid] });
    const cases: [TestFamily, Record<string, unknown>, string][] = [
      [f, { steps: [] }, 'input.steps'],
      [
        f,
        { steps: Array.from({ length: 6 }, (_, i) => ({ ...valid, afterMinutes: i + 1 })) },
        'input.steps',
      ],
      [f, { steps: [{ ...valid, afterMinutes: 0 }] }, 'input.steps.0.afterMinutes'],
      [f, { steps: [valid, { ...valid, afterMinutes: 1441 }] }, 'input.steps.1.afterMinutes'],
      [
        f,
        {
          steps: [
            { ...valid, afterMinutes: 5 },
            { ...valid, afterMinutes: 5 },
          ],
        },
        'input.steps.1.afterMinutes',
      ],
      [
        f,
        { steps: [valid, { ...valid, afterMinutes: 3 }, { ...valid, afterMinutes: 2 }] },
        'input.steps.2.afterMinutes',
      ],
      [f, { steps: [{ ...valid, roles: ['MAIN', 'MAIN'] }] }, 'input.steps.0.roles'],
      [
        f,
        { steps: [{ ...valid, userIds: [String(stranger.main.user.id)] }] },
        'input.steps.0.userIds',
      ],
      [
        noHook,
        { steps: [{ ...valid, userIds: [String(noHook.pending[0]!.user.id)] }] },
        'input.steps.0.userIds',
      ],
      [
        f,
        { steps: [valid, { ...valid, afterMinutes: 2, userIds: ['nope'] }] },
        'input.steps.1.userIds',
      ],
      [f, { steps: [{ afterMinutes: 1, roles: [], channels: ['EMAIL'] }] }, 'input.steps.0'],
      [f, { steps: [{ ...valid, channels: [] }] }, 'input.steps.0.channels'],
      [f, { steps: [{ ...valid, channels: ['EMAIL', 'EMAIL'] }] }, 'input.steps.0.channels'],
      [noHook, { steps: [{ ...valid, channels: ['WEBHOOK'] }] }, 'input.steps.0.channels'],
      [
        f,
        { steps: [{ afterMinutes: 1, emergencyContacts: true, channels: ['LIVE'] }] },
        'input.steps.0.channels',
      ],
      [
        f,
        {
          steps: [
            valid,
            {
              afterMinutes: 2,
              roles: [],
              userIds: [],
              emergencyContacts: true,
              channels: ['LIVE'],
            },
          ],
        },
        'input.steps.1.channels',
      ],
      [f, { steps: [valid], closedLoopMinutes: 0 }, 'input.closedLoopMinutes'],
      [f, { steps: [valid], closedLoopMinutes: 1441 }, 'input.closedLoopMinutes'],
      [f, { steps: [valid], closedLoopRoles: ['CAREGIVER', 'CAREGIVER'] }, 'input.closedLoopRoles'],
      [
        f,
        { steps: [valid], closedLoopAcknowledger: false, closedLoopRoles: [] },
        'input.closedLoopRoles',
      ],
      [f, { steps: [valid], closedLoopChannels: [] }, 'input.closedLoopChannels'],
      [noHook, { steps: [valid], closedLoopChannels: ['WEBHOOK'] }, 'input.closedLoopChannels'],
    ];
    const before = [await policyOf(f), await policyOf(noHook)];
    for (const [family, input, path] of cases) {
      const [error] = await errors(family.main.headers, UPDATE, {
        id: String(family.family.id),
        input,
      });
      expect({ path, code: error!.extensions.code }).toEqual({ path, code: 'BAD_USER_INPUT' });
      expect(Object.keys(error!.extensions.fields ?? {})).toEqual([path]);
    }
    expect([await policyOf(f), await policyOf(noHook)]).toEqual(before);
    const [liveOnly] = await errors(f.main.headers, UPDATE, {
      id: String(f.family.id),
      input: { steps: [{ afterMinutes: 1, emergencyContacts: true, channels: ['LIVE'] }] },
    });
    expect(liveOnly!.extensions.fields).toEqual({
      'input.steps.0.channels':
        'LIVE reaches members only and this step names only emergency contacts: add EMAIL (or name members)',
    });
    // emergency contacts with a channel that reaches them, or beside members, are fine
    await setPolicy(noHook, {
      steps: [
        { afterMinutes: 1, emergencyContacts: true, channels: ['LIVE', 'EMAIL'] },
        { afterMinutes: 2, roles: ['MAIN'], emergencyContacts: true, channels: ['LIVE'] },
      ],
    });
  });

  it("answers NOT_FOUND to another family's caregiver and FORBIDDEN to its own", async () => {
    const f = await family();
    const other = await createFamily(fx.t, { caregivers: 1 });
    const outsider = other.caregivers[0]!.headers;
    await setPolicy(f, { steps: customSteps(f) });
    const read = await errors(
      outsider,
      'query($id: ID!) { family(id: $id) { alertPolicy { isDefault } } }',
      { id: String(f.family.id) },
    );
    expect(read[0]!.extensions.code).toBe('NOT_FOUND');
    const input = { steps: [{ afterMinutes: 1, roles: ['MAIN'], channels: ['LIVE'] }] };
    const update = await errors(outsider, UPDATE, { id: String(f.family.id), input });
    expect(update[0]!.extensions.code).toBe('NOT_FOUND');
    const reset = await errors(outsider, RESET, { id: String(f.family.id) });
    expect(reset[0]!.extensions.code).toBe('NOT_FOUND');
    const own = await errors(f.caregivers[0]!.headers, UPDATE, { id: String(f.family.id), input });
    expect(own[0]!.extensions.code).toBe('FORBIDDEN');
    expect((await policyOf(f)).steps).toHaveLength(3);
  });
});
