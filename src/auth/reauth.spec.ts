import { describe, expect, it } from 'vitest';
import { UserRole } from '../modules/account/user.entity.js';
import { needsReauthentication } from './reauth.js';
import type { UserViewer } from './viewer.js';

function viewer(remember: boolean, loggedInMinutesAgo: number): UserViewer {
  const now = Date.now();
  return {
    kind: 'user',
    userId: 1,
    role: UserRole.MEMBER,
    session: {
      id: 1,
      remember,
      createdAt: new Date(now - loggedInMinutesAgo * 60_000),
      expiresAt: new Date(now + 60_000),
    },
  };
}

describe('needsReauthentication', () => {
  it('never asks on a normal session', () => {
    expect(needsReauthentication(viewer(false, 600))).toBe(false);
  });

  it('asks on a remembered session once the log-in is 15 minutes old', () => {
    expect(needsReauthentication(viewer(true, 14))).toBe(false);
    expect(needsReauthentication(viewer(true, 15))).toBe(true);
    expect(needsReauthentication(viewer(true, 60 * 24 * 10))).toBe(true);
  });
});
