import type { EntityManager } from '../database/orm.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../graphql/errors.js';
import { UserRole } from '../modules/account/user.entity.js';
import { Family } from '../modules/family/family.entity.js';
import { Membership, MembershipStatus } from '../modules/family/membership.entity.js';
import { CarebotSettings } from '../modules/settings/settings.entity.js';
import type { DeviceViewer, UserViewer, Viewer } from './viewer.js';

/** Where a viewer stands in a family. Pending members, admins and strangers stand nowhere. */
export type FamilyStanding = 'MAIN' | 'MANAGER' | 'CAREGIVER' | 'DEVICE';

/** What a viewer wants to do with a family. */
export type FamilyAction = 'VIEW' | 'MANAGE' | 'OWN' | 'REPORT' | 'CHAT' | 'READ_SHARED_CHAT';

/** The family policy, as data: which standings may do what (SPEC §1). */
export const FAMILY_POLICY: Readonly<Record<FamilyAction, readonly FamilyStanding[]>> = {
  /** read members, statuses, notifications; message; acknowledge alerts */
  VIEW: ['MAIN', 'MANAGER', 'CAREGIVER'],
  /** members, invites, devices, settings, family details */
  MANAGE: ['MAIN', 'MANAGER'],
  /** delete the family */
  OWN: ['MAIN'],
  /** device report operations */
  REPORT: ['DEVICE'],
  /** the elder's conversations with the AI companion: private to the main user and the Carebot */
  CHAT: ['MAIN', 'DEVICE'],
  /** read (never write) those conversations, only while the family's settings share them */
  READ_SHARED_CHAT: ['MANAGER', 'CAREGIVER'],
};

/**
 * Whether a standing may read the family's conversations with the AI companion: always for the
 * main user and the Carebot, for the other members only while `shares()` (the family's
 * `shareConversations` setting) says so — asked only when it matters.
 */
export async function mayReadConversations(
  standing: FamilyStanding | undefined,
  shares: () => Promise<boolean>,
): Promise<boolean> {
  if (standing === undefined) return false;
  if (FAMILY_POLICY.CHAT.includes(standing)) return true;
  return FAMILY_POLICY.READ_SHARED_CHAT.includes(standing) && (await shares());
}

/** The family's `shareConversations` setting. */
export async function sharesConversations(em: EntityManager, familyId: number): Promise<boolean> {
  const settings = await em.findOne(
    CarebotSettings,
    { family: familyId },
    { fields: ['shareConversations'] },
  );
  return settings?.shareConversations === true;
}

/** The signed-in user, or UNAUTHENTICATED (FORBIDDEN for a device). */
export function requireUser(viewer: Viewer): UserViewer {
  if (viewer.kind === 'device') throw new ForbiddenError('A device cannot do this.');
  if (viewer.kind !== 'user') throw new UnauthenticatedError();
  return viewer;
}

/** The calling device, or FORBIDDEN (UNAUTHENTICATED when nobody is signed in). */
export function requireDevice(viewer: Viewer): DeviceViewer {
  if (viewer.kind === 'anonymous') throw new UnauthenticatedError();
  if (viewer.kind !== 'device') throw new ForbiddenError('Only a Carebot device can do this.');
  return viewer;
}

/**
 * Answers "may this viewer do this to that family?" for one request. Loads the viewer's
 * standings once (two small queries) and caches them; every resolver goes through here.
 */
export class Access {
  private standingsPromise: Promise<ReadonlyMap<number, FamilyStanding>> | undefined;
  private standingsFor: Viewer | undefined;
  private managedUsersPromise: Promise<ReadonlySet<number>> | undefined;
  private familyPeoplePromise: Promise<ReadonlySet<number>> | undefined;

  constructor(private readonly source: { em: EntityManager; viewer: Viewer }) {}

  /**
   * Log-in and sign-up change who the operation runs as. Apollo hands resolvers a shallow copy
   * of the context, so the copy's `viewer` is updated by the caller and this shared object here.
   */
  setViewer(viewer: Viewer): void {
    this.source.viewer = viewer;
  }

  /** Every family the viewer stands in, with the standing. */
  standings(): Promise<ReadonlyMap<number, FamilyStanding>> {
    const { viewer } = this.source;
    // log-in and sign-up change the viewer mid-operation; never answer for the previous one
    if (this.standingsPromise === undefined || this.standingsFor !== viewer) {
      this.standingsFor = viewer;
      this.managedUsersPromise = undefined;
      this.familyPeoplePromise = undefined;
      this.standingsPromise = this.loadStandings(viewer);
    }
    return this.standingsPromise;
  }

  private async loadStandings(viewer: Viewer): Promise<ReadonlyMap<number, FamilyStanding>> {
    const map = new Map<number, FamilyStanding>();
    if (viewer.kind === 'device') {
      map.set(viewer.familyId, 'DEVICE');
    } else if (viewer.kind === 'user') {
      const { em } = this.source;
      const [owned, memberships] = await Promise.all([
        em.find(Family, { mainUser: viewer.userId }, { fields: ['id'] }),
        em.find(
          Membership,
          { user: viewer.userId, status: MembershipStatus.ACTIVE },
          { fields: ['family', 'role'] },
        ),
      ]);
      for (const membership of memberships) map.set(membership.family.id, membership.role);
      for (const family of owned) map.set(family.id, 'MAIN');
    }
    return map;
  }

  /** Ids of the families where the viewer may do `action`. */
  async familiesAllowed(action: FamilyAction): Promise<number[]> {
    return [...(await this.standings())]
      .filter(([, standing]) => FAMILY_POLICY[action].includes(standing))
      .map(([familyId]) => familyId);
  }

  async standingIn(familyId: number): Promise<FamilyStanding | undefined> {
    return (await this.standings()).get(familyId);
  }

  /**
   * Requires the viewer to be allowed `action` on the family: outside the viewer's families it
   * is NOT_FOUND (existence is never revealed), inside but not allowed FORBIDDEN.
   */
  async requireFamily(
    familyId: number,
    action: FamilyAction,
    what = 'Family',
    id: number | string = familyId,
  ): Promise<FamilyStanding> {
    const standing = await this.requireStanding(familyId, what, id);
    if (!FAMILY_POLICY[action].includes(standing)) {
      throw new ForbiddenError(
        `Your role in this family does not allow this (${action.toLowerCase()}).`,
      );
    }
    return standing;
  }

  /**
   * Requires the viewer to be allowed to read the family's conversations with the AI companion
   * (see {@link mayReadConversations}): NOT_FOUND outside the family, FORBIDDEN inside otherwise.
   */
  async requireConversationReader(
    familyId: number,
    what: string,
    id: number | string,
  ): Promise<FamilyStanding> {
    const standing = await this.requireStanding(familyId, what, id);
    if (
      !(await mayReadConversations(standing, () => sharesConversations(this.source.em, familyId)))
    )
      throw new ForbiddenError(
        "The elder's conversations are private unless the main user shares them (settings.shareConversations).",
      );
    return standing;
  }

  /** The viewer's standing in the family: UNAUTHENTICATED, or NOT_FOUND outside it. */
  private async requireStanding(
    familyId: number,
    what: string,
    id: number | string,
  ): Promise<FamilyStanding> {
    if (this.source.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const standing = await this.standingIn(familyId);
    if (standing === undefined) throw new NotFoundError(what, id);
    return standing;
  }

  /** The main users and members (all, or ACTIVE only) of the families. */
  private async peopleOf(familyIds: number[], activeOnly: boolean): Promise<ReadonlySet<number>> {
    if (familyIds.length === 0) return new Set<number>();
    const { em } = this.source;
    const [members, families] = await Promise.all([
      em.find(
        Membership,
        activeOnly
          ? { family: { $in: familyIds }, status: MembershipStatus.ACTIVE }
          : { family: { $in: familyIds } },
        { fields: ['user'] },
      ),
      em.find(Family, { id: { $in: familyIds } }, { fields: ['mainUser'] }),
    ]);
    return new Set([...members.map((m) => m.user.id), ...families.map((f) => f.mainUser.id)]);
  }

  /**
   * Users whose personal details the viewer sees as a manager: the members of families they
   * manage, pending applicants included (a manager decides on them).
   */
  private managedUsers(): Promise<ReadonlySet<number>> {
    this.managedUsersPromise ??= this.familiesAllowed('MANAGE').then((managed) =>
      this.peopleOf(managed, false),
    );
    return this.managedUsersPromise;
  }

  /** Users who stand with the viewer in a family: its main user and ACTIVE members. */
  private familyPeople(): Promise<ReadonlySet<number>> {
    this.familyPeoplePromise ??= this.standings().then((standings) =>
      this.peopleOf([...standings.keys()], true),
    );
    return this.familyPeoplePromise;
  }

  /**
   * Whether the viewer may see a user's personal details (email, phone, birth date, address):
   * the user themself, admins, and managers (and the main user) of a family the user belongs to.
   */
  async canSeePersonalDetails(userId: number): Promise<boolean> {
    const { viewer } = this.source;
    if (viewer.kind !== 'user') return false;
    if (viewer.userId === userId || viewer.role === UserRole.ADMIN) return true;
    return (await this.managedUsers()).has(userId);
  }

  /**
   * Whether the viewer may see a user's avatar: whoever sees their personal details, and everyone
   * who shares a family with them (its main user, ACTIVE members and its Carebot), as a face
   * beside a name in the family's lists and messages. A former member shows none.
   */
  async canSeeAvatar(userId: number): Promise<boolean> {
    if (await this.canSeePersonalDetails(userId)) return true;
    if (this.source.viewer.kind === 'anonymous') return false;
    return (await this.familyPeople()).has(userId);
  }
}
