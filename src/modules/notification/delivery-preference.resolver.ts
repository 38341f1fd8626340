import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { type FamilyGrant, requireUser } from '../../auth/access.js';
import { FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import { familyData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { Family } from '../family/family.entity.js';
import { DeliveryPreference } from './delivery-preference.entity.js';
import { DeliveryPreferenceInput } from './delivery-preference.inputs.js';

@Resolver()
export class DeliveryPreferenceResolver {
  // VIEW: any ACTIVE member (main user, manager, caregiver) for themself; a device is no user
  @SignedIn()
  @FamilyAccess('VIEW', { familyArg: 'familyId' })
  @Mutation(() => DeliveryPreference, {
    description:
      "Sets the caller's own delivery choices in a family: the lowest grade pushed live and e-mailed, and quiet hours.",
  })
  updateDeliveryPreference(
    @Arg('familyId', () => ID, { description: 'The family.' }) _familyId: string,
    @Arg('input', () => DeliveryPreferenceInput, { description: 'The changes.' })
    input: DeliveryPreferenceInput,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<DeliveryPreference> {
    const user = requireUser(ctx.viewer);
    return ctx.app.services.deliveryPreferences.update(ctx, grant, user.userId, input);
  }
}

@Resolver(() => Family)
export class FamilyDeliveryPreferenceResolver {
  @FieldResolver(() => DeliveryPreference, {
    description:
      "The caller's own delivery choices in this family (everything live, e-mails for CRIT only, no quiet hours until set).",
  })
  deliveryPreference(
    @Root() family: Plain<Family>,
    @Ctx() ctx: Context,
  ): Promise<DeliveryPreference> {
    const user = requireUser(ctx.viewer);
    return ctx.app.services.deliveryPreferences.preference(ctx.em, family.id, user.userId);
  }
}

familyData(DeliveryPreference, { familyOf: (preference) => preference.family.id, read: 'VIEW' });
