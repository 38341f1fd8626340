import type { UserRole } from '../modules/account/user.entity.js';

/** Who is making a request. Every resolver receives one; the access module decides what it may see. */
export type Viewer = AnonymousViewer | UserViewer | DeviceViewer;

export interface AnonymousViewer {
  kind: 'anonymous';
}

/** A signed-in person, with the session that authenticated this request. */
export interface UserViewer {
  kind: 'user';
  userId: number;
  role: UserRole;
  session: {
    id: number;
    remember: boolean;
    /** When the user logged in (re-authentication window). */
    createdAt: Date;
    /** When this session expires if nothing else happens (sliding or absolute, whichever is first). */
    expiresAt: Date;
  };
}

/** A Carebot robot, bound to exactly one family. */
export interface DeviceViewer {
  kind: 'device';
  deviceId: number;
  familyId: number;
  /** Confirmed by the main user: only then does it act for the elder (messages, conversations). */
  confirmed: boolean;
}

export const ANONYMOUS: AnonymousViewer = Object.freeze({ kind: 'anonymous' });
