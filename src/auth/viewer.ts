/**
 * Who is making a request. Every resolver receives one; the access module decides what it may
 * see. Later kinds (user session, device) extend this union.
 */
export type Viewer = AnonymousViewer;

export interface AnonymousViewer {
  kind: 'anonymous';
}

export const ANONYMOUS: AnonymousViewer = Object.freeze({ kind: 'anonymous' });
