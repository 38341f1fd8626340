import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PingDocument, SendPingDocument, ServerInfoDocument } from './__generated__/graphql.js';
import { UserRole } from '../src/modules/account/user.entity.js';
import { createUser, type TestUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
let admin: TestUser;
beforeAll(async () => {
  t = await startTestServer();
  admin = await createUser(t, { role: UserRole.ADMIN });
});
afterAll(async () => {
  await t?.close();
});

describe('serverInfo', () => {
  it('reports the version, the database engine under test and the uptime', async () => {
    const { serverInfo } = await t.request(ServerInfoDocument);
    expect(serverInfo.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(serverInfo.databaseDriver).toBe(process.env['TEST_DATABASE_URL'] ? 'MARIADB' : 'SQLITE');
    expect(serverInfo.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe('ping over graphql-ws', () => {
  it('delivers a ping sent over HTTP to a live WebSocket subscriber', async () => {
    const client = t.ws({ authorization: admin.headers.authorization });
    const events = client.iterate({ query: 'subscription { ping { message at } }' });
    const first = events.next();
    await t.waitForSubscriptions(1);
    const sent = await t.request(SendPingDocument, { message: 'hello carebot' }, admin.headers);
    const received = await first;
    expect(received.done).toBe(false);
    expect(received.value).toEqual({
      data: { ping: { message: 'hello carebot', at: sent.sendPing.at } },
    });
    await events.return?.();
  });

  it('delivers one event to every subscriber, in the order sent', async () => {
    const a = t
      .ws({ authorization: admin.headers.authorization })
      .iterate({ query: 'subscription { ping { message } }' });
    const b = t
      .ws({ authorization: admin.headers.authorization })
      .iterate({ query: 'subscription { ping { message } }' });
    const [a1, b1] = [a.next(), b.next()];
    await t.waitForSubscriptions(2);
    await t.request(SendPingDocument, { message: 'one' }, admin.headers);
    await t.request(SendPingDocument, { message: 'two' }, admin.headers);
    expect((await a1).value).toEqual({ data: { ping: { message: 'one' } } });
    expect((await b1).value).toEqual({ data: { ping: { message: 'one' } } });
    expect((await a.next()).value).toEqual({ data: { ping: { message: 'two' } } });
    expect((await b.next()).value).toEqual({ data: { ping: { message: 'two' } } });
    await Promise.all([a.return?.(), b.return?.()]);
  });

  it('rejects a bad ping with BAD_USER_INPUT naming the field, and publishes nothing', async () => {
    const errors = await t.requestErrors(SendPingDocument, { message: '' }, admin.headers);
    expect(errors[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: { message: 'must be 1 to 200 characters long' },
    });
  });

  it('lets only an admin send a ping', async () => {
    const anonymous = await t.requestErrors(SendPingDocument, { message: 'x' });
    expect(anonymous[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const member = await createUser(t);
    const forbidden = await t.requestErrors(SendPingDocument, { message: 'x' }, member.headers);
    expect(forbidden[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('uses the typed Ping document over the socket too', async () => {
    const { print } = await import('graphql');
    // earlier tests of this file started subscriptions too: wait for one more than those
    const before = await t.subscriptionsStarted();
    const events = t
      .ws({ authorization: admin.headers.authorization })
      .iterate({ query: print(PingDocument) });
    const next = events.next();
    await t.waitForSubscriptions(before + 1);
    await t.request(SendPingDocument, { message: 'typed' }, admin.headers);
    expect((await next).value).toMatchObject({ data: { ping: { message: 'typed' } } });
    await events.return?.();
  });
});
