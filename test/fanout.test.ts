import 'reflect-metadata';
import { buildSchema, getOperationAST, parse, type ExecutionArgs } from 'graphql';
import type WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import type { Credential } from '../src/auth/credentials.js';
import type { Viewer } from '../src/auth/viewer.js';
import '../src/modules/live/live.resolver.js';
import type { Logger } from '../src/observability/logger.js';
import { Metrics } from '../src/observability/metrics.js';
import { LiveFanout, type SharedSpec, shareKey } from '../src/realtime/fanout.js';
import type { LiveAuthorizer } from '../src/realtime/live-auth.js';
import { createAppPubSub, Topic } from '../src/realtime/pubsub.js';

const key = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return shareKey(document, getOperationAST(document)!, query, variables);
};

describe('which subscription documents share one execution', () => {
  it('shares only documents that select leaf fields built from the event alone', () => {
    expect(
      key('subscription { notificationAdded { id grade kind message createdAt } }'),
    ).toBeDefined();
    expect(
      key('subscription { alert: notificationAdded { __typename id image acknowledgedAt } }'),
    ).toBeDefined();
    expect(
      key('subscription { notificationAdded { ...N } } fragment N on Notification { id message }'),
    ).toBeDefined();
    expect(key('subscription { notificationAdded { ... on Notification { id } } }')).toBeDefined();
    // per viewer (read), or loading more (family, acknowledgedBy, imageFile): each runs alone
    for (const field of ['read', 'family { id }', 'acknowledgedBy { id }', 'imageFile { id }'])
      expect(key(`subscription { notificationAdded { id ${field} } }`)).toBeUndefined();
    expect(
      key('subscription { notificationAdded { ...N } } fragment N on Notification { id read }'),
    ).toBeUndefined();
    // other subscriptions and other operations are not declared shareable
    expect(key('subscription { messageReceived { id } }')).toBeUndefined();
    expect(key('query { notificationAdded { id } }')).toBeUndefined();
  });

  it('keys by document text, operation name and variables', () => {
    const query =
      'subscription($g: NotificationGrade) { notificationAdded(minGrade: $g) { id message } }';
    expect(key(query, { g: 'CRIT' })).toBe(key(query, { g: 'CRIT' }));
    expect(key(query, { g: 'CRIT' })).not.toBe(key(query, { g: 'INFO' }));
    expect(key(query, { g: 'CRIT' })).not.toBe(key(`${query} `, { g: 'CRIT' }));
  });
});

/** A socket that records what it is sent. */
function fakeSocket() {
  const socket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    frames: [] as { id: string; payload: unknown }[],
    closedWith: undefined as number | undefined,
    send(data: string) {
      const frame = JSON.parse(data) as { id: string; type: string; payload: unknown };
      expect(frame.type).toBe('next');
      socket.frames.push({ id: frame.id, payload: frame.payload });
    },
    close(code: number) {
      socket.closedWith = code;
      socket.readyState = 3;
    },
  };
  return socket;
}

const user = (userId: number): Viewer =>
  ({ kind: 'user', userId, role: 'MEMBER', session: undefined }) as unknown as Viewer;

describe('the fan-out hub', () => {
  it('executes once per audience, gives each socket the result for its own audience, ends lost viewers and closes revoked sockets', async () => {
    const { pubSub } = createAppPubSub(undefined);
    // tokens name the viewer: t1…t5 are users 1…5; "revoked" no longer authenticates
    const viewer = async (credential: Credential) =>
      credential.kind === 'session' && credential.token !== 'revoked'
        ? user(Number(credential.token.slice(1)))
        : null;
    const authorizer = { viewer, cachedViewer: viewer } as unknown as LiveAuthorizer;
    const standings: Record<number, string | undefined> = {
      1: 'CAREGIVER',
      2: 'CAREGIVER',
      3: 'MANAGER',
      4: undefined,
    };
    const runs: { userId: number; audience: string | undefined }[] = [];
    let deliveries = 0;
    let delivered: () => void = () => undefined;
    const fanout = new LiveFanout({
      pubSub,
      authorizer,
      metrics: new Metrics({ defaultMetrics: false }),
      logger: { error: () => undefined } as unknown as Logger,
      run: async (_args, viewer, event) => {
        const userId = (viewer as { userId: number }).userId;
        runs.push({ userId, audience: standings[userId] });
        return JSON.stringify({
          data: { seenAs: standings[userId], message: (event as { message: string }).message },
        });
      },
    });
    const spec: SharedSpec<{ message: string }> = {
      name: 'test',
      verdict: async (viewer) => {
        const standing = standings[(viewer as { userId: number }).userId];
        return standing === undefined ? 'end' : { audience: standing };
      },
    };
    const schema = buildSchema(
      'type Query { x: Int } type Subscription { notificationAdded: Int }',
    );
    const args: ExecutionArgs = {
      schema,
      document: parse('subscription { notificationAdded }'),
    };
    const sockets = ['t1', 't2', 't3', 't4', 'revoked'].map((token, i) => {
      const socket = fakeSocket();
      const stream = fanout.subscribe(
        { socket: socket as unknown as WebSocket, credential: { kind: 'session', token } },
        `op-${i + 1}`,
        'same document',
        args,
        [{ topic: Topic.NotificationAdded, key: 7 }],
        spec,
      );
      const wrappedSend = socket.send.bind(socket);
      socket.send = (data: string) => {
        wrappedSend(data);
        deliveries += 1;
        if (deliveries === 3) delivered();
      };
      return { socket, stream };
    });
    const done = new Promise<void>((resolve) => (delivered = resolve));
    pubSub.publish(Topic.NotificationAdded, 7, { message: 'first' } as never);
    await done;

    // one execution per audience, however many sockets share it
    expect(runs.map((run) => run.audience).sort()).toEqual(['CAREGIVER', 'MANAGER']);
    expect(sockets[0]!.socket.frames).toEqual([
      { id: 'op-1', payload: { data: { seenAs: 'CAREGIVER', message: 'first' } } },
    ]);
    expect(sockets[1]!.socket.frames).toEqual([
      { id: 'op-2', payload: { data: { seenAs: 'CAREGIVER', message: 'first' } } },
    ]);
    expect(sockets[2]!.socket.frames).toEqual([
      { id: 'op-3', payload: { data: { seenAs: 'MANAGER', message: 'first' } } },
    ]);
    // lost its standing: nothing sent, the subscription ends (graphql-ws then sends complete)
    expect(sockets[3]!.socket.frames).toEqual([]);
    expect(await sockets[3]!.stream.next()).toEqual({ done: true, value: undefined });
    // its credential no longer works: the socket is closed with 4403
    expect(sockets[4]!.socket.frames).toEqual([]);
    expect(sockets[4]!.socket.closedWith).toBe(4403);

    // the ended ones are gone for the next event; the others get it
    deliveries = 0;
    const again = new Promise<void>((resolve) => (delivered = resolve));
    pubSub.publish(Topic.NotificationAdded, 7, { message: 'second' } as never);
    await again;
    expect(sockets.map(({ socket }) => socket.frames.length)).toEqual([2, 2, 2, 0, 0]);
    // a completed subscription leaves the hub: nothing more is sent to it
    await sockets[0]!.stream.return?.();
    deliveries = 1;
    const third = new Promise<void>((resolve) => (delivered = resolve));
    pubSub.publish(Topic.NotificationAdded, 7, { message: 'third' } as never);
    await third;
    expect(sockets.map(({ socket }) => socket.frames.length)).toEqual([2, 3, 3, 0, 0]);
    fanout.close();
  });
});
