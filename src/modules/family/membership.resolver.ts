import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { User } from '../account/user.entity.js';
import { Family } from './family.entity.js';
import { Membership } from './membership.entity.js';
import { familyData } from '../../auth/type-access.js';
import type { Plain } from '../../database/plain.js';

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => Family, { description: 'The family.' })
  family(@Root() membership: Plain<Membership>, @Ctx() ctx: Context): Promise<Family | null> {
    return ctx.loaders.family.load(membership.family.id);
  }

  @FieldResolver(() => User, { description: 'The member.' })
  user(@Root() membership: Plain<Membership>, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(membership.user.id);
  }
}

familyData(Membership, {
  familyOf: (membership) => membership.family.id,
  read: 'VIEW',
  subjects: (membership) => [membership.user.id],
  subjectNote: 'the member themself, also while PENDING',
});
