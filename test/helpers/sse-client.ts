import { type Client, createClient } from 'graphql-sse';
import type { TestServer } from './test-server.js';

/** The SSE endpoint of a test server (`/graphql/stream` beside `/graphql`). */
export function sseUrl(t: TestServer): string {
  return `${t.url}/stream`;
}

/**
 * A real graphql-sse client (distinct connections mode, Node's fetch) on the test server, with
 * the given headers (e.g. `{ authorization: 'Bearer …' }`); no retries, so a refusal surfaces.
 */
export function sseClient(t: TestServer, headers: Record<string, string>): Client {
  return createClient({ url: sseUrl(t), headers, retryAttempts: 0, singleConnection: false });
}

/** How many subscriptions the server has started over SSE so far. */
export async function sseSubscriptionsStarted(t: TestServer): Promise<number> {
  return (await t.server.app.metrics.sseSubscriptionsStarted.get()).values[0]?.value ?? 0;
}

/** Resolves once the server has started `count` SSE subscriptions in all. */
export async function waitForSseSubscriptions(t: TestServer, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await sseSubscriptionsStarted(t);
    if (value >= count) break;
    if (Date.now() > deadline)
      throw new Error(`only ${value} of ${count} SSE subscriptions started`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // the pub/sub listener is attached on the iterator's first pull, one turn after it started
  await new Promise((resolve) => setTimeout(resolve, 10));
}
