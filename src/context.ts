import { randomUUID } from 'node:crypto';
import type { App } from './app.js';
import { Access } from './auth/access.js';
import { ANONYMOUS, type Viewer } from './auth/viewer.js';
import { Loaders } from './database/loaders.js';
import type { EntityManager } from './database/orm.js';
import type { Logger } from './observability/logger.js';
import type { LiveConnection } from './realtime/live.js';
import type { HttpExchange, Scope } from './scope.js';

export type { HttpExchange } from './scope.js';

/** The per-operation GraphQL context: the service scope, plus the application and transport. */
export interface Context extends Scope {
  app: App;
  transport: 'http' | 'ws' | 'sse';
  /** The stream this operation runs on (a WebSocket or an SSE response; absent over HTTP). */
  live: LiveConnection | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Accepts a well-formed incoming request id (from a proxy) or makes a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}

/** What a context makes on first use, shared by Apollo's shallow copies of it. */
const LAZY = Symbol('lazy');

interface Lazy {
  fork: () => EntityManager;
  em?: EntityManager;
  log?: Logger;
  loaders?: Loaders;
  access?: Access;
}

/**
 * The unit of work, logger, loaders and access policy are made when an operation first uses
 * them: a Carebot's report that the caches answer needs none but the logger. Apollo hands
 * resolvers a shallow copy (`Object.assign` onto the same prototype), which shares the `LAZY`
 * state, so both see the same instances, as they saw the same eager ones. Assigning one of them
 * (`Object.assign(ctx, { em })`) sets a plain property on that object, as before.
 */
class OperationContext {
  declare [LAZY]: Lazy;
  declare viewer: Viewer;

  get em(): EntityManager {
    const lazy = this[LAZY];
    return (lazy.em ??= lazy.fork());
  }
  set em(value: EntityManager) {
    own(this, 'em', value);
  }
  get log(): Logger {
    const lazy = this[LAZY];
    return (lazy.log ??= (this as unknown as Context).app.logger.child({
      requestId: (this as unknown as Context).requestId,
    }));
  }
  set log(value: Logger) {
    own(this, 'log', value);
  }
  get loaders(): Loaders {
    const lazy = this[LAZY];
    return (lazy.loaders ??= new Loaders(this.em));
  }
  set loaders(value: Loaders) {
    own(this, 'loaders', value);
  }
  get access(): Access {
    const lazy = this[LAZY];
    if (lazy.access !== undefined) return lazy.access;
    // a device's standing needs no query: an unmade fork is made when a check first reads
    if (Object.hasOwn(this, 'em') || lazy.em !== undefined)
      return (lazy.access = new Access({ em: this.em, viewer: this.viewer }));
    return (lazy.access = new Access({
      get em() {
        return (lazy.em ??= lazy.fork());
      },
      viewer: this.viewer,
    }));
  }
  set access(value: Access) {
    own(this, 'access', value);
  }
}

function own(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

export function createContext(
  app: App,
  options: {
    requestId: string;
    transport: Context['transport'];
    /** The operation's fork, or how to make it on first use. */
    em?: EntityManager | (() => EntityManager);
    viewer?: Viewer;
    ip?: string | undefined;
    userAgent?: string | undefined;
    http?: HttpExchange;
    live?: LiveConnection;
  },
): Context {
  const { requestId, em } = options;
  const context = Object.assign(new OperationContext(), {
    [LAZY]: {
      // the request id tags the operation's SQL in the ORM's query log
      fork: typeof em === 'function' ? em : () => app.orm.em.fork({ loggerContext: { requestId } }),
      em: typeof em === 'function' ? undefined : em,
    },
    app,
    requestId,
    viewer: options.viewer ?? ANONYMOUS,
    transport: options.transport,
    ip: options.ip ?? 'unknown',
    userAgent: options.userAgent,
    http: options.http,
    live: options.live,
  });
  return context;
}
