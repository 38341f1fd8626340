import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { OutboxMailer } from '../../src/mail/mailer.js';
import { startTestServer, type TestServer } from './test-server.js';

/** The secret the alert tests give the families' webhooks. */
export const WEBHOOK_SECRET = 'a-long-enough-webhook-secret';

/** A local webhook receiver: answers each call with the next of `statuses` (200 when none). */
export interface WebhookReceiver {
  /** Its URL (once the server has started). */
  url: () => string;
  /** Every call so far, in order. */
  received: { headers: IncomingMessage['headers']; body: string; status: number }[];
  /** The statuses the next calls answer with. */
  statuses: number[];
}

/** What the alert tests share: the server, its clock and its alert timers and e-mails. */
export interface AlertServer {
  /** The server (from the file's beforeAll on). */
  readonly t: TestServer;
  /** The server's clock, in milliseconds. */
  now: () => number;
  advance: (ms: number) => void;
  gql: <T>(
    headers: Record<string, string>,
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<T>;
  /** Fires the alert timers that are due, as the periodic job would. */
  fire: () => Promise<number>;
  outbox: () => OutboxMailer['outbox'];
  mailsTo: (email: string) => number;
  /** The webhook receiver, when asked for. */
  hook: WebhookReceiver;
}

/**
 * Starts a test server for the file (beforeAll; closed in afterAll) whose clock the tests move
 * (from 2026-11-30 12:00Z) and whose alert timers they fire themselves: the periodic jobs are
 * stopped. With `webhook`, also a local webhook receiver.
 */
export function useAlertServer(options: { webhook?: boolean } = {}): AlertServer {
  let server: TestServer | undefined;
  let now = Date.parse('2026-11-30T12:00:00.000Z');
  let url: string | undefined;
  const received: WebhookReceiver['received'] = [];
  const statuses: number[] = [];
  const receiver =
    options.webhook === true
      ? createHttpServer((req, res) => {
          let body = '';
          req.on('data', (chunk: Buffer) => (body += chunk.toString()));
          req.on('end', () => {
            const status = statuses.shift() ?? 200;
            received.push({ headers: req.headers, body, status });
            res.writeHead(status).end();
          });
        })
      : undefined;

  beforeAll(async () => {
    server = await startTestServer({}, { clock: () => new Date(now) });
    // the tests fire alert timers themselves (`fire`), with the clock where they want it
    await server.server.periodic.stop();
    if (receiver !== undefined) {
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    }
  });
  afterAll(async () => {
    await server?.close();
    if (receiver !== undefined) await new Promise((resolve) => receiver.close(resolve));
  });

  const fixture: AlertServer = {
    get t() {
      if (server === undefined) throw new Error('the alert server starts in beforeAll');
      return server;
    },
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    gql: (headers, query, variables = {}) => fixture.t.http(headers).request(query, variables),
    fire: () => fixture.t.server.app.services.alerts.fireDue(),
    outbox: () => (fixture.t.server.app.mailer as OutboxMailer).outbox,
    mailsTo: (email) => fixture.outbox().filter((mail) => mail.to === email).length,
    hook: {
      url: () => {
        if (url === undefined)
          throw new Error('no webhook receiver: useAlertServer({ webhook: true })');
        return url;
      },
      received,
      statuses,
    },
  };
  return fixture;
}
