import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { canSeePersonalDetails } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { DateScalar } from '../../graphql/scalars.js';
import { masterRegion, subRegion } from '../region/regions.js';
import { Address } from './account.types.js';
import { Gender, User } from './user.entity.js';

/** Personal details: null unless the viewer may see them (the user, admins). */
@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: 'E-mail address (only for the user, their family managers and admins).',
  })
  email(@Root() user: User, @Ctx() ctx: Context): string | null {
    return canSeePersonalDetails(ctx.viewer, user.id) ? user.email : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Phone number (same visibility as email).',
  })
  phone(@Root() user: User, @Ctx() ctx: Context): string | null {
    return canSeePersonalDetails(ctx.viewer, user.id) ? user.phone : null;
  }

  @FieldResolver(() => DateScalar, {
    nullable: true,
    description: 'Date of birth (same visibility as email).',
  })
  birthDate(@Root() user: User, @Ctx() ctx: Context): string | null {
    return canSeePersonalDetails(ctx.viewer, user.id) ? user.birthDate : null;
  }

  @FieldResolver(() => Gender, {
    nullable: true,
    description: 'Gender (same visibility as email).',
  })
  gender(@Root() user: User, @Ctx() ctx: Context): Gender | null {
    return canSeePersonalDetails(ctx.viewer, user.id) ? user.gender : null;
  }

  @FieldResolver(() => Address, {
    nullable: true,
    description: 'Home address (same visibility as email).',
  })
  address(@Root() user: User, @Ctx() ctx: Context): Address | null {
    if (!canSeePersonalDetails(ctx.viewer, user.id)) return null;
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
  suspendedUntil(@Root() user: User, @Ctx() ctx: Context): Date | null {
    return canSeePersonalDetails(ctx.viewer, user.id) ? user.suspendedUntil : null;
  }
}
