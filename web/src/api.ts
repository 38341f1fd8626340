import { type Client, createClient } from 'graphql-ws';
import type { TypedDocumentString } from './__generated__/graphql';

/** A GraphQL error answer, with the API's stable `extensions.code` (SPEC §3). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const endpoint = new URL('/graphql', location.href).href;

/**
 * Runs a query or mutation on the API's own origin. The browser sends the session cookie that
 * `logIn` set; the JSON content type is what the API's CSRF prevention asks of a browser.
 * A device client (the mock Carebot) passes its `Authorization: Device …` header instead.
 */
export async function request<R, V>(
  document: TypedDocumentString<R, V>,
  variables?: V,
  headers: Record<string, string> = {},
): Promise<R> {
  const response = await fetch(endpoint, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
  });
  const body = (await response.json()) as {
    data?: R;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const error = body.errors?.[0];
  if (error !== undefined)
    throw new ApiError(error.message, error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  if (body.data === undefined) throw new ApiError(`HTTP ${response.status}`, 'NETWORK');
  return body.data;
}

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * One graphql-ws socket for the page (the API caps sockets per account). It reconnects for ever
 * after a network drop; each subscription passes a payload whose variables it updates as events
 * arrive (see `subscribe`), and graphql-ws resends that same payload object on reconnect, so a
 * resumed `notificationAdded` asks only for what came after the last alert seen.
 */
export function createLive(
  onState: (state: LiveState) => void,
  connectionParams?: Record<string, string>,
): Client {
  const client = createClient({
    url: endpoint.replace(/^http/, 'ws'),
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // 0.5 s, 1 s, 2 s … capped at 8 s: a dropped Wi-Fi comes back quickly
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(8000, 500 * 2 ** retries))),
    ...(connectionParams === undefined ? {} : { connectionParams }),
    on: {
      connecting: () => onState('connecting'),
      connected: () => onState('live'),
      closed: () => onState('offline'),
    },
  });
  return client;
}

/** Subscribes `document`; `payloadVariables` is the object graphql-ws resends on reconnect. */
export function subscribe<R, V extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentString<R, V>,
  payloadVariables: V,
  onData: (data: R) => void,
  onError?: (error: unknown) => void,
): () => void {
  return client.subscribe<R>(
    { query: document.toString(), variables: payloadVariables },
    {
      next: (result) => {
        if (result.data) onData(result.data);
      },
      error: (error) => onError?.(error),
      complete: () => undefined,
    },
  );
}
