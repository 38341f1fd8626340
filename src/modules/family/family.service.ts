import { createHash, randomInt } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { type FamilyGrant, requireUser } from '../../auth/access.js';
import { requireRecentAuthentication } from '../../auth/reauth.js';
import type { EntityManager } from '../../database/orm.js';
import { Device } from '../device/device.entity.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import type { FileService } from '../file/file.service.js';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../graphql/errors.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { User } from '../account/user.entity.js';
import { CarebotSettings } from '../settings/settings.entity.js';
import { File, FilePurpose } from '../file/file.entity.js';
import { keysOf } from '../file/file.service.js';
import { FamilyBackground } from './family-background.entity.js';
import { FamilyInvite } from './family-invite.entity.js';
import { Family } from './family.entity.js';
import type {
  CreateFamilyInput,
  FindFamiliesInput,
  UpdateFamilyInput,
  UpdateMembershipInput,
} from './family.inputs.js';
import type { FamilyCandidate, FamilyInviteCode } from './family.types.js';
import { FamilyRole, Membership, MembershipStatus } from './membership.entity.js';

/** Invitation codes are valid this long. */
export const INVITE_TTL_MS = 72 * 3600_000;

// Crockford's base32 without I, L, O, U: nothing to misread when a code is read aloud
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;

function newInviteCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Case, spaces and dashes do not matter in a typed code. */
function inviteCodeHash(code: string): string {
  return createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest('hex');
}

/** "김영희" → "김*희", "김영" → "김*": enough to recognise, not enough to learn a name. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/**
 * A member who leaves or is removed takes no device with them: the Carebots they registered stop
 * working at once (the main user registers or confirms a new one).
 */
async function revokeDevicesRegisteredBy(
  em: EntityManager,
  familyId: number,
  userId: number,
): Promise<void> {
  await em.nativeUpdate(
    Device,
    { family: familyId, registeredBy: userId, revokedAt: null },
    { revokedAt: new Date() },
  );
}

/** Families, memberships and invitations (SPEC §5 "Families and members"). */
export class FamilyService {
  constructor(
    private readonly deps: { rateLimiter: RateLimiter; files: FileService; events: EventBus },
  ) {}

  async create(ctx: Scope, input: CreateFamilyInput): Promise<Family> {
    const viewer = requireUser(ctx.viewer);
    if ((await ctx.em.count(Family, { mainUser: viewer.userId })) > 0) {
      throw new ConflictError('You already have a family; a main user owns exactly one.');
    }
    try {
      return await ctx.em.transactional(async (em) => {
        const family = em.create(Family, {
          familyName: input.familyName.trim(),
          memo: input.memo?.trim() || null,
          mainUser: em.getReference(User, viewer.userId),
        });
        // the family and its settings exist together or not at all (seed bug 1.0.1)
        em.create(CarebotSettings, { family });
        await em.flush();
        return family;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ConflictError('You already have a family; a main user owns exactly one.');
      }
      throw error;
    }
  }

  /** The families the viewer stands in (main user or ACTIVE member), oldest first. */
  async mine(ctx: Scope): Promise<Family[]> {
    requireUser(ctx.viewer);
    const ids = [...(await ctx.access.standings()).keys()].sort((a, b) => a - b);
    if (ids.length === 0) return [];
    // plain rows, with main users and members joined in: a dashboard reads, never writes
    const families = await ctx.loaders.family.loadMany(ids);
    return families.filter((family): family is Family => {
      if (family instanceof Error) throw family;
      return family !== null;
    });
  }

  async get(ctx: Scope, grant: FamilyGrant<'VIEW'>): Promise<Family> {
    const family = await ctx.loaders.family.load(grant.familyId);
    if (family === null) throw new NotFoundError('Family', grant.familyId);
    return family;
  }

  async update(
    ctx: Scope,
    grant: FamilyGrant<'MANAGE'>,
    input: UpdateFamilyInput,
  ): Promise<Family> {
    const family = await ctx.em.findOneOrFail(Family, { id: grant.familyId });
    if (input.familyName != null) family.familyName = input.familyName.trim();
    if (input.memo !== undefined) family.memo = input.memo?.trim() || null;
    await ctx.em.flush();
    return family;
  }

  /** Every row of the family goes with it (foreign keys cascade). */
  async delete(
    ctx: Scope,
    { familyId }: FamilyGrant<'OWN'>,
    confirmFamilyName: string,
    currentPassword: string | null | undefined,
  ): Promise<boolean> {
    const viewer = requireUser(ctx.viewer);
    const family = await ctx.em.findOneOrFail(Family, { id: familyId });
    if (confirmFamilyName !== family.familyName) {
      throw BadUserInputError.field('confirmFamilyName', 'does not match the family name');
    }
    await requireRecentAuthentication(ctx.em, viewer, currentPassword);
    // the file rows cascade with the family; their stored objects are removed right after
    const files = await ctx.em.find(
      File,
      { family: familyId },
      { fields: ['id', 'storageKey', 'thumbnailKey'] },
    );
    await ctx.em.remove(family).flush();
    this.deps.events.devicesChanged(familyId);
    this.deps.events.liveAccessChanged({ familyIds: [familyId] });
    await this.deps.files.removeObjects(files.flatMap(keysOf));
    return true;
  }

  async find(ctx: Scope, input: FindFamiliesInput): Promise<FamilyCandidate[]> {
    requireUser(ctx.viewer);
    await this.deps.rateLimiter.consume('findFamilies', `ip:${ctx.ip}`);
    const families = await ctx.em.find(
      Family,
      {
        mainUser: {
          name: input.mainUserName.trim(),
          birthDate: input.birthDate,
          gender: input.gender,
          subRegionCode: input.subRegionCode,
        },
      },
      { populate: ['mainUser'], orderBy: { id: 'asc' }, limit: 20 },
    );
    return families.map((family) => ({
      familyId: family.id,
      familyName: family.familyName,
      mainUserMaskedName: maskName(family.mainUser.getEntity().name),
    }));
  }

  async requestToJoin(
    ctx: Scope,
    familyId: number,
    mainUserName: string,
    relation: string,
  ): Promise<Membership> {
    const viewer = requireUser(ctx.viewer);
    await this.deps.rateLimiter.consume('requestToJoinFamily', `ip:${ctx.ip}`);
    const family = await ctx.em.findOne(Family, { id: familyId }, { populate: ['mainUser'] });
    // a wrong name and a made-up id answer alike: neither the family nor the elder's name is confirmed
    if (family === null || family.mainUser.getEntity().name !== mainUserName.trim())
      throw new NotFoundError('Family', familyId);
    return this.join(ctx, family, viewer.userId, {
      relation,
      role: FamilyRole.CAREGIVER,
      status: MembershipStatus.PENDING,
    });
  }

  /**
   * Adds `userId` to the family. The unique (family, user) index is the only check for an
   * existing membership or request, so two concurrent joins by one user end in one row and a
   * CONFLICT, never a duplicate. `claim` runs first in the same transaction (a refused join
   * leaves what it claimed untouched).
   */
  private async join(
    ctx: Scope,
    family: Family,
    userId: number,
    grant: { relation: string; role: FamilyRole; status: MembershipStatus },
    claim?: (em: EntityManager) => Promise<void>,
  ): Promise<Membership> {
    if (family.mainUser.id === userId)
      throw new ConflictError('You are the main user of this family.');
    try {
      const joined = await ctx.em.transactional(async (em) => {
        await claim?.(em);
        const membership = em.create(Membership, {
          family: em.getReference(Family, family.id),
          user: em.getReference(User, userId),
          relation: grant.relation.trim(),
          role: grant.role,
          status: grant.status,
        });
        await em.flush();
        return membership;
      });
      this.deps.events.liveAccessChanged({ familyIds: [family.id] });
      return joined;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ConflictError(
          'You are already a member of this family, or your request is waiting for approval.',
        );
      }
      throw error;
    }
  }

  async approve(
    ctx: Scope,
    grant: FamilyGrant<'MANAGE'>,
    membershipId: number,
  ): Promise<Membership> {
    const membership = await ctx.em.findOneOrFail(Membership, {
      id: membershipId,
      family: grant.familyId,
    });
    if ((membership.status as MembershipStatus) !== MembershipStatus.PENDING)
      throw new ConflictError('This membership is already active.');
    membership.status = MembershipStatus.ACTIVE;
    await ctx.em.flush();
    this.deps.events.liveAccessChanged({ familyIds: [grant.familyId] });
    return membership;
  }

  async reject(ctx: Scope, grant: FamilyGrant<'MANAGE'>, membershipId: number): Promise<boolean> {
    const deleted = await ctx.em.nativeDelete(Membership, {
      id: membershipId,
      family: grant.familyId,
      status: MembershipStatus.PENDING,
    });
    if (deleted === 0)
      throw new ConflictError(
        'Only a pending request can be rejected; remove an active member instead.',
      );
    return true;
  }

  async createInvite(
    ctx: Scope,
    { familyId }: FamilyGrant<'MANAGE'>,
    role: FamilyRole,
  ): Promise<FamilyInviteCode> {
    const viewer = requireUser(ctx.viewer);
    const code = newInviteCode();
    const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
    ctx.em.create(FamilyInvite, {
      family: ctx.em.getReference(Family, familyId),
      codeHash: inviteCodeHash(code),
      role,
      createdBy: ctx.em.getReference(User, viewer.userId),
      expiresAt,
    });
    await ctx.em.flush();
    return { code, role, expiresAt };
  }

  async acceptInvite(ctx: Scope, code: string, relation: string): Promise<Membership> {
    const viewer = requireUser(ctx.viewer);
    const invalid = () => BadUserInputError.field('code', 'is invalid, used or expired');
    const now = new Date();
    const invite = await ctx.em.findOne(FamilyInvite, {
      codeHash: inviteCodeHash(code),
      usedAt: null,
      expiresAt: { $gt: now },
    });
    if (invite === null) throw invalid();
    const family = await ctx.em.findOneOrFail(Family, { id: invite.family.id });
    return this.join(
      ctx,
      family,
      viewer.userId,
      { relation, role: invite.role, status: MembershipStatus.ACTIVE },
      async (em) => {
        // single use even when two people race with one code: the conditional UPDATE lets one
        // claim through, and every other attempt with that code hears the same BAD_USER_INPUT
        const claimed = await em.nativeUpdate(
          FamilyInvite,
          { id: invite.id, usedAt: null, expiresAt: { $gt: now } },
          { usedAt: now },
        );
        if (claimed === 0) throw invalid();
      },
    );
  }

  /**
   * Managers change role and relation of any membership of their family; a member may change
   * their own relation only. Anyone else: NOT_FOUND.
   */
  async updateMembership(
    ctx: Scope,
    membershipId: number,
    input: UpdateMembershipInput,
  ): Promise<Membership> {
    const viewer = requireUser(ctx.viewer);
    const membership = await ctx.em.findOne(Membership, { id: membershipId });
    if (membership === null) throw new NotFoundError('Membership', membershipId);
    const own = membership.user.id === viewer.userId;
    const standing = await ctx.access.standingIn(membership.family.id);
    const manages = standing === 'MAIN' || standing === 'MANAGER';
    if (!manages) {
      if (!own) {
        if (standing === undefined) throw new NotFoundError('Membership', membershipId);
        throw new ForbiddenError('Only a manager can change another member.');
      }
      if (input.role != null) throw new ForbiddenError('Only a manager can change a role.');
    }
    if (input.relation != null) membership.relation = input.relation.trim();
    if (input.role != null) membership.role = input.role;
    await ctx.em.flush();
    this.deps.events.liveAccessChanged({ familyIds: [membership.family.id] });
    return membership;
  }

  async removeMember(
    ctx: Scope,
    grant: FamilyGrant<'MANAGE'>,
    membershipId: number,
  ): Promise<boolean> {
    await ctx.em.transactional(async (em) => {
      const membership = await em.findOne(
        Membership,
        { id: membershipId, family: grant.familyId },
        { fields: ['user'] },
      );
      if (membership === null) return;
      await em.nativeDelete(Membership, { id: membershipId });
      await revokeDevicesRegisteredBy(em, grant.familyId, membership.user.id);
    });
    // committed: cached device tokens of the family are dropped (on every API process)
    this.deps.events.devicesChanged(grant.familyId);
    this.deps.events.liveAccessChanged({ familyIds: [grant.familyId] });
    return true;
  }

  /** Leaves a family, or withdraws a pending request. The main user cannot leave their own family. */
  async leave(ctx: Scope, familyId: number): Promise<boolean> {
    const viewer = requireUser(ctx.viewer);
    if ((await ctx.access.standingIn(familyId)) === 'MAIN') {
      throw new ForbiddenError('The main user cannot leave their own family; delete it instead.');
    }
    const deleted = await ctx.em.transactional(async (em) => {
      const count = await em.nativeDelete(Membership, { family: familyId, user: viewer.userId });
      if (count > 0) await revokeDevicesRegisteredBy(em, familyId, viewer.userId);
      return count;
    });
    if (deleted === 0) throw new NotFoundError('Family', familyId);
    this.deps.events.devicesChanged(familyId);
    this.deps.events.liveAccessChanged({ familyIds: [familyId] });
    return true;
  }

  async addBackground(
    ctx: Scope,
    { familyId }: FamilyGrant<'MANAGE'>,
    fileId: string,
  ): Promise<FamilyBackground> {
    await this.deps.files.reference(ctx.em, {
      fileId,
      familyId,
      purpose: FilePurpose.FAMILY_BACKGROUND,
      field: 'fileId',
    });
    const background = ctx.em.create(FamilyBackground, {
      family: ctx.em.getReference(Family, familyId),
      fileId,
    });
    await ctx.em.flush();
    return background;
  }

  async removeBackground(
    ctx: Scope,
    grant: FamilyGrant<'MANAGE'>,
    backgroundId: number,
  ): Promise<boolean> {
    await ctx.em.nativeDelete(FamilyBackground, { id: backgroundId, family: grant.familyId });
    return true;
  }
}
