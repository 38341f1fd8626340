import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LiveFanout } from '../src/realtime/fanout.js';
import { RaiseNotificationDocument, RemoveMemberDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { type Frame, RawSocket } from './helpers/raw-ws.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * The `subscribe` messages of shared subscriptions are handled by our WebSocket adapter, not by
 * graphql-ws (see `ws-adapter.ts`): the protocol must not tell the two apart. Each case runs a
 * document the adapter handles and, where it can, one graphql-ws handles, and compares frames.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

/** Only fields built from the event: the adapter handles it. */
const SHARED =
  'subscription($familyId: ID, $minGrade: NotificationGrade, $after: ID) { notificationAdded(familyId: $familyId, minGrade: $minGrade, after: $after) { id grade message } }';
/** Selects `read` (per viewer): graphql-ws handles it. */
const PER_VIEWER =
  'subscription($familyId: ID, $minGrade: NotificationGrade, $after: ID) { notificationAdded(familyId: $familyId, minGrade: $minGrade, after: $after) { id grade message read } }';

async function raise(device: { authorization: string }, message: string): Promise<string> {
  const { raiseNotification } = await t.request(
    RaiseNotificationDocument,
    { input: { grade: 'INFO', kind: 'OTHER', message } },
    device,
  );
  return raiseNotification.id;
}

/** The notification messages of `next` frames. */
const messagesOf = (frames: Frame[]) =>
  frames.map(
    (frame) =>
      (frame.payload as { data: { notificationAdded: { message: string } } }).data.notificationAdded
        .message,
  );

/** The frames of `id` without the id, for comparing the two paths. */
const shapes = (frames: Frame[]) => frames.map(({ id: _id, ...rest }) => rest);

describe('shared subscriptions over graphql-transport-ws', () => {
  it('answers refused operations with the same frames as graphql-ws', async () => {
    const f = await createFamily(t);
    const other = await createFamily(t);
    const socket = await RawSocket.connect(t.wsUrl, f.main.headers);
    const cases: Record<string, unknown>[] = [
      { minGrade: 'LOUD' },
      { familyId: String(other.family.id) },
      { familyId: 'not-an-id' },
    ];
    for (const [i, variables] of cases.entries()) {
      const shared = await socket.run(`s${i}`, { query: SHARED, variables });
      const plain = await socket.run(`p${i}`, { query: PER_VIEWER, variables });
      expect(shared.length).toBeGreaterThan(0);
      expect(shapes(shared)).toEqual(shapes(plain));
    }
    expect(socket.closedBy).toBeUndefined();
    await socket.close();
  });

  it('closes with 4409 when an id is in use, and frees the id on the client’s complete', async () => {
    const hub = vi.spyOn(LiveFanout.prototype, 'subscribe');
    const f = await createFamily(t);
    const socket = await RawSocket.connect(t.wsUrl, f.main.headers);
    const started = await t.subscriptionsStarted();
    socket.send({ id: 'a', type: 'subscribe', payload: { query: SHARED } });
    await t.waitForSubscriptions(started + 1);
    expect(hub).toHaveBeenCalledTimes(1);
    // completed by the client: no more frames for it, and its id may be used again
    socket.send({ id: 'a', type: 'complete' });
    socket.send({ id: 'a', type: 'subscribe', payload: { query: SHARED } });
    await t.waitForSubscriptions(started + 2);
    await raise(f.device.headers, 'once');
    await socket.until(() => socket.framesOf('a').length > 0);
    await raise(f.device.headers, 'twice');
    await socket.until(() => socket.framesOf('a').length > 1);
    expect(socket.framesOf('a').map((frame) => frame.type)).toEqual(['next', 'next']);
    expect(messagesOf(socket.framesOf('a'))).toEqual(['once', 'twice']);
    // the id still runs: a second subscribe with it is a protocol error
    socket.send({ id: 'a', type: 'subscribe', payload: { query: SHARED } });
    expect(await socket.closed).toEqual({ code: 4409, reason: 'Subscriber for a already exists' });
  });

  it('closes with 4409 for an id whose operation is still being prepared', async () => {
    const f = await createFamily(t);
    const socket = await RawSocket.connect(t.wsUrl, f.main.headers);
    socket.send({ id: 'x', type: 'subscribe', payload: { query: SHARED } });
    socket.send({ id: 'x', type: 'subscribe', payload: { query: SHARED } });
    expect(await socket.closed).toEqual({ code: 4409, reason: 'Subscriber for x already exists' });
  });

  it('replays with `after` (not shared: streamed by the adapter) like graphql-ws does', async () => {
    const f = await createFamily(t);
    const start = await raise(f.device.headers, 'start');
    await raise(f.device.headers, 'missed');
    const socket = await RawSocket.connect(t.wsUrl, f.main.headers);
    socket.send({
      id: 'r',
      type: 'subscribe',
      payload: { query: SHARED, variables: { after: start } },
    });
    await socket.until(() => socket.framesOf('r').length > 0);
    await raise(f.device.headers, 'live');
    await socket.until(() => socket.framesOf('r').length > 1);
    expect(messagesOf(socket.framesOf('r'))).toEqual(['missed', 'live']);
    socket.send({ id: 'r', type: 'complete' });
    await socket.close();
  });

  it('sends complete when the subscriber loses the family, and counts the operation out', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const socket = await RawSocket.connect(t.wsUrl, caregiver.headers);
    const started = await t.subscriptionsStarted();
    socket.send({ id: 'c', type: 'subscribe', payload: { query: SHARED } });
    await t.waitForSubscriptions(started + 1);
    await t.request(
      RemoveMemberDocument,
      { membershipId: String(caregiver.membership.id) },
      f.main.headers,
    );
    await raise(f.device.headers, 'after removal');
    await socket.until(() => socket.settled('c'));
    expect(socket.framesOf('c')).toEqual([{ id: 'c', type: 'complete' }]);
    // the slot is free again: 20 more operations fit on the socket
    for (let i = 0; i < 20; i += 1)
      socket.send({ id: `m${i}`, type: 'subscribe', payload: { query: SHARED } });
    await t.waitForSubscriptions(started + 21);
    expect(socket.frames.filter((frame) => frame.type === 'error')).toEqual([]);
    expect(socket.closedBy).toBeUndefined();
    await socket.close();
  });

  it('closes with 4400 for a subscribe frame graphql-ws would refuse', async () => {
    const f = await createFamily(t);
    const socket = await RawSocket.connect(t.wsUrl, f.main.headers);
    socket.send({ id: 'b', type: 'subscribe', payload: { query: 42 } });
    expect(await socket.closed).toEqual({ code: 4400, reason: 'Invalid message received' });
  });
});
