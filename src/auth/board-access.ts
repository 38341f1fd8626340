import type { EntityManager } from '../database/orm.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../graphql/errors.js';
import { UserRole } from '../modules/account/user.entity.js';
import {
  Board,
  BoardPermission,
  BoardPermissionLevel,
  BoardVisibility,
} from '../modules/community/community.entities.js';
import type { Viewer } from './viewer.js';

/*
 * The second access domain beside families: community boards. A viewer stands on a board as an
 * ADMIN (every board, hidden ones too), READ_WRITE (a visible PUBLIC board, or a grant) or READ
 * (a grant); anywhere else nowhere, and the board and everything on it does not exist for them.
 */

/** Where a viewer stands on a board. */
export type BoardStanding = 'ADMIN' | 'READ_WRITE' | 'READ';

/** What a viewer wants to do on a board. */
export type BoardAction = 'READ' | 'WRITE' | 'MODERATE';

/** The board policy, as data. */
export const BOARD_POLICY: Readonly<Record<BoardAction, readonly BoardStanding[]>> = {
  /** read posts and comments; like, report; edit and delete one's own */
  READ: ['ADMIN', 'READ_WRITE', 'READ'],
  /** write posts and comments (non-admins only while the board is open) */
  WRITE: ['ADMIN', 'READ_WRITE'],
  /** manage the board and its grants, hide content, see hidden and deleted content */
  MODERATE: ['ADMIN'],
};

/** One board as a viewer stands on it. */
export interface BoardPlace {
  standing: BoardStanding;
  /** The board takes new posts and comments from non-admins. */
  open: boolean;
}

declare const BOARD_GRANTED: unique symbol;

/** Proof that the access module allowed `action` on a board (only {@link BoardAccess} makes one). */
export interface BoardGrant<A extends BoardAction = BoardAction> {
  readonly [BOARD_GRANTED]: A;
  readonly boardId: number;
  readonly standing: BoardStanding;
  /** The viewer (boards are for signed-in users only). */
  readonly userId: number;
}

/**
 * Every board the user stands on: one statement (boards are few; a request asks once). Admins
 * stand on every board; others on visible ones, PUBLIC or granted to them.
 */
export async function loadBoardPlaces(
  em: EntityManager,
  user: { userId: number; role: UserRole },
): Promise<Map<number, BoardPlace>> {
  const places = new Map<number, BoardPlace>();
  if (user.role === UserRole.ADMIN) {
    const boards = await em.find(Board, {}, { fields: ['id', 'open'] });
    for (const board of boards) places.set(board.id, { standing: 'ADMIN', open: board.open });
    return places;
  }
  const [boards, grants] = await Promise.all([
    em.find(Board, { visible: true }, { fields: ['id', 'open', 'visibility'] }),
    em.find(BoardPermission, { user: user.userId }, { fields: ['board', 'level'] }),
  ]);
  const granted = new Map(grants.map((grant) => [grant.board.id, grant.level]));
  for (const board of boards) {
    const level =
      (board.visibility as BoardVisibility) === BoardVisibility.PUBLIC
        ? BoardPermissionLevel.READ_WRITE
        : granted.get(board.id);
    if (level !== undefined) places.set(board.id, { standing: level, open: board.open });
  }
  return places;
}

/** Whether a standing may do `action`. */
export function boardAllows(action: BoardAction, standing: BoardStanding | undefined): boolean {
  return standing !== undefined && BOARD_POLICY[action].includes(standing);
}

/** Answers "may this viewer do this on that board?" for one operation (cached per viewer). */
export class BoardAccess {
  private placesPromise: Promise<ReadonlyMap<number, BoardPlace>> | undefined;
  private placesFor: Viewer | undefined;

  constructor(private readonly source: { em: EntityManager; viewer: () => Viewer }) {}

  /** Every board the viewer stands on. */
  places(): Promise<ReadonlyMap<number, BoardPlace>> {
    const viewer = this.source.viewer();
    if (this.placesPromise === undefined || this.placesFor !== viewer) {
      this.placesFor = viewer;
      this.placesPromise =
        viewer.kind === 'user'
          ? loadBoardPlaces(this.source.em, viewer)
          : Promise.resolve(new Map<number, BoardPlace>());
    }
    return this.placesPromise;
  }

  async placeOn(boardId: number): Promise<BoardPlace | undefined> {
    return (await this.places()).get(boardId);
  }

  /** Whether the viewer may do `action` on the board (WRITE also needs an open board). */
  async may(boardId: number, action: BoardAction): Promise<boolean> {
    const place = await this.placeOn(boardId);
    if (!boardAllows(action, place?.standing)) return false;
    return action !== 'WRITE' || place!.open || place!.standing === 'ADMIN';
  }

  /** Whether the viewer stands on the board at all. */
  async knows(boardId: number): Promise<boolean> {
    return (await this.placeOn(boardId)) !== undefined;
  }

  /** Ids of the boards where the viewer may do `action`. */
  async boardsAllowed(action: BoardAction): Promise<number[]> {
    return [...(await this.places())]
      .filter(([, place]) => boardAllows(action, place.standing))
      .map(([id]) => id);
  }

  /**
   * Requires `action` on the board: UNAUTHENTICATED when signed out, FORBIDDEN for a device,
   * NOT_FOUND (named `what` `id`) off the viewer's boards, FORBIDDEN on them without the right.
   */
  async requireBoard<A extends BoardAction>(
    boardId: number,
    action: A,
    what = 'Board',
    id: number | string = boardId,
  ): Promise<BoardGrant<A>> {
    const viewer = this.source.viewer();
    if (viewer.kind === 'anonymous') throw new UnauthenticatedError();
    if (viewer.kind === 'device') throw new ForbiddenError('A device cannot use the community.');
    const place = await this.placeOn(boardId);
    if (place === undefined) throw new NotFoundError(what, id);
    if (!boardAllows(action, place.standing))
      throw new ForbiddenError(
        `Your access to this board does not allow this (${action.toLowerCase()}).`,
      );
    if (action === 'WRITE' && !place.open && place.standing !== 'ADMIN')
      throw new ForbiddenError('This board is closed for writing.');
    return {
      boardId,
      standing: place.standing,
      userId: viewer.userId,
      action,
    } as unknown as BoardGrant<A>;
  }
}
