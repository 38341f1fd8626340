import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireDevice } from '../../auth/access.js';
import { FamilyAccess } from '../../auth/family-access.js';
import type { Context } from '../../context.js';
import { NotFoundError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import { CarebotSettings } from '../settings/settings.entity.js';
import { DeviceRegistration, RegisterDeviceArgs } from './device.types.js';

@Resolver()
export class DeviceResolver {
  @Authorized()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => DeviceRegistration, {
    description:
      'Registers a Carebot for a family (MANAGER). The token is shown only in this answer.',
  })
  registerDevice(
    @Args() { familyId, name, currentPassword }: RegisterDeviceArgs,
    @Ctx() ctx: Context,
  ): Promise<DeviceRegistration> {
    return ctx.app.services.device.register(
      ctx,
      parseId(familyId, 'Family'),
      name,
      currentPassword,
    );
  }

  @Authorized()
  @FamilyAccess('MANAGE', { deviceArg: 'id' })
  @Mutation(() => Boolean, {
    description: 'Revokes a device (MANAGER): its token stops working at once.',
  })
  revokeDevice(
    @Arg('id', () => ID, { description: 'The device.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.device.revoke(ctx, parseId(id, 'Device'));
  }

  @Query(() => CarebotSettings, {
    description: "For a Carebot device: its family's current settings.",
  })
  async deviceSettings(@Ctx() ctx: Context): Promise<CarebotSettings> {
    const device = requireDevice(ctx.viewer);
    const settings = await ctx.loaders.settingsByFamily.load(device.familyId);
    if (settings === null) throw new NotFoundError('CarebotSettings', device.familyId);
    return settings;
  }
}
