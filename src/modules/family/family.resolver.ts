import type { FamilyGrant } from '../../auth/access.js';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import { parseId } from '../../graphql/ids.js';
import { User, UserRole } from '../account/user.entity.js';
import { Device } from '../device/device.entity.js';
import { CarebotSettings } from '../settings/settings.entity.js';
import { FamilyBackground } from './family-background.entity.js';
import { Family } from './family.entity.js';
import {
  AcceptInviteArgs,
  AddBackgroundArgs,
  CreateFamilyInput,
  CreateInviteArgs,
  DeleteFamilyArgs,
  FindFamiliesInput,
  MembersArgs,
  RequestToJoinArgs,
  UpdateFamilyInput,
  UpdateMembershipInput,
} from './family.inputs.js';
import { FamilyCandidate, FamilyInviteCode } from './family.types.js';
import { Membership, type MembershipStatus } from './membership.entity.js';
import { familyData, openData } from '../../auth/type-access.js';
import type { Plain } from '../../database/plain.js';

@Resolver(() => Family)
export class FamilyResolver {
  @SignedIn(UserRole.MAIN)
  @Mutation(() => Family, {
    description: "Creates the main user's family (one each) with default Carebot settings.",
  })
  createFamily(
    @Arg('input', () => CreateFamilyInput, { description: 'The new family.' })
    input: CreateFamilyInput,
    @Ctx() ctx: Context,
  ): Promise<Family> {
    return ctx.app.services.family.create(ctx, input);
  }

  @FamilyAccess('VIEW', { familyArg: 'id' })
  @Query(() => Family, {
    nullable: true,
    description: "One of the viewer's families; any other id is NOT_FOUND.",
  })
  family(
    @Arg('id', () => ID, { description: 'The family.' }) id: string,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<Family> {
    return ctx.app.services.family.get(ctx, grant);
  }

  @SignedIn()
  @Query(() => [Family], { description: 'Every family the viewer owns or is an ACTIVE member of.' })
  myFamilies(@Ctx() ctx: Context): Promise<Family[]> {
    return ctx.app.services.family.mine(ctx);
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'id' })
  @Mutation(() => Family, { description: 'Renames a family or changes its memo (MANAGER).' })
  updateFamily(
    @Arg('id', () => ID, { description: 'The family.' }) id: string,
    @Arg('input', () => UpdateFamilyInput, { description: 'The changes.' })
    input: UpdateFamilyInput,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<Family> {
    return ctx.app.services.family.update(ctx, grant, input);
  }

  @SignedIn()
  @FamilyAccess('OWN', { familyArg: 'id' })
  @Mutation(() => Boolean, {
    description:
      'Deletes a family and everything of it (main user only; type the family name to confirm).',
  })
  deleteFamily(
    @Args() { confirmFamilyName, currentPassword }: DeleteFamilyArgs,
    @Grant() grant: FamilyGrant<'OWN'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.delete(ctx, grant, confirmFamilyName, currentPassword);
  }

  @SignedIn()
  @Query(() => [FamilyCandidate], {
    description:
      "Finds an elder's family from what a relative knows (names masked). Rate limited per IP.",
  })
  findFamilies(
    @Arg('input', () => FindFamiliesInput, { description: 'What you know about the elder.' })
    input: FindFamiliesInput,
    @Ctx() ctx: Context,
  ): Promise<FamilyCandidate[]> {
    return ctx.app.services.family.find(ctx, input);
  }

  @SignedIn(UserRole.MEMBER)
  @Mutation(() => Membership, {
    description:
      "Asks to join a family (PENDING until a manager approves). The main user's name must match.",
  })
  requestToJoinFamily(
    @Args() { familyId, mainUserName, relation }: RequestToJoinArgs,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return ctx.app.services.family.requestToJoin(
      ctx,
      parseId(familyId, 'Family'),
      mainUserName,
      relation,
    );
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { membershipArg: 'id' })
  @Mutation(() => Membership, { description: 'Approves a pending request (MANAGER).' })
  approveMembership(
    @Arg('id', () => ID, { description: 'The pending membership.' }) id: string,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return ctx.app.services.family.approve(ctx, grant, parseId(id, 'Membership'));
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { membershipArg: 'id' })
  @Mutation(() => Boolean, { description: 'Rejects a pending request (MANAGER).' })
  rejectMembership(
    @Arg('id', () => ID, { description: 'The pending membership.' }) id: string,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.reject(ctx, grant, parseId(id, 'Membership'));
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => FamilyInviteCode, {
    description: 'Creates a single-use invitation code valid for 72 hours (MANAGER).',
  })
  createFamilyInvite(
    @Args() { role }: CreateInviteArgs,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<FamilyInviteCode> {
    return ctx.app.services.family.createInvite(ctx, grant, role);
  }

  @SignedIn(UserRole.MEMBER)
  @Mutation(() => Membership, {
    description: 'Joins a family with an invitation code (ACTIVE at once).',
  })
  acceptFamilyInvite(
    @Args() { code, relation }: AcceptInviteArgs,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return ctx.app.services.family.acceptInvite(ctx, code, relation);
  }

  @SignedIn()
  @Mutation(() => Membership, {
    description:
      'Changes a membership: managers change role and relation; a member their own relation.',
  })
  updateMembership(
    @Arg('id', () => ID, { description: 'The membership.' }) id: string,
    @Arg('input', () => UpdateMembershipInput, { description: 'The changes.' })
    input: UpdateMembershipInput,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return ctx.app.services.family.updateMembership(ctx, parseId(id, 'Membership'), input);
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { membershipArg: 'membershipId' })
  @Mutation(() => Boolean, { description: 'Removes a member or a pending request (MANAGER).' })
  removeMember(
    @Arg('membershipId', () => ID, { description: 'The membership.' }) membershipId: string,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.removeMember(ctx, grant, parseId(membershipId, 'Membership'));
  }

  @SignedIn()
  @Mutation(() => Boolean, {
    description: 'Leaves a family, or withdraws a pending request to join it.',
  })
  leaveFamily(
    @Arg('familyId', () => ID, { description: 'The family.' }) familyId: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.leave(ctx, parseId(familyId, 'Family'));
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => FamilyBackground, { description: 'Adds a background picture (MANAGER).' })
  addFamilyBackground(
    @Args() { fileId }: AddBackgroundArgs,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<FamilyBackground> {
    return ctx.app.services.family.addBackground(ctx, grant, fileId);
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { backgroundArg: 'id' })
  @Mutation(() => Boolean, { description: 'Removes a background picture (MANAGER).' })
  removeFamilyBackground(
    @Arg('id', () => ID, { description: 'The background.' }) id: string,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.removeBackground(ctx, grant, parseId(id, 'FamilyBackground'));
  }

  // The fields below reach a family's contents; a pending member sees the family's name only.

  @FieldResolver(() => User, { description: 'The elder who owns the family.' })
  async mainUser(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(family.mainUser.id);
  }

  @FieldResolver(() => [Membership], {
    description: 'Memberships, oldest first (the main user is `mainUser`, not listed).',
  })
  async members(
    @Root() family: Plain<Family>,
    @Args() { status }: MembersArgs,
    @Ctx() ctx: Context,
  ): Promise<Membership[]> {
    const memberships = await ctx.loaders.membershipsByFamily.load(family.id);
    return status == null
      ? memberships
      : memberships.filter((membership) => (membership.status as MembershipStatus) === status);
  }

  @FieldResolver(() => CarebotSettings, { description: "The family's Carebot settings." })
  async settings(
    @Root() family: Plain<Family>,
    @Ctx() ctx: Context,
  ): Promise<CarebotSettings | null> {
    return ctx.loaders.settingsByFamily.load(family.id);
  }

  @FieldResolver(() => [Device], { description: 'Registered (not revoked) Carebot devices.' })
  async devices(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<Device[]> {
    return ctx.loaders.devicesByFamily.load(family.id);
  }

  @FieldResolver(() => [FamilyBackground], { description: 'Background pictures.' })
  async backgrounds(
    @Root() family: Plain<Family>,
    @Ctx() ctx: Context,
  ): Promise<FamilyBackground[]> {
    return ctx.loaders.backgroundsByFamily.load(family.id);
  }
}

// A pending applicant knows the family by id and name only (SPEC §1); the rest is VIEW.
familyData(Family, {
  familyOf: (family) => family.id,
  read: 'VIEW',
  fields: { id: 'IDENTIFY', familyName: 'IDENTIFY' },
});
familyData(FamilyBackground, { familyOf: (background) => background.family.id, read: 'VIEW' });
openData('FamilyInvite', 'returned once, to the manager who created the code');
openData(FamilyCandidate, 'a masked search result (findFamilies), shown to any signed-in user');
