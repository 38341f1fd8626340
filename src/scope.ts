import type { Access } from './auth/access.js';
import type { Viewer } from './auth/viewer.js';
import type { Loaders } from './database/loaders.js';
import type { EntityManager } from './database/orm.js';
import type { Logger } from './observability/logger.js';

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

/**
 * One operation's unit of work and caller, whatever carries it: what services receive. It knows
 * nothing of GraphQL; the GraphQL context extends it with the transport and the application.
 */
export interface Scope {
  /** Identifies the operation in logs; echoed to HTTP clients as `x-request-id`. */
  requestId: string;
  log: Logger;
  /** A fresh fork for this operation: identity map and unit of work are never shared. */
  em: EntityManager;
  viewer: Viewer;
  /** The access policy, answered for this viewer (cached per operation). */
  access: Access;
  /** Per-operation DataLoaders over `em`. */
  loaders: Loaders;
  /** Client address (rate limits, session list). */
  ip: string;
  userAgent: string | undefined;
  /** The HTTP exchange, for the session cookie (absent over WebSocket). */
  http: HttpExchange | undefined;
}
