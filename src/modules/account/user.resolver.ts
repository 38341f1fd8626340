import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { DateScalar } from '../../graphql/scalars.js';
import { masterRegion, subRegion } from '../region/regions.js';
import { Address } from './account.types.js';
import { Gender, User } from './user.entity.js';
import { openData } from '../../auth/type-access.js';

/** Personal details: null unless the viewer may see them (the user, admins). */
@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: 'E-mail address (only for the user, their family managers and admins).',
  })
  async email(@Root() user: User, @Ctx() ctx: Context): Promise<string | null> {
    return (await ctx.access.canSeePersonalDetails(user.id)) ? user.email : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Phone number (same visibility as email).',
  })
  async phone(@Root() user: User, @Ctx() ctx: Context): Promise<string | null> {
    return (await ctx.access.canSeePersonalDetails(user.id)) ? user.phone : null;
  }

  @FieldResolver(() => DateScalar, {
    nullable: true,
    description: 'Date of birth (same visibility as email).',
  })
  async birthDate(@Root() user: User, @Ctx() ctx: Context): Promise<string | null> {
    return (await ctx.access.canSeePersonalDetails(user.id)) ? user.birthDate : null;
  }

  @FieldResolver(() => Gender, {
    nullable: true,
    description: 'Gender (same visibility as email).',
  })
  async gender(@Root() user: User, @Ctx() ctx: Context): Promise<Gender | null> {
    return (await ctx.access.canSeePersonalDetails(user.id)) ? user.gender : null;
  }

  @FieldResolver(() => Address, {
    nullable: true,
    description: 'Home address (same visibility as email).',
  })
  async address(@Root() user: User, @Ctx() ctx: Context): Promise<Address | null> {
    if (!(await ctx.access.canSeePersonalDetails(user.id))) return null;
    if (user.masterRegionCode === null || user.subRegionCode === null) return null;
    return {
      masterRegionCode: user.masterRegionCode,
      masterRegionName: masterRegion(user.masterRegionCode)?.name ?? null,
      subRegionCode: user.subRegionCode,
      subRegionName: subRegion(user.subRegionCode)?.name ?? null,
      detail: user.addressDetail,
    };
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'Suspended until this time (visible to the user and admins).',
  })
  async suspendedUntil(@Root() user: User, @Ctx() ctx: Context): Promise<Date | null> {
    return (await ctx.access.canSeePersonalDetails(user.id)) ? user.suspendedUntil : null;
  }
}

openData(
  User,
  'id, name and role go to whoever reaches the user; email, phone, birthDate, gender, address and suspendedUntil only to the user, admins and managers of their families (Access.canSeePersonalDetails); avatar to whoever shares a family with them (Access.canSeeAvatar)',
);
openData(Address, "part of User, under the user's personal-details rule");
