import type { FamilyGrant } from '../../auth/access.js';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import { CarebotSettings } from './settings.entity.js';
import { thresholdsOf } from './settings.service.js';
import { CarebotThresholds, UpdateSettingsInput } from './settings.types.js';
import { familyData, openData } from '../../auth/type-access.js';

@Resolver(() => CarebotSettings)
export class SettingsResolver {
  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => CarebotSettings, {
    description: "Changes a family's Carebot settings (MANAGER).",
  })
  updateSettings(
    @Arg('familyId', () => ID, { description: 'The family.' }) familyId: string,
    @Arg('input', () => UpdateSettingsInput, { description: 'The changes.' })
    input: UpdateSettingsInput,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<CarebotSettings> {
    return ctx.app.services.settings.update(ctx, grant, input);
  }

  @FieldResolver(() => CarebotThresholds, { description: 'Alert thresholds.' })
  thresholds(@Root() settings: CarebotSettings): CarebotThresholds {
    return thresholdsOf(settings);
  }
}

familyData(CarebotSettings, { familyOf: (settings) => settings.family.id, read: 'READ' });
openData(CarebotThresholds, 'part of CarebotSettings, reached only through it');
