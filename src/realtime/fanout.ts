import {
  createSourceEventStream,
  type DocumentNode,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
} from 'graphql';
import { mapAsyncIterator } from 'graphql/execution/mapAsyncIterator.js';
import type WebSocket from 'ws';
import type { Credential } from '../auth/credentials.js';
import type { Viewer } from '../auth/viewer.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { LiveAuthorizer } from './live-auth.js';
import { LiveCloseCode, MAX_SOCKET_BUFFER_BYTES } from './live.js';
import type { AppPubSub, TopicPayloads } from './pubsub.js';
import type { DetachedOperation } from './ws-adapter.js';

/**
 * Shared live execution: one event reaching thousands of subscribers is executed and serialised
 * once per distinct (document, variables, audience) — not once per subscriber — and each
 * subscriber's socket gets the same bytes behind its own operation id.
 *
 * Safety rests on two things, both decided conservatively:
 * - a document shares only when everything it selects is declared to depend on nothing but the
 *   event and the viewer's audience ({@link shareLiveFields}: leaf fields of the event's type,
 *   no nested objects, no per-viewer fields such as a notification's `read`); anything else,
 *   or any doubt, runs per subscriber as before;
 * - the audience (e.g. the viewer's standing in the event's family, which decides what the
 *   field guards let through) is part of the sharing key, so viewers the guards treat
 *   differently never share a result.
 * Every subscriber is still re-authorised at every event (credential and standing, from the
 * live authorizer's cache that every change drops at once; misses batched).
 */

/** Root subscription fields that may share, and the leaf fields of their type that may. */
const shareable = new Map<string, { type: string; fields: ReadonlySet<string> }>();

/**
 * Declares that, for the root subscription field `rootField` returning `type`, the listed leaf
 * fields resolve from the event and the viewer's audience alone (never from who the viewer is).
 * A field missing from the list makes any document selecting it run per subscriber.
 */
export function shareLiveFields(rootField: string, type: string, fields: readonly string[]): void {
  shareable.set(rootField, { type, fields: new Set(fields) });
}

/** Whether a selection reads only shareable leaf fields of `type` (fragments included). */
function onlySharedLeaves(
  set: SelectionSetNode,
  rule: { type: string; fields: ReadonlySet<string> },
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
): boolean {
  for (const selection of set.selections) {
    switch (selection.kind) {
      case Kind.FIELD:
        if (selection.selectionSet !== undefined || (selection.arguments?.length ?? 0) > 0)
          return false;
        if (selection.name.value !== '__typename' && !rule.fields.has(selection.name.value))
          return false;
        break;
      case Kind.INLINE_FRAGMENT:
        if (
          selection.typeCondition !== undefined &&
          selection.typeCondition.name.value !== rule.type
        )
          return false;
        if (!onlySharedLeaves(selection.selectionSet, rule, fragments, seen)) return false;
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined || fragment.typeCondition.name.value !== rule.type) return false;
        if (seen.has(name)) break;
        seen.add(name);
        if (!onlySharedLeaves(fragment.selectionSet, rule, fragments, seen)) return false;
        break;
      }
    }
  }
  return true;
}

/**
 * The sharing key of a validated operation: its text, operation name and variables; or
 * undefined when the operation is not a subscription whose selection is entirely shareable.
 */
export function shareKey(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  query: string,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string | undefined {
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) return undefined;
  const [root, ...others] = operation.selectionSet.selections;
  if (root?.kind !== Kind.FIELD || others.length > 0 || root.selectionSet === undefined)
    return undefined;
  const rule = shareable.get(root.name.value);
  if (rule === undefined || (root.directives?.length ?? 0) > 0) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  if (!onlySharedLeaves(root.selectionSet, rule, fragments, new Set())) return undefined;
  return JSON.stringify([query, operation.name?.value ?? null, variables ?? {}]);
}

/** What an event means for one subscriber. */
export type SharedVerdict =
  /** deliver: `audience` is everything besides the event and the document the result depends on */
  | { audience: string }
  /** not for this viewer: drop the event, keep the subscription */
  | 'skip'
  /** the viewer lost what the subscription is about: end it */
  | 'end';

/** How one subscription treats its events (given by the subscription's resolver). */
export interface SharedSpec<T> {
  /** the subscription's name, for metrics */
  name: string;
  /** events the subscriber did not ask for (e.g. below its minGrade), skipped before any check */
  wanted?(event: T): boolean;
  /** decided per subscriber and event with the batched live checks; see {@link SharedVerdict} */
  verdict(viewer: Viewer, event: T): Promise<SharedVerdict>;
  /** when the event was raised (ms), for the delivery latency metric */
  raisedAt?(event: T): number;
}

/** A socket as the hub knows it: where to send, and the credential to re-check. */
export interface SharedSocket {
  socket: WebSocket;
  credential: Credential;
}

/** One operation's document and variables, shared by every subscriber with the same key. */
interface Shape {
  key: string;
  args: ExecutionArgs;
  users: number;
}

interface TopicEntry {
  /** `topic:key`, kept once here and referenced by every subscriber's stream */
  name: string;
  subscribers: Set<SharedStream>;
  source: AsyncIterator<unknown>;
}

/** A `next` frame is `{"id":…` + NEXT_SUFFIX + the payload + `}`. */
const ID_AT = '{"id":'.length;
const NEXT_SUFFIX = ',"type":"next","payload":';

/**
 * The stream of a shared subscription: it yields nothing (the hub writes the frames), and ends
 * when the hub ends the subscription or when it is returned (the client completed, or the socket
 * closed). The WebSocket adapter keeps it under the operation's id as a detached operation. It
 * is also the subscriber the hub's topics list, so an idle subscription costs this one object
 * (its topic names and spec are shared).
 */
export class SharedStream implements AsyncIterableIterator<never, undefined>, DetachedOperation {
  /** the topic entries' names: one string, or several when the subscription spans topics */
  topics: string | string[] = [];
  private finish: ((result: IteratorResult<never, undefined>) => void) | undefined;
  private ended = false;
  /** The WebSocket adapter runs it without a loop (see `DetachedOperation`). */
  detached = false;

  constructor(
    readonly socket: SharedSocket,
    readonly shape: Shape,
    private readonly hub: LiveFanout,
    /** `{"id":"…","type":"next","payload":` — the frame up to the shared payload */
    readonly prefix: string,
    readonly spec: SharedSpec<unknown>,
  ) {}

  get done(): boolean {
    return this.ended;
  }

  /** The operation's id, read back from the frame prefix (kept once, not beside it). */
  get id(): string {
    return JSON.parse(this.prefix.slice(ID_AT, -NEXT_SUFFIX.length)) as string;
  }

  next(): Promise<IteratorResult<never, undefined>> {
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.finish = resolve));
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.hub.remove(this);
    this.finish?.({ done: true, value: undefined });
    this.finish = undefined;
  }

  return(): Promise<IteratorResult<never, undefined>> {
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error: unknown): Promise<IteratorResult<never, undefined>> {
    this.end();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * graphql-js `subscribe`, except that a shared subscription's stream is handed to graphql-ws as
 * it is: it never yields (the hub sends the frames), so wrapping it in graphql-js's mapping
 * iterator (an object, four closures and a suspended `next` per subscription) would only cost
 * memory for as long as the subscription is idle.
 */
export async function subscribeLive(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (stream instanceof SharedStream || !(Symbol.asyncIterator in stream)) return stream;
  return mapAsyncIterator(stream, (payload) => execute({ ...args, rootValue: payload }));
}

/** Runs a shared operation for one event as `viewer`; answers the `next` payload as JSON. */
export type SharedRunner = (args: ExecutionArgs, viewer: Viewer, event: unknown) => Promise<string>;

/**
 * The hub: one pub/sub listener per topic key (e.g. per family) however many subscribers, and
 * per event one batched authorisation, one execution per (shape, audience), one serialisation.
 */
export class LiveFanout {
  private readonly topics = new Map<string, TopicEntry>();
  private readonly shapes = new Map<string, Shape>();

  constructor(
    private readonly deps: {
      pubSub: AppPubSub;
      authorizer: LiveAuthorizer;
      metrics: Metrics;
      logger: Logger;
      run: SharedRunner;
      /** A subscription ended (by the hub, the client or the socket's close). */
      ended?(stream: SharedStream): void;
    },
  ) {}

  /** The shape of a key (one per distinct document and variables while any subscriber has it). */
  private shape(key: string, args: ExecutionArgs): Shape {
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      // the context is the subscriber's: a shape keeps only what every subscriber shares
      const { contextValue: _context, ...shared } = args;
      shape = { key, args: shared, users: 0 };
      this.shapes.set(key, shape);
    }
    shape.users += 1;
    return shape;
  }

  /**
   * Subscribes one operation (`id` on `socket`) to the given topic keys. The returned stream is
   * what the subscription's resolver returns to GraphQL.
   */
  subscribe<T>(
    socket: SharedSocket,
    id: string,
    key: string,
    args: ExecutionArgs,
    topics: readonly { topic: keyof TopicPayloads & string; key: string | number }[],
    spec: SharedSpec<T>,
  ): AsyncIterableIterator<never, undefined> {
    const prefix = `{"id":${JSON.stringify(id)}${NEXT_SUFFIX}`;
    const stream = new SharedStream(socket, this.shape(key, args), this, prefix, spec);
    const names: string[] = [];
    for (const { topic, key: topicKey } of topics) {
      const entry = this.entry(`${topic}:${topicKey}`, topic, topicKey);
      entry.subscribers.add(stream);
      names.push(entry.name);
    }
    stream.topics = names.length === 1 ? names[0]! : names;
    return stream;
  }

  private entry(name: string, topic: string, key: string | number): TopicEntry {
    let entry = this.topics.get(name);
    if (entry !== undefined) return entry;
    const source = (this.deps.pubSub.subscribe(topic, key) as AsyncIterable<unknown>)[
      Symbol.asyncIterator
    ]();
    const created: TopicEntry = { name, subscribers: new Set(), source };
    this.topics.set(name, created);
    entry = created;
    // events of one topic go out in order: the next is read once this one is handed over
    void (async () => {
      for (;;) {
        const result = await source.next();
        if (result.done === true) return;
        await this.deliver(created, result.value).catch((error: unknown) =>
          this.deps.logger.error({ err: error, topic: name }, 'live fan-out failed'),
        );
      }
    })().finally(() => {
      if (this.topics.get(name) === created) this.topics.delete(name);
    });
    return entry;
  }

  /** Called by a stream as it ends. */
  remove(stream: SharedStream): void {
    for (const name of typeof stream.topics === 'string' ? [stream.topics] : stream.topics) {
      const entry = this.topics.get(name);
      if (entry === undefined || !entry.subscribers.delete(stream)) continue;
      if (entry.subscribers.size === 0) {
        this.topics.delete(name);
        void entry.source.return?.();
      }
    }
    stream.shape.users -= 1;
    if (stream.shape.users === 0) this.shapes.delete(stream.shape.key);
    this.deps.ended?.(stream);
  }

  private async deliver(entry: TopicEntry, event: unknown): Promise<void> {
    const subscribers = [...entry.subscribers].filter(
      (stream) => stream.spec.wanted?.(event) ?? true,
    );
    if (subscribers.length === 0) return;
    const { authorizer } = this.deps;
    // every subscriber is checked now. The checks answer from the authorizer's cache, which a
    // change drops at once; one from another process comes through Redis, ahead of any event
    // published after it, but perhaps in the same read from the socket: checking after this
    // turn of the event loop lets every invalidation that arrived with or before the event
    // land first
    await new Promise<void>((resolve) => setImmediate(resolve));
    const verdicts = await Promise.all(
      subscribers.map(async (stream) => {
        const viewer = await authorizer.cachedViewer(stream.socket.credential);
        if (viewer === null) return { viewer, verdict: 'closed' as const };
        return { viewer, verdict: await stream.spec.verdict(viewer, event) };
      }),
    );
    const groups = new Map<string, { shape: Shape; viewer: Viewer; subscribers: SharedStream[] }>();
    subscribers.forEach((stream, i) => {
      const { viewer, verdict } = verdicts[i]!;
      if (verdict === 'closed') {
        close(stream.socket.socket, LiveCloseCode.Forbidden, 'Forbidden');
        stream.end();
        return;
      }
      if (verdict === 'skip') return;
      if (verdict === 'end') {
        stream.end();
        return;
      }
      const key = `${stream.shape.key}\u0000${verdict.audience}`;
      const group = groups.get(key);
      if (group === undefined)
        groups.set(key, { shape: stream.shape, viewer: viewer, subscribers: [stream] });
      else group.subscribers.push(stream);
    });
    await Promise.all(
      [...groups.values()].map(async (group) => {
        // any member of the group stands for all: the shared fields depend on nothing else
        const payload = await this.deps.run(group.shape.args, group.viewer, event);
        this.send(group.subscribers, payload, event);
      }),
    );
  }

  private send(subscribers: SharedStream[], payload: string, event: unknown): void {
    const frameEnd = `${payload}}`;
    // subscribers mostly share their operation id (a client library numbers its operations from
    // 1): each distinct frame is encoded once, and every socket is handed the same bytes, where
    // a string would be encoded again for each socket
    const frames = new Map<string, Buffer>();
    let sent = 0;
    for (const stream of subscribers) {
      const { socket } = stream.socket;
      if (socket.readyState !== socket.OPEN) continue;
      // a client that stops reading must not make us buffer without limit
      if (socket.bufferedAmount > MAX_SOCKET_BUFFER_BYTES) {
        close(socket, LiveCloseCode.SlowConsumer, 'Too slow');
        continue;
      }
      let frame = frames.get(stream.prefix);
      if (frame === undefined)
        frames.set(stream.prefix, (frame = Buffer.from(stream.prefix + frameEnd)));
      socket.send(frame, TEXT_FRAME);
      sent += 1;
    }
    if (sent === 0) return;
    const spec = subscribers[0]!.spec;
    const { metrics } = this.deps;
    metrics.liveEvents.inc({ subscription: spec.name }, sent);
    const raisedAt = spec.raisedAt?.(event);
    if (raisedAt !== undefined) {
      const seconds = (Date.now() - raisedAt) / 1000;
      for (let i = 0; i < sent; i += 1)
        metrics.liveLatency.observe({ subscription: spec.name }, seconds);
    }
  }

  /** Ends every shared subscription (their streams complete); used at shutdown. */
  close(): void {
    for (const entry of [...this.topics.values()])
      for (const stream of [...entry.subscribers]) stream.end();
  }
}

/** A `next` frame is text, though handed to `ws` as bytes (unmasked: `ws` never writes to them). */
const TEXT_FRAME = Object.freeze({ binary: false });

function close(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === socket.OPEN) socket.close(code, reason);
}
