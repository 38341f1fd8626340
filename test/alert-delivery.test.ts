import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFamily, type TestFamily } from './factories/families.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
let now = Date.parse('2026-11-30T12:00:00.000Z');
const clock = () => new Date(now);
const advance = (ms: number) => {
  now += ms;
};

beforeAll(async () => {
  t = await startTestServer({}, { clock });
  // the test fires alert timers itself (`fireDue`), with the clock where it wants it
  await t.server.periodic.stop();
});
afterAll(async () => {
  await t?.close();
});

type Headers = { authorization: string };
const gql = <T>(headers: Headers, query: string, variables: Record<string, unknown> = {}) =>
  t.http(headers).request<T>(query, variables);

async function raise(f: TestFamily, grade: string, kind: string, message = `${kind}!`) {
  const data = await gql<{ raiseNotification: { id: string } }>(
    f.device.headers,
    'mutation($input: RaiseNotificationInput!) { raiseNotification(input: $input) { id } }',
    { input: { grade, kind, message } },
  );
  return data.raiseNotification.id;
}

const fire = () => t.server.app.services.alerts.fireDue();

type Live = { data?: Record<string, { id: string; message?: string }> };
async function live(headers: Headers, query: string, variables: Record<string, unknown> = {}) {
  const before = await t.subscriptionsStarted();
  const events = t.ws({ authorization: headers.authorization }).iterate({ query, variables });
  const iterator = events[Symbol.asyncIterator]();
  const next = () => iterator.next().then((r) => r.value as Live);
  const first = next();
  await t.waitForSubscriptions(before + 1);
  return { first, next, stop: () => iterator.return?.() };
}

describe('resuming after a grace-released alert', () => {
  // `read` makes the document per subscriber (not shared), like a resumed one
  const ADDED = 'subscription($after: ID) { notificationAdded(after: $after) { id message read } }';

  it('replays an alert released after the cursor, though its id is older', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!.headers;
    const fall = await raise(f, 'CRIT', 'FALL', 'fell');
    advance(5_000);
    const notice = await raise(f, 'INFO', 'ENVIRONMENT', 'dusty');
    expect(Number(notice)).toBeGreaterThan(Number(fall));
    // a connected subscriber hears of the notice, then of the fall when its window ends
    const connected = await live(caregiver, ADDED);
    const later = await raise(f, 'INFO', 'ENVIRONMENT', 'still dusty');
    expect((await connected.first).data?.['notificationAdded']?.id).toBe(later);
    advance(30_000);
    await fire();
    expect((await connected.next()).data?.['notificationAdded']?.id).toBe(fall);
    await connected.stop();

    // one that last saw the notice, raised before the fall was delivered, gets the fall replayed
    const resumed = await live(caregiver, ADDED, { after: notice });
    expect((await resumed.first).data?.['notificationAdded']?.id).toBe(later);
    expect((await resumed.next()).data?.['notificationAdded']?.id).toBe(fall);
    const next = await raise(f, 'INFO', 'ENVIRONMENT', 'next');
    expect((await resumed.next()).data?.['notificationAdded']?.id).toBe(next);
    await resumed.stop();

    // one that last saw the fall does not get what was delivered before it again
    const fromFall = await live(caregiver, ADDED, { after: fall });
    expect((await fromFall.first).data?.['notificationAdded']?.id).toBe(next);
    await fromFall.stop();
  });
});
