import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { FamilyAccess } from '../../auth/family-access.js';
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

@Resolver(() => Family)
export class FamilyResolver {
  @Authorized(UserRole.MAIN)
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
    @Ctx() ctx: Context,
  ): Promise<Family> {
    return ctx.app.services.family.get(ctx, parseId(id, 'Family'));
  }

  @Authorized()
  @Query(() => [Family], { description: 'Every family the viewer owns or is an ACTIVE member of.' })
  myFamilies(@Ctx() ctx: Context): Promise<Family[]> {
    return ctx.app.services.family.mine(ctx);
  }

  @Authorized()
  @FamilyAccess('MANAGE', { familyArg: 'id' })
  @Mutation(() => Family, { description: 'Renames a family or changes its memo (MANAGER).' })
  updateFamily(
    @Arg('id', () => ID, { description: 'The family.' }) id: string,
    @Arg('input', () => UpdateFamilyInput, { description: 'The changes.' })
    input: UpdateFamilyInput,
    @Ctx() ctx: Context,
  ): Promise<Family> {
    return ctx.app.services.family.update(ctx, parseId(id, 'Family'), input);
  }

  @Authorized()
  @FamilyAccess('OWN', { familyArg: 'id' })
  @Mutation(() => Boolean, {
    description:
      'Deletes a family and everything of it (main user only; type the family name to confirm).',
  })
  deleteFamily(
    @Args() { id, confirmFamilyName, currentPassword }: DeleteFamilyArgs,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.delete(
      ctx,
      parseId(id, 'Family'),
      confirmFamilyName,
      currentPassword,
    );
  }

  @Authorized()
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

  @Authorized(UserRole.MEMBER)
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

  @Authorized()
  @FamilyAccess('MANAGE', { membershipArg: 'id' })
  @Mutation(() => Membership, { description: 'Approves a pending request (MANAGER).' })
  approveMembership(
    @Arg('id', () => ID, { description: 'The pending membership.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return ctx.app.services.family.approve(ctx, parseId(id, 'Membership'));
  }

  @Authorized()
  @FamilyAccess('MANAGE', { membershipArg: 'id' })
  @Mutation(() => Boolean, { description: 'Rejects a pending request (MANAGER).' })
  rejectMembership(
    @Arg('id', () => ID, { description: 'The pending membership.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.reject(ctx, parseId(id, 'Membership'));
  }

  @Authorized()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => FamilyInviteCode, {
    description: 'Creates a single-use invitation code valid for 72 hours (MANAGER).',
  })
  createFamilyInvite(
    @Args() { familyId, role }: CreateInviteArgs,
    @Ctx() ctx: Context,
  ): Promise<FamilyInviteCode> {
    return ctx.app.services.family.createInvite(ctx, parseId(familyId, 'Family'), role);
  }

  @Authorized(UserRole.MEMBER)
  @Mutation(() => Membership, {
    description: 'Joins a family with an invitation code (ACTIVE at once).',
  })
  acceptFamilyInvite(
    @Args() { code, relation }: AcceptInviteArgs,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return ctx.app.services.family.acceptInvite(ctx, code, relation);
  }

  @Authorized()
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

  @Authorized()
  @FamilyAccess('MANAGE', { membershipArg: 'membershipId' })
  @Mutation(() => Boolean, { description: 'Removes a member or a pending request (MANAGER).' })
  removeMember(
    @Arg('membershipId', () => ID, { description: 'The membership.' }) membershipId: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.removeMember(ctx, parseId(membershipId, 'Membership'));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Leaves a family, or withdraws a pending request to join it.',
  })
  leaveFamily(
    @Arg('familyId', () => ID, { description: 'The family.' }) familyId: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.leave(ctx, parseId(familyId, 'Family'));
  }

  @Authorized()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => FamilyBackground, { description: 'Adds a background picture (MANAGER).' })
  addFamilyBackground(
    @Args() { familyId, fileId }: AddBackgroundArgs,
    @Ctx() ctx: Context,
  ): Promise<FamilyBackground> {
    return ctx.app.services.family.addBackground(ctx, parseId(familyId, 'Family'), fileId);
  }

  @Authorized()
  @FamilyAccess('MANAGE', { backgroundArg: 'id' })
  @Mutation(() => Boolean, { description: 'Removes a background picture (MANAGER).' })
  removeFamilyBackground(
    @Arg('id', () => ID, { description: 'The background.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.family.removeBackground(ctx, parseId(id, 'FamilyBackground'));
  }

  // The fields below reach a family's contents; a pending member sees the family's name only.

  @FieldResolver(() => User, { description: 'The elder who owns the family.' })
  async mainUser(@Root() family: Family, @Ctx() ctx: Context): Promise<User | null> {
    await ctx.access.requireFamily(family.id, 'VIEW');
    return ctx.loaders.user.load(family.mainUser.id);
  }

  @FieldResolver(() => [Membership], {
    description: 'Memberships, oldest first (the main user is `mainUser`, not listed).',
  })
  async members(
    @Root() family: Family,
    @Args() { status }: MembersArgs,
    @Ctx() ctx: Context,
  ): Promise<Membership[]> {
    await ctx.access.requireFamily(family.id, 'VIEW');
    const memberships = await ctx.loaders.membershipsByFamily.load(family.id);
    return status == null
      ? memberships
      : memberships.filter((membership) => (membership.status as MembershipStatus) === status);
  }

  @FieldResolver(() => CarebotSettings, { description: "The family's Carebot settings." })
  async settings(@Root() family: Family, @Ctx() ctx: Context): Promise<CarebotSettings | null> {
    await ctx.access.requireFamily(family.id, 'VIEW');
    return ctx.loaders.settingsByFamily.load(family.id);
  }

  @FieldResolver(() => [Device], { description: 'Registered (not revoked) Carebot devices.' })
  async devices(@Root() family: Family, @Ctx() ctx: Context): Promise<Device[]> {
    await ctx.access.requireFamily(family.id, 'VIEW');
    return ctx.loaders.devicesByFamily.load(family.id);
  }

  @FieldResolver(() => [FamilyBackground], { description: 'Background pictures.' })
  async backgrounds(@Root() family: Family, @Ctx() ctx: Context): Promise<FamilyBackground[]> {
    await ctx.access.requireFamily(family.id, 'VIEW');
    return ctx.loaders.backgroundsByFamily.load(family.id);
  }
}
