import { randomUUID } from 'node:crypto';
import type { App } from './app.js';
import { Access } from './auth/access.js';
import { ANONYMOUS, type Viewer } from './auth/viewer.js';
import { Loaders } from './database/loaders.js';
import type { EntityManager } from './database/orm.js';
import type { Logger } from './observability/logger.js';
import type { LiveConnection } from './realtime/live.js';

/**
 * What an operation may do to the HTTP exchange that carries it (absent over WebSocket).
 * Implemented by server.ts, the one module that knows the HTTP framework.
 */
export interface HttpExchange {
  /** True when the request reached us over HTTPS (directly or, with TRUST_PROXY, via a proxy). */
  secure: boolean;
  /** Sets the session cookie; `expiresAt` null makes it a browser-session cookie. */
  setSessionCookie(token: string, expiresAt: Date | null): void;
  clearSessionCookie(): void;
}

/** The per-operation GraphQL context. */
export interface Context {
  app: App;
  /** Identifies the operation in logs; echoed to HTTP clients as `x-request-id`. */
  requestId: string;
  log: Logger;
  /** A fresh fork for this operation: identity map and unit of work are never shared. */
  em: EntityManager;
  viewer: Viewer;
  /** The family policy, answered for this viewer (cached per operation). */
  access: Access;
  /** Per-operation DataLoaders over `em`. */
  loaders: Loaders;
  transport: 'http' | 'ws';
  /** Client address (rate limits, session list). */
  ip: string;
  userAgent: string | undefined;
  http: HttpExchange | undefined;
  /** The WebSocket this operation runs on (absent over HTTP). */
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
