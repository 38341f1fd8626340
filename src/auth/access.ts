import type { EntityManager } from '../database/orm.js';
import { marks } from '../database/plain.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../graphql/errors.js';
import { UserRole } from '../modules/account/user.entity.js';
import { Family } from '../modules/family/family.entity.js';
import { Membership, MembershipStatus } from '../modules/family/membership.entity.js';
import { CarebotSettings } from '../modules/settings/settings.entity.js';
import { BoardAccess } from './board-access.js';
import type { DeviceViewer, UserViewer, Viewer } from './viewer.js';

/**
 * Where a viewer stands in a family. Pending members, admins and strangers stand nowhere. A
 * Carebot is a `DEVICE` once the main user confirmed it (or registered it), a `NEW_DEVICE`
 * before: it reports, but does not act for the elder.
 */
export type FamilyStanding = 'MAIN' | 'MANAGER' | 'CAREGIVER' | 'DEVICE' | 'NEW_DEVICE';

/** A device's standing in its own family. */
export function deviceStanding(viewer: DeviceViewer): FamilyStanding {
  return viewer.confirmed ? 'DEVICE' : 'NEW_DEVICE';
}

/**
 * Who may read a field of family data: a standing, or an applicant whose request to join is
 * still PENDING (they see the family's name, nothing else — SPEC §1).
 */
export type FamilyAudience = FamilyStanding | 'PENDING';

/** What a viewer wants to do with a family. */
export type FamilyAction =
  | 'VIEW'
  | 'MANAGE'
  | 'OWN'
  | 'REPORT'
  | 'CHAT'
  | 'READ_SHARED_CHAT'
  | 'READ_SHARED_JOURNAL'
  | 'READ'
  | 'IDENTIFY';

/** The family policy, as data: which standings may do what (SPEC §1). */
export const FAMILY_POLICY: Readonly<Record<FamilyAction, readonly FamilyAudience[]>> = {
  /** read members, statuses, notifications; message; acknowledge alerts */
  VIEW: ['MAIN', 'MANAGER', 'CAREGIVER'],
  /** read a record the family's Carebot also handles (readings, alerts, settings, messages) */
  READ: ['MAIN', 'MANAGER', 'CAREGIVER', 'DEVICE', 'NEW_DEVICE'],
  /** know the family by id and name: also an applicant waiting for approval */
  IDENTIFY: ['MAIN', 'MANAGER', 'CAREGIVER', 'DEVICE', 'NEW_DEVICE', 'PENDING'],
  /** members, invites, devices, settings, family details */
  MANAGE: ['MAIN', 'MANAGER'],
  /** delete the family */
  OWN: ['MAIN'],
  /** device report operations */
  REPORT: ['DEVICE', 'NEW_DEVICE'],
  /**
   * the elder's conversations with the AI companion and mailbox: private to the main user and a
   * Carebot the main user confirmed (a member cannot gain them by registering a device)
   */
  CHAT: ['MAIN', 'DEVICE'],
  /** read (never write) those conversations, only while the family's settings share them */
  READ_SHARED_CHAT: ['MANAGER', 'CAREGIVER'],
  /**
   * read (never write) the main user's emotion journal, only while the family's settings share
   * it (`shareJournal`); the journal's owner needs no family action
   */
  READ_SHARED_JOURNAL: ['MANAGER', 'CAREGIVER'],
};

declare const GRANTED: unique symbol;

/**
 * Proof that the access module allowed `action` on a family for this operation. Only
 * {@link Access.requireFamily} makes one, so a service method that takes a grant cannot be
 * called without the check: the type is the documentation and the compiler enforces it.
 */
export interface FamilyGrant<A extends FamilyAction = FamilyAction> {
  readonly [GRANTED]: A;
  readonly familyId: number;
  readonly standing: FamilyStanding;
  /** The record the operation named (the family itself, or e.g. a membership of it). */
  readonly target: { readonly what: string; readonly id: number | string };
}

function grant<A extends FamilyAction>(
  action: A,
  familyId: number,
  standing: FamilyStanding,
  target: { what: string; id: number | string },
): FamilyGrant<A> {
  return { familyId, standing, target, action } as unknown as FamilyGrant<A>;
}

/**
 * Where each user stands in each family, for the (user, family) pairs asked: ownership and ACTIVE
 * memberships. The one query pair behind every standing: per request ({@link Access}) and per
 * live delivery (`LiveAuthorizer`). `familyIds` undefined means every family of the users;
 * `userIds` undefined, every member of the families (one of the two must be given).
 */
export async function loadStandings(
  em: EntityManager,
  userIds: readonly number[] | undefined,
  familyIds?: readonly number[],
): Promise<Map<string, FamilyStanding>> {
  const standing = new Map<string, FamilyStanding>();
  if (userIds === undefined && familyIds === undefined)
    throw new Error('loadStandings() needs users or families');
  if (userIds?.length === 0 || familyIds?.length === 0) return standing;
  // one plain statement (every request asks before anything else, and a live event checks every
  // subscriber of a family at once): owned families, then ACTIVE memberships
  const owned: string[] = [];
  const member: string[] = [];
  const ownedValues: unknown[] = [];
  const memberValues: unknown[] = [MembershipStatus.ACTIVE];
  if (userIds !== undefined) {
    owned.push(`f.main_user_id in (${marks(userIds)})`);
    member.push(`m.user_id in (${marks(userIds)})`);
    ownedValues.push(...userIds);
    memberValues.push(...userIds);
  }
  if (familyIds !== undefined) {
    owned.push(`f.id in (${marks(familyIds)})`);
    member.push(`m.family_id in (${marks(familyIds)})`);
    ownedValues.push(...familyIds);
    memberValues.push(...familyIds);
  }
  const rows = await em.execute<{ family_id: number; user_id: number; standing: string }[]>(
    `select f.id as family_id, f.main_user_id as user_id, 'MAIN' as standing ` +
      `from \`family\` f where ${owned.join(' and ')}` +
      ` union all select m.family_id, m.user_id, m.role from \`membership\` m ` +
      `where m.status = ? and ${member.join(' and ')}`,
    [...ownedValues, ...memberValues],
    'all',
    em.getLoggerContext(),
  );
  // a main user stands as MAIN in their family whatever membership row might say
  for (const row of rows) {
    const key = standingKey(Number(row.user_id), Number(row.family_id));
    if (row.standing === 'MAIN' || standing.get(key) !== 'MAIN')
      standing.set(key, row.standing as FamilyStanding);
  }
  return standing;
}

/** The key of {@link loadStandings}' map. */
export function standingKey(userId: number, familyId: number): string {
  return `${userId}:${familyId}`;
}

/** Whether a standing (or a pending applicant) may do `action`. */
export function allows(action: FamilyAction, audience: FamilyAudience | undefined): boolean {
  return audience !== undefined && FAMILY_POLICY[action].includes(audience);
}

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
  if (allows('CHAT', standing)) return true;
  return allows('READ_SHARED_CHAT', standing) && (await shares());
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

/** The family's `shareJournal` setting (the main user's emotion journal, read-only). */
export async function sharesJournal(em: EntityManager, familyId: number): Promise<boolean> {
  const settings = await em.findOne(
    CarebotSettings,
    { family: familyId },
    { fields: ['shareJournal'] },
  );
  return settings?.shareJournal === true;
}

const NOT_CONFIRMED =
  'The main user has not confirmed this Carebot yet (confirmDevice): until then it cannot act for the elder.';

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
  private settled: ReadonlyMap<number, FamilyStanding> | undefined;
  private applicationsPromise: Promise<ReadonlySet<number>> | undefined;
  private readonly sharedChats = new Map<number, Promise<boolean>>();
  private boardAccess: BoardAccess | undefined;

  constructor(
    private readonly source: {
      em: EntityManager;
      viewer: Viewer;
      /**
       * Where a user stands in each family (`loadStandings` keys), when the caller batches the
       * lookup across operations: a burst of socket subscriptions asks a few queries, not two
       * each. Default: {@link loadStandings} on `em`.
       */
      standingsOf?: (userId: number) => Promise<ReadonlyMap<string, FamilyStanding>>;
    },
  ) {}

  /**
   * Log-in and sign-up change who the operation runs as. Apollo hands resolvers a shallow copy
   * of the context, so the copy's `viewer` is updated by the caller and this shared object here.
   */
  setViewer(viewer: Viewer): void {
    this.source.viewer = viewer;
  }

  /** The community-board domain for the same viewer (src/auth/board-access.ts). */
  get boards(): BoardAccess {
    this.boardAccess ??= new BoardAccess({
      em: this.source.em,
      viewer: () => this.source.viewer,
    });
    return this.boardAccess;
  }

  /** Every family the viewer stands in, with the standing. */
  standings(): Promise<ReadonlyMap<number, FamilyStanding>> {
    const { viewer } = this.source;
    // log-in and sign-up change the viewer mid-operation; never answer for the previous one
    if (this.standingsPromise === undefined || this.standingsFor !== viewer) {
      this.standingsFor = viewer;
      this.managedUsersPromise = undefined;
      this.familyPeoplePromise = undefined;
      this.applicationsPromise = undefined;
      this.settled = undefined;
      const loading = this.loadStandings(viewer);
      this.standingsPromise = loading;
      void loading.then(
        (map) => {
          if (this.standingsPromise === loading) this.settled = map;
        },
        () => undefined,
      );
    }
    return this.standingsPromise;
  }

  private async loadStandings(viewer: Viewer): Promise<ReadonlyMap<number, FamilyStanding>> {
    const map = new Map<number, FamilyStanding>();
    if (viewer.kind === 'device') {
      map.set(viewer.familyId, deviceStanding(viewer));
    } else if (viewer.kind === 'user') {
      const standings = this.source.standingsOf
        ? await this.source.standingsOf(viewer.userId)
        : await loadStandings(this.source.em, [viewer.userId]);
      for (const [key, standing] of standings) {
        map.set(Number(key.slice(key.indexOf(':') + 1)), standing);
      }
    }
    return map;
  }

  /** Families the viewer (a user) has asked to join and waits for. */
  private applications(): Promise<ReadonlySet<number>> {
    const { viewer, em } = this.source;
    this.applicationsPromise ??=
      viewer.kind !== 'user'
        ? Promise.resolve(new Set<number>())
        : em
            .find(
              Membership,
              { user: viewer.userId, status: MembershipStatus.PENDING },
              { fields: ['family'] },
            )
            .then((rows) => new Set(rows.map((m) => m.family.id)));
    return this.applicationsPromise;
  }

  /**
   * Whether the viewer may do `action` on the family — answered synchronously once the
   * viewer's standings are loaded (every field of a dashboard asks), as a promise before.
   * A pending applicant counts only for actions that name PENDING.
   */
  may(familyId: number, action: FamilyAction): boolean | Promise<boolean> {
    const { viewer } = this.source;
    if (this.settled !== undefined && this.standingsFor === viewer) {
      const standing = this.settled.get(familyId);
      if (allows(action, standing)) return true;
      if (standing !== undefined || !allows(action, 'PENDING')) return false;
    }
    return (async () => {
      const standing = await this.standingIn(familyId);
      if (allows(action, standing)) return true;
      if (standing !== undefined || !allows(action, 'PENDING')) return false;
      return (await this.applications()).has(familyId);
    })();
  }

  /** Whether the viewer is this user. */
  isUser(userId: number): boolean {
    const { viewer } = this.source;
    return viewer.kind === 'user' && viewer.userId === userId;
  }

  /** Whether the viewer is operator staff (an ADMIN user): support and admin data (staffData). */
  isStaff(): boolean {
    const { viewer } = this.source;
    return viewer.kind === 'user' && viewer.role === UserRole.ADMIN;
  }

  /** Whether the viewer relates to the family at all (a standing or a pending application). */
  async knows(familyId: number): Promise<boolean> {
    if ((await this.standingIn(familyId)) !== undefined) return true;
    return (await this.applications()).has(familyId);
  }

  /**
   * Whether the viewer may read the family's conversations with the AI companion (see
   * {@link mayReadConversations}); the setting is read once per family and operation.
   */
  async mayReadChats(familyId: number): Promise<boolean> {
    return mayReadConversations(await this.standingIn(familyId), () => {
      let shares = this.sharedChats.get(familyId);
      if (shares === undefined) {
        shares = sharesConversations(this.source.em, familyId);
        this.sharedChats.set(familyId, shares);
      }
      return shares;
    });
  }

  /** Ids of the families where the viewer may do `action`. */
  async familiesAllowed(action: FamilyAction): Promise<number[]> {
    return [...(await this.standings())]
      .filter(([, standing]) => allows(action, standing))
      .map(([familyId]) => familyId);
  }

  async standingIn(familyId: number): Promise<FamilyStanding | undefined> {
    return (await this.standings()).get(familyId);
  }

  /**
   * Requires the viewer to be allowed `action` on the family: outside the viewer's families it
   * is NOT_FOUND (existence is never revealed), inside but not allowed FORBIDDEN.
   */
  async requireFamily<A extends FamilyAction>(
    familyId: number,
    action: A,
    what = 'Family',
    id: number | string = familyId,
  ): Promise<FamilyGrant<A>> {
    const standing = await this.requireStanding(familyId, what, id);
    if (!allows(action, standing)) {
      if (standing === 'NEW_DEVICE' && allows(action, 'DEVICE'))
        throw new ForbiddenError(NOT_CONFIRMED);
      throw new ForbiddenError(
        `Your role in this family does not allow this (${action.toLowerCase()}).`,
      );
    }
    return grant(action, familyId, standing, { what, id });
  }

  /**
   * Requires the viewer to be allowed to read the family's conversations with the AI companion
   * (see {@link mayReadConversations}): NOT_FOUND outside the family, FORBIDDEN inside otherwise.
   */
  async requireConversationReader(
    familyId: number,
    what: string,
    id: number | string,
  ): Promise<FamilyGrant<'READ_SHARED_CHAT' | 'CHAT'>> {
    const standing = await this.requireStanding(familyId, what, id);
    if (!(await this.mayReadChats(familyId)))
      throw new ForbiddenError(
        "The elder's conversations are private unless the main user shares them (settings.shareConversations).",
      );
    return grant(allows('CHAT', standing) ? 'CHAT' : 'READ_SHARED_CHAT', familyId, standing, {
      what,
      id,
    });
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
