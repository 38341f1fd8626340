import { type FamilyGrant, requireUser } from '../../auth/access.js';
import { requireRecentAuthentication } from '../../auth/reauth.js';
import { hashToken, newToken } from '../../auth/tokens.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { Device } from './device.entity.js';

/** Carebot devices of a family (SPEC §5 "Devices and reports": registration). */
export class DeviceService {
  constructor(private readonly deps: { events: EventBus }) {}

  /**
   * The token is returned once; only its hash is stored. Registered by the main user, the device
   * is confirmed at once; registered by a manager, it waits for the main user's confirmation
   * before it acts for the elder.
   */
  async register(
    ctx: Scope,
    { familyId, standing }: FamilyGrant<'MANAGE'>,
    name: string,
    currentPassword: string | null | undefined,
  ): Promise<{ device: Device; token: string }> {
    const viewer = requireUser(ctx.viewer);
    await requireRecentAuthentication(ctx.em, viewer, currentPassword);
    const token = newToken();
    const device = ctx.em.create(Device, {
      family: ctx.em.getReference(Family, familyId),
      name: name.trim(),
      tokenHash: hashToken(token),
      registeredBy: ctx.em.getReference(User, viewer.userId),
      confirmedAt: standing === 'MAIN' ? new Date() : null,
    });
    await ctx.em.flush();
    return { device, token };
  }

  /** The main user lets the device act for them (messages, conversations). Idempotent. */
  async confirm(ctx: Scope, grant: FamilyGrant<'OWN'>, deviceId: number): Promise<Device> {
    await ctx.em.nativeUpdate(
      Device,
      { id: deviceId, family: grant.familyId, confirmedAt: null },
      { confirmedAt: new Date() },
    );
    // cached device tokens carry the confirmation: dropped on every API process
    this.deps.events.devicesChanged(grant.familyId);
    return ctx.em.findOneOrFail(
      Device,
      { id: deviceId, family: grant.familyId },
      { refresh: true },
    );
  }

  /** The device can no longer authenticate. */
  async revoke(ctx: Scope, grant: FamilyGrant<'MANAGE'>, deviceId: number): Promise<boolean> {
    await ctx.em.nativeUpdate(
      Device,
      { id: deviceId, family: grant.familyId, revokedAt: null },
      { revokedAt: new Date() },
    );
    // the token stops working at once here, and on other API processes when they hear of it
    this.deps.events.devicesChanged(grant.familyId);
    return true;
  }
}
