import { randomUUID } from 'node:crypto';
import type { App } from './app.js';
import { Access } from './auth/access.js';
import { ANONYMOUS, type Viewer } from './auth/viewer.js';
import { Loaders } from './database/loaders.js';
import type { EntityManager } from './database/orm.js';
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

export function createContext(
  app: App,
  options: {
    requestId: string;
    transport: Context['transport'];
    em?: EntityManager;
    viewer?: Viewer;
    ip?: string | undefined;
    userAgent?: string | undefined;
    http?: HttpExchange;
    live?: LiveConnection;
  },
): Context {
  // the request id tags the operation's SQL in the ORM's query log
  const em = options.em ?? app.orm.em.fork({ loggerContext: { requestId: options.requestId } });
  const context: Omit<Context, 'access'> & { access?: Access } = {
    app,
    requestId: options.requestId,
    log: app.logger.child({ requestId: options.requestId }),
    em,
    viewer: options.viewer ?? ANONYMOUS,
    loaders: new Loaders(em),
    transport: options.transport,
    ip: options.ip ?? 'unknown',
    userAgent: options.userAgent,
    http: options.http,
    live: options.live,
  };
  context.access = new Access({ em, viewer: context.viewer });
  return context as Context;
}
