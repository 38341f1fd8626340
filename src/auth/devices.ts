import type { EntityManager } from '../database/orm.js';
import { Device } from '../modules/device/device.entity.js';
import { SESSION_POLICY } from './sessions.js';
import { hashToken, looksLikeToken } from './tokens.js';
import type { DeviceViewer } from './viewer.js';

/**
 * The device behind a device token, or `null` when the token is unknown or revoked. Records
 * `lastSeenAt`, writing at most once a minute.
 */
export async function authenticateDevice(
  em: EntityManager,
  token: string,
  now = new Date(),
): Promise<DeviceViewer | null> {
  if (!looksLikeToken(token)) return null;
  const device = await em.findOne(Device, { tokenHash: hashToken(token), revokedAt: null });
  if (device === null) return null;
  if (
    device.lastSeenAt === null ||
    now.getTime() - device.lastSeenAt.getTime() >= SESSION_POLICY.touchEveryMs
  ) {
    await em.nativeUpdate(Device, { id: device.id }, { lastSeenAt: now });
  }
  return {
    kind: 'device',
    deviceId: device.id,
    familyId: device.family.id,
    confirmed: device.confirmedAt !== null,
  };
}
