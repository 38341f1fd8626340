import type { UserRole } from '../modules/account/user.entity.js';

/** Who is making a request. Every resolver receives one; the access module decides what it may see. */
export type Viewer = AnonymousViewer | UserViewer;

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

export const ANONYMOUS: AnonymousViewer = Object.freeze({ kind: 'anonymous' });
