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
  const found = await findDevice(em, hashToken(token));
  if (found === null) return null;
  await touch(() => em, found, now);
  return found.viewer;
}

interface FoundDevice {
  viewer: DeviceViewer;
  lastSeenAt: Date | null;
}

async function findDevice(em: EntityManager, tokenHash: string): Promise<FoundDevice | null> {
  const device = await em.findOne(Device, { tokenHash, revokedAt: null });
  if (device === null) return null;
  return {
    viewer: {
      kind: 'device',
      deviceId: device.id,
      familyId: device.family.id,
      confirmed: device.confirmedAt !== null,
    },
    lastSeenAt: device.lastSeenAt,
  };
}

/** Records that the device was seen, at most once a minute (SESSION_POLICY.touchEveryMs). */
async function touch(em: () => EntityManager, found: FoundDevice, now: Date): Promise<void> {
  if (
    found.lastSeenAt === null ||
    now.getTime() - found.lastSeenAt.getTime() >= SESSION_POLICY.touchEveryMs
  ) {
    await em().nativeUpdate(Device, { id: found.viewer.deviceId }, { lastSeenAt: now });
    found.lastSeenAt = now;
  }
}

/**
 * How long this process trusts a cached device without hearing of a change: the bound on how
 * late another API process applies a revocation when the pub/sub invalidation never reached it
 * (no `REDIS_URL`, or Redis lost the message).
 */
export const DEVICE_CACHE_TTL_MS = 10_000;

/** At most this many devices are cached; the oldest entry goes first. */
const DEVICE_CACHE_MAX = 10_000;

/**
 * Device tokens → devices, per API process, so a Carebot's report is not preceded by a lookup
 * of its token (HTTP operations only; live deliveries always re-check the database).
 *
 * Correctness: every change that can end or widen a device's access (revoke, confirm, a member
 * leaving, a family or account deleted) is announced with `EventBus.devicesChanged` after it
 * commits; the process that made it drops the family's entries before the mutation answers, and
 * the others when the pub/sub relay delivers it, at worst after {@link DEVICE_CACHE_TTL_MS}.
 * A lookup that overlapped an invalidation is not cached (generation check), so a read from
 * before a revocation cannot outlive it. Unknown tokens are never cached.
 */
export class DeviceCache {
  private readonly entries = new Map<string, FoundDevice & { expiresAt: number }>();
  private generation = 0;

  constructor(
    private readonly options: {
      ttlMs?: number;
      /**
       * The application's clock: entries expire by it and `lastSeenAt` follows it (tests move
       * it); the system clock by default.
       */
      clock?: () => Date;
    } = {},
  ) {}

  /**
   * {@link authenticateDevice}, answered from the cache when it can be. `em` may be given as the
   * way to make it: a cached device seen within the minute needs none.
   */
  async authenticate(
    em: EntityManager | (() => EntityManager),
    token: string,
  ): Promise<DeviceViewer | null> {
    if (!looksLikeToken(token)) return null;
    const now = this.options.clock?.() ?? new Date();
    const emOf = typeof em === 'function' ? em : () => em;
    const key = hashToken(token);
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.expiresAt > now.getTime()) {
      await touch(emOf, cached, now);
      return cached.viewer;
    }
    this.entries.delete(key);
    const generation = this.generation;
    const found = await findDevice(emOf(), key);
    if (found === null) return null;
    // a lookup that overlapped an invalidation may have read the old state: used once, not kept
    if (generation === this.generation) {
      if (this.entries.size >= DEVICE_CACHE_MAX)
        this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, {
        ...found,
        expiresAt: now.getTime() + (this.options.ttlMs ?? DEVICE_CACHE_TTL_MS),
      });
    }
    await touch(emOf, this.entries.get(key) ?? found, now);
    return found.viewer;
  }

  /** Drops the cached devices of a family (null: of every family). */
  invalidate(familyId: number | null): void {
    this.generation += 1;
    if (familyId === null) {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries)
      if (entry.viewer.familyId === familyId) this.entries.delete(key);
  }
}
