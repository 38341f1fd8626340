import { CloseCode } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveCloseCode, MAX_SUBSCRIPTIONS_PER_SOCKET } from '../src/realtime/live.js';
import { TOO_MANY_CONNECTIONS } from '../src/realtime/socket-limits.js';
import { createFamily, sessionFor } from './factories/families.js';
import { createUser } from './factories/users.js';
import { RawSocket } from './helpers/raw-ws.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ WS_MAX_SOCKETS_PER_USER: '3', WS_MAX_SOCKETS_PER_DEVICE: '2' });
});
afterAll(async () => {
  await t?.close();
});

describe('close codes', () => {
  it('closes a slow consumer with a code graphql-ws does not use for anything else', () => {
    expect(Object.values(CloseCode)).not.toContain(LiveCloseCode.SlowConsumer);
  });
});

describe('subscriptions per socket', () => {
  it(`runs at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} even when 60 subscribe frames arrive back to back`, async () => {
    const user = await createUser(t);
    const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    const settled = new Set<string>();
    let acked!: () => void;
    const ack = new Promise<void>((resolve) => (acked = resolve));
    socket.on('message', (data: WebSocket.RawData) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      const message = JSON.parse(text) as { id?: string; type: string; payload?: unknown };
      messages.push(message);
      if (message.type === 'connection_ack') acked();
      if (message.type === 'error' && message.id !== undefined) settled.add(message.id);
    });
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    socket.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: user.headers.authorization },
      }),
    );
    await ack;
    const before = await t.subscriptionsStarted();
    for (let i = 0; i < 60; i += 1) {
      socket.send(
        JSON.stringify({
          id: `s${i}`,
          type: 'subscribe',
          payload: { query: 'subscription { notificationAdded { id } }' },
        }),
      );
    }
    // every frame is answered: started, or refused with an error
    await t.waitForSubscriptions(before + MAX_SUBSCRIPTIONS_PER_SOCKET);
    await expect
      .poll(() => settled.size, { timeout: 10_000 })
      .toBe(60 - MAX_SUBSCRIPTIONS_PER_SOCKET);
    expect((await t.subscriptionsStarted()) - before).toBe(MAX_SUBSCRIPTIONS_PER_SOCKET);
    const refused = messages.filter((m) => m.type === 'error');
    expect(refused.every((m) => JSON.stringify(m.payload).includes('RATE_LIMITED'))).toBe(true);
    socket.close();
  });
});

describe('sockets per account', () => {
  const openConnections = async () =>
    (await t.server.app.metrics.wsConnections.get()).values[0]?.value ?? 0;
  const connect = (authorization: string) => RawSocket.connect(t.wsUrl, { authorization });

  it('refuses the socket over WS_MAX_SOCKETS_PER_USER with 4429, whichever session it uses, and frees a slot on close', async () => {
    const user = await createUser(t);
    const other = await createUser(t);
    const secondSession = await sessionFor(t, user.user.id, false);
    const open = [
      await connect(user.headers.authorization),
      await connect(user.headers.authorization),
      await connect(secondSession.authorization),
    ];
    expect(open.every((socket) => socket.acknowledged)).toBe(true);

    const refused = await connect(secondSession.authorization);
    expect(refused.acknowledged).toBe(false);
    expect(await refused.closed).toEqual(TOO_MANY_CONNECTIONS);

    // another account is not affected, and the refused socket held no slot
    const others = [await connect(other.headers.authorization)];
    expect(others[0]!.acknowledged).toBe(true);

    // a closed socket gives its slot back (once the server has seen the close)
    const before = await openConnections();
    await open.pop()!.close();
    await expect.poll(openConnections).toBe(before - 1);
    const again = await connect(user.headers.authorization);
    expect(again.acknowledged).toBe(true);
    const answer = await again.run('q', { query: '{ me { id } }' });
    expect(answer.map((frame) => frame.type)).toEqual(['next', 'complete']);
    expect(again.closedBy).toBeUndefined();

    await Promise.all([...open, again, ...others].map((socket) => socket.close()));
  });

  it('counts a device by its own id, with its own cap (WS_MAX_SOCKETS_PER_DEVICE)', async () => {
    const family = await createFamily(t);
    const device = family.device.headers.authorization;
    const open = [await connect(device), await connect(device)];
    expect(open.every((socket) => socket.acknowledged)).toBe(true);
    const refused = await connect(device);
    expect(await refused.closed).toEqual(TOO_MANY_CONNECTIONS);
    // what a graphql-ws client sees: the close event, not retried
    const client = t.ws({ authorization: device });
    const outcome = new Promise((resolve, reject) =>
      client.subscribe(
        { query: '{ __typename }' },
        { next: () => {}, error: reject, complete: () => resolve('completed') },
      ),
    );
    await expect(outcome).rejects.toMatchObject(TOO_MANY_CONNECTIONS);
    // the family's main user has slots of their own
    const main = await connect(family.main.headers.authorization);
    expect(main.acknowledged).toBe(true);
    await Promise.all([...open, main].map((socket) => socket.close()));
  });
});
