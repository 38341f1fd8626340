import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { FamilyAccess } from '../../auth/family-access.js';
import type { Context } from '../../context.js';
import { parseId } from '../../graphql/ids.js';
import { CarebotSettings } from './settings.entity.js';
import { thresholdsOf } from './settings.service.js';
import { CarebotThresholds, UpdateSettingsInput } from './settings.types.js';

@Resolver(() => CarebotSettings)
export class SettingsResolver {
  @Authorized()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => CarebotSettings, {
    description: "Changes a family's Carebot settings (MANAGER).",
  })
  updateSettings(
    @Arg('familyId', () => ID, { description: 'The family.' }) familyId: string,
    @Arg('input', () => UpdateSettingsInput, { description: 'The changes.' })
    input: UpdateSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<CarebotSettings> {
    return ctx.app.services.settings.update(ctx, parseId(familyId, 'Family'), input);
  }

  @FieldResolver(() => CarebotThresholds, { description: 'Alert thresholds.' })
  thresholds(@Root() settings: CarebotSettings): CarebotThresholds {
    return thresholdsOf(settings);
  }
}
