import { describe, expect, it } from 'vitest';
import { createFamily, type TestFamily } from './factories/families.js';
import { useAlertServer } from './helpers/alert-server.js';

const fx = useAlertServer();
const { advance, gql, fire: fireTimers, mailsTo } = fx;

type Headers = { authorization: string };
type Alert = {
  id: string;
  state: string | null;
  occurrences: number;
  outcome: string | null;
  deliverAt: string | null;
  timeline: {
    type: string;
    byDevice: boolean;
    channel: string | null;
    note: string | null;
    actor: { id: string } | null;
    recipient: { id: string } | null;
  }[];
};
const ALERT_FIELDS =
  'id state occurrences outcome deliverAt timeline { type byDevice channel note actor { id } recipient { id } }';

async function errors(headers: Headers, query: string, variables: Record<string, unknown> = {}) {
  try {
    await gql(headers, query, variables);
  } catch (error) {
    return (error as { response: { errors: { extensions: { code: string } }[] } }).response.errors;
  }
  throw new Error('expected errors');
}

async function raise(f: TestFamily, grade: string, kind: string, message = `${kind} alert`) {
  const data = await gql<{ raiseNotification: Alert }>(
    f.device.headers,
    `mutation($input: RaiseNotificationInput!) { raiseNotification(input: $input) { ${ALERT_FIELDS} } }`,
    { input: { grade, kind, message } },
  );
  return data.raiseNotification;
}

async function list(f: TestFamily, headers: Headers) {
  const data = await gql<{ family: { notifications: { edges: { node: Alert }[] } } }>(
    headers,
    `query($id: ID!) { family(id: $id) { notifications(first: 50) { edges { node { ${ALERT_FIELDS} } } } } }`,
    { id: String(f.family.id) },
  );
  return data.family.notifications.edges.map((edge) => edge.node);
}

describe('alert lifecycle', () => {
  it('delivers a CRIT at once, then acknowledges and resolves it, recording each step', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const raised = await raise(f, 'CRIT', 'EMERGENCY');
    expect(raised.state).toBe('OPEN');
    expect(raised.deliverAt).toBeNull();
    expect((await list(f, caregiver.headers)).map((a) => a.id)).toEqual([raised.id]);

    advance(30_000);
    const acked = await gql<{ acknowledgeNotification: Alert }>(
      caregiver.headers,
      `mutation($id: ID!) { acknowledgeNotification(id: $id) { ${ALERT_FIELDS} } }`,
      { id: raised.id },
    );
    expect(acked.acknowledgeNotification.state).toBe('ACKNOWLEDGED');

    advance(60_000);
    const resolved = await gql<{ resolveNotification: Alert }>(
      f.main.headers,
      `mutation($id: ID!) { resolveNotification(id: $id, outcome: FALSE_ALARM, note: "the cat") { ${ALERT_FIELDS} } }`,
      { id: raised.id },
    );
    const alert = resolved.resolveNotification;
    expect(alert).toMatchObject({ state: 'RESOLVED', outcome: 'FALSE_ALARM' });
    expect(alert.timeline.map((e) => e.type)).toEqual([
      'RAISED',
      'DELIVERED',
      'DELIVERED',
      'SEEN',
      'ACKNOWLEDGED',
      'RESOLVED',
    ]);
    expect(alert.timeline[0]!.byDevice).toBe(true);
    expect(
      alert.timeline.filter((e) => e.type === 'DELIVERED').map((e) => e.recipient?.id),
    ).toEqual([String(f.main.user.id), String(caregiver.user.id)]);
    expect(alert.timeline.find((e) => e.type === 'ACKNOWLEDGED')!.actor?.id).toBe(
      String(caregiver.user.id),
    );
    expect(alert.timeline.at(-1)).toMatchObject({
      actor: { id: String(f.main.user.id) },
      note: 'FALSE_ALARM: the cat',
    });

    // closed once: a second resolution is a conflict, and nothing changes
    const again = await errors(
      caregiver.headers,
      'mutation($id: ID!) { resolveNotification(id: $id, outcome: HANDLED) { id } }',
      { id: raised.id },
    );
    expect(again[0]!.extensions.code).toBe('CONFLICT');
  });

  it('rejects a bad outcome and a note too long, naming the field', async () => {
    const f = await createFamily(fx.t);
    const raised = await raise(f, 'WARN', 'HEALTH');
    const bad = await errors(
      f.main.headers,
      'mutation($id: ID!, $note: String) { resolveNotification(id: $id, outcome: HANDLED, note: $note) { id } }',
      { id: raised.id, note: 'x'.repeat(501) },
    );
    expect(bad[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect((await list(f, f.main.headers))[0]!.state).toBe('OPEN');
  });
});

describe('grace window', () => {
  it('a FALL cancelled inside the window reaches no caregiver, and keeps its timeline', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const fall = await raise(f, 'CRIT', 'FALL', 'fell in the bathroom');
    expect(fall.deliverAt).toBe(new Date(fx.now() + 30_000).toISOString());
    // nobody but the Carebot (which raised it) hears of it
    expect(await list(f, caregiver.headers)).toEqual([]);
    expect(await list(f, f.main.headers)).toEqual([]);
    const hidden = await errors(
      caregiver.headers,
      'mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }',
      { id: fall.id },
    );
    expect(hidden[0]!.extensions.code).toBe('NOT_FOUND');

    advance(20_000);
    const cancelled = await gql<{ cancelAlert: Alert }>(
      f.device.headers,
      `mutation($id: ID!) { cancelAlert(id: $id) { ${ALERT_FIELDS} } }`,
      { id: fall.id },
    );
    expect(cancelled.cancelAlert.state).toBe('CANCELLED');
    expect(cancelled.cancelAlert.timeline.map((e) => e.type)).toEqual(['RAISED', 'CANCELLED']);

    advance(60 * 60_000);
    await fireTimers();
    expect(await list(f, caregiver.headers)).toEqual([]);
    expect(mailsTo(caregiver.user.email)).toBe(0);
    const { unreadNotificationCount } = await gql<{ unreadNotificationCount: number }>(
      caregiver.headers,
      '{ unreadNotificationCount }',
    );
    expect(unreadNotificationCount).toBe(0);
  });

  it('delivers a FALL when its window ends, and refuses a cancel after it', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    const fall = await raise(f, 'CRIT', 'FALL');
    advance(30_000);
    const late = await errors(
      f.device.headers,
      'mutation($id: ID!) { cancelAlert(id: $id) { id } }',
      { id: fall.id },
    );
    expect(late[0]!.extensions.code).toBe('CONFLICT');
    expect(await fireTimers()).toBeGreaterThanOrEqual(1);
    const [seen] = await list(f, f.caregivers[0]!.headers);
    expect(seen).toMatchObject({ id: fall.id, state: 'OPEN' });
    expect(seen!.timeline.map((e) => e.type)).toEqual(['RAISED', 'DELIVERED', 'DELIVERED']);
  });

  it("takes the family's own window and kinds; another family's device cannot cancel", async () => {
    const f = await createFamily(fx.t);
    const other = await createFamily(fx.t);
    await gql(
      f.main.headers,
      'mutation($id: ID!) { updateAlertSettings(familyId: $id, input: { graceSeconds: 60, graceKinds: [EMERGENCY] }) { graceSeconds graceKinds } }',
      { id: String(f.family.id) },
    );
    const help = await raise(f, 'CRIT', 'EMERGENCY');
    expect(help.deliverAt).toBe(new Date(fx.now() + 60_000).toISOString());
    const foreign = await errors(
      other.device.headers,
      'mutation($id: ID!) { cancelAlert(id: $id) { id } }',
      { id: help.id },
    );
    expect(foreign[0]!.extensions.code).toBe('NOT_FOUND');
    const bad = await errors(
      f.main.headers,
      'mutation($id: ID!) { updateAlertSettings(familyId: $id, input: { graceSeconds: 301 }) { graceSeconds } }',
      { id: String(f.family.id) },
    );
    expect(bad[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('de-duplication', () => {
  it('makes ten identical alerts in a minute one alert with 10 occurrences', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    const ids = new Set<string>();
    for (let i = 0; i < 10; i++) {
      ids.add((await raise(f, 'WARN', 'HEALTH', `pulse high #${i}`)).id);
      advance(5_000);
    }
    expect(ids.size).toBe(1);
    const alerts = await list(f, f.caregivers[0]!.headers);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.occurrences).toBe(10);
    // ten minutes after the first, a new alert starts
    advance(10 * 60_000);
    const later = await raise(f, 'WARN', 'HEALTH');
    expect(ids.has(later.id)).toBe(false);
    expect(later.occurrences).toBe(1);
  });
});

describe('isolation', () => {
  it("shows another family's caregiver nothing of an alert over HTTP", async () => {
    const f = await createFamily(fx.t);
    const stranger = await createFamily(fx.t, { caregivers: 1 });
    const raised = await raise(f, 'CRIT', 'FIRE');
    for (const query of [
      'mutation($id: ID!) { resolveNotification(id: $id, outcome: HANDLED) { id } }',
      'mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }',
    ]) {
      const denied = await errors(stranger.caregivers[0]!.headers, query, { id: raised.id });
      expect(denied[0]!.extensions.code).toBe('NOT_FOUND');
    }
    const settings = await errors(
      stranger.caregivers[0]!.headers,
      'query($id: ID!) { family(id: $id) { alertSettings { graceSeconds } } }',
      { id: String(f.family.id) },
    );
    expect(settings[0]!.extensions.code).toBe('NOT_FOUND');
  });
});

describe('live updates', () => {
  type Live = {
    data?: Record<string, { id: string; state?: string; occurrences?: number; message?: string }>;
  };
  async function live(headers: Headers, query: string) {
    const before = await fx.t.subscriptionsStarted();
    const events = fx.t.ws({ authorization: headers.authorization }).iterate({ query });
    const iterator = events[Symbol.asyncIterator]();
    const next = () => iterator.next().then((r) => r.value as Live);
    const first = next();
    await fx.t.waitForSubscriptions(before + 1);
    return { first, next, stop: () => iterator.return?.() };
  }
  const UPDATED = 'subscription { notificationUpdated { id state occurrences message } }';
  const ADDED = 'subscription { notificationAdded { id message } }';

  it('tells only the Carebot of an alert in its window, then the family; never another family', async () => {
    const f = await createFamily(fx.t, { caregivers: 1 });
    const stranger = await createFamily(fx.t, { caregivers: 1 });
    const device = await live(f.device.headers, UPDATED);
    const caregiverUpdates = await live(f.caregivers[0]!.headers, UPDATED);
    const caregiverAdds = await live(f.caregivers[0]!.headers, ADDED);
    const strangerUpdates = await live(stranger.caregivers[0]!.headers, UPDATED);
    const strangerAdds = await live(stranger.caregivers[0]!.headers, ADDED);

    const fall = await raise(f, 'CRIT', 'FALL', 'fell');
    expect((await device.first).data?.['notificationUpdated']).toMatchObject({
      id: fall.id,
      state: 'OPEN',
    });
    advance(30_000);
    await fireTimers();
    // the caregiver's first events are the delivery, not the window
    expect((await caregiverAdds.first).data?.['notificationAdded']?.id).toBe(fall.id);
    expect((await caregiverUpdates.first).data?.['notificationUpdated']?.id).toBe(fall.id);

    // a repeat is an update with the grown count
    await raise(f, 'CRIT', 'FALL', 'fell again');
    expect((await caregiverUpdates.next()).data?.['notificationUpdated']).toMatchObject({
      id: fall.id,
      occurrences: 2,
    });

    // the stranger's streams are live, and their first events are their own family's
    const own = await raise(stranger, 'WARN', 'HEALTH', 'own');
    expect((await strangerAdds.first).data?.['notificationAdded']?.id).toBe(own.id);
    await gql(
      stranger.caregivers[0]!.headers,
      'mutation($id: ID!) { acknowledgeNotification(id: $id) { id } }',
      {
        id: own.id,
      },
    );
    expect((await strangerUpdates.first).data?.['notificationUpdated']?.id).toBe(own.id);
    for (const sub of [device, caregiverUpdates, caregiverAdds, strangerUpdates, strangerAdds])
      await sub.stop();
  });
});
