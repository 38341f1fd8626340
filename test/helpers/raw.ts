import type { TestServer } from './test-server.js';
import type { ReceivedError } from './test-server.js';

/** What a client gets for one HTTP POST: the status and the JSON body. */
export interface RawResponse {
  status: number;
  text: string;
  body: { data?: unknown; errors?: ReceivedError[] };
}

/** Posts a document as written (no client-side checks), for hostile and malformed requests. */
export async function postRaw(
  t: TestServer,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as RawResponse['body'] };
}

/** The `extensions.code` of each error of a response. */
export function codesOf(response: RawResponse): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.['code']);
}

/** The errors a socket answers for one operation (it must fail), as a client receives them. */
export async function wsErrors(
  t: TestServer,
  headers: { authorization: string },
  payload: { query: string; variables?: Record<string, unknown>; operationName?: string },
): Promise<ReceivedError[]> {
  const events = t.ws({ authorization: headers.authorization }).iterate(payload);
  try {
    const first = await events.next();
    throw new Error(`expected errors, got ${JSON.stringify(first.value)}`);
  } catch (error) {
    if (Array.isArray(error)) return error as ReceivedError[];
    throw error;
  }
}
