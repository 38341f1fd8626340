import type WebSocket from 'ws';
import type { Credential } from '../auth/credentials.js';
import type { Viewer } from '../auth/viewer.js';
import type { SharedSpec } from './fanout.js';
import type { TopicPayloads } from './pubsub.js';

/** graphql-ws close codes this API uses (graphql-ws style: an enum of close codes). */
export const LiveCloseCode = {
  /** No valid credential at `connection_init`. */
  Unauthorized: 4401,
  /** The credential was revoked, expired or suspended while the socket was open. */
  Forbidden: 4403,
  /**
   * The client does not read fast enough: its send buffer passed the limit. (Not 4408: that is
   * graphql-ws's `ConnectionInitialisationTimeout`, which a client may handle differently.)
   */
  SlowConsumer: 4413,
} as const;

/** Subscriptions one socket may run at once. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;

/** Bytes a socket may have queued for sending before it is dropped as too slow. */
export const MAX_SOCKET_BUFFER_BYTES = 1024 * 1024;

/** What an operation over a WebSocket (or an SSE stream) knows about its connection. */
export interface LiveConnection {
  /** The WebSocket (absent over SSE). */
  socket?: WebSocket;
  credential: Credential;
  /**
   * Who the credential belongs to now (session still open, membership checks are the caller's),
   * or null — in which case the socket has been closed with 4403.
   */
  revalidate(): Promise<Viewer | null>;
  /**
   * Present when the operation's document may share its execution with other subscribers (see
   * `fanout.ts`): a subscription resolver may then hand its topics to the fan-out hub instead of
   * streaming events through GraphQL one subscriber at a time.
   */
  shared?: {
    subscribe<T>(
      topics: readonly { topic: keyof TopicPayloads & string; key: string | number }[],
      spec: SharedSpec<T>,
    ): AsyncIterableIterator<never, undefined>;
  };
}
