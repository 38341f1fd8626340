import { parse as parseCookies } from 'cookie';
import type { EntityManager } from '../database/orm.js';
import { authenticateDevice, type DeviceCache } from './devices.js';
import { authenticateSession } from './sessions.js';
import { ANONYMOUS, type Viewer } from './viewer.js';

/** The HttpOnly cookie that carries a browser's session token. */
export const SESSION_COOKIE = 'carebot_session';

/** A credential as a request presents it. */
export type Credential =
  { kind: 'session'; token: string } | { kind: 'device'; token: string } | { kind: 'none' };

/**
 * Reads the credential of a request: `Authorization: Bearer <session>` or `Device <device token>`,
 * else the session cookie. An Authorization header wins over the cookie.
 */
export function credentialFrom(
  authorization: string | undefined,
  cookieHeader: string | undefined,
): Credential {
  if (authorization !== undefined && authorization !== '') {
    const match = /^(Bearer|Device)\s+(\S+)$/i.exec(authorization.trim());
    if (match?.[1] === undefined || match[2] === undefined) return { kind: 'none' };
    return { kind: match[1].toLowerCase() === 'bearer' ? 'session' : 'device', token: match[2] };
  }
  if (cookieHeader !== undefined && cookieHeader !== '') {
    const token = parseCookies(cookieHeader)[SESSION_COOKIE];
    if (token !== undefined && token !== '') return { kind: 'session', token };
  }
  return { kind: 'none' };
}

/**
 * Who presents a credential. An unknown, expired or revoked credential is anonymous: operations
 * that need a viewer then answer UNAUTHENTICATED, and `me` answers null. With `devices`, a device
 * token is answered from that cache when it can be (see {@link DeviceCache}).
 */
export async function viewerFor(
  /** The operation's fork, or how to make it (a cached device needs none). */
  em: EntityManager | (() => EntityManager),
  credential: Credential,
  devices?: DeviceCache,
): Promise<Viewer> {
  switch (credential.kind) {
    case 'session':
      return (
        (await authenticateSession(typeof em === 'function' ? em() : em, credential.token)) ??
        ANONYMOUS
      );
    case 'device':
      return (
        (await (devices === undefined
          ? authenticateDevice(typeof em === 'function' ? em() : em, credential.token)
          : devices.authenticate(em, credential.token))) ?? ANONYMOUS
      );
    case 'none':
      return ANONYMOUS;
  }
}
