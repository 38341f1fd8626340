import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SUBSCRIPTIONS_PER_SOCKET } from '../src/realtime/live.js';
import { createUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
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
