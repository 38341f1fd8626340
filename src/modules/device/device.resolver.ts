import type { FamilyGrant } from '../../auth/access.js';
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireDevice } from '../../auth/access.js';
import { DeviceOnly, FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import { NotFoundError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import { CarebotSettings } from '../settings/settings.entity.js';
import { DeviceRegistration, RegisterDeviceArgs } from './device.types.js';
import { Device } from './device.entity.js';
import { familyData, openData } from '../../auth/type-access.js';

@Resolver()
export class DeviceResolver {
  @SignedIn()
  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => DeviceRegistration, {
    description:
      'Registers a Carebot for a family (MANAGER). The token is shown only in this answer.',
  })
  registerDevice(
    @Args() { name, currentPassword }: RegisterDeviceArgs,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<DeviceRegistration> {
    return ctx.app.services.device.register(ctx, grant, name, currentPassword);
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { deviceArg: 'id' })
  @Mutation(() => Boolean, {
    description: 'Revokes a device (MANAGER): its token stops working at once.',
  })
  revokeDevice(
    @Arg('id', () => ID, { description: 'The device.' }) id: string,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.device.revoke(ctx, grant, parseId(id, 'Device'));
  }

  @SignedIn()
  @FamilyAccess('OWN', { deviceArg: 'id' })
  @Mutation(() => Device, {
    description:
      "Lets a device registered by a manager act for the elder: read and send the elder's messages and talk in the elder's conversations (main user only).",
  })
  confirmDevice(
    @Arg('id', () => ID, { description: 'The device.' }) id: string,
    @Grant() grant: FamilyGrant<'OWN'>,
    @Ctx() ctx: Context,
  ): Promise<Device> {
    return ctx.app.services.device.confirm(ctx, grant, parseId(id, 'Device'));
  }

  @DeviceOnly()
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

familyData(Device, { familyOf: (device) => device.family.id, read: 'VIEW' });
openData(DeviceRegistration, 'returned once, to the manager who registered the device');
