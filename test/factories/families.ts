import { openSession } from '../../src/auth/sessions.js';
import { hashToken, newToken } from '../../src/auth/tokens.js';
import { User, UserRole } from '../../src/modules/account/user.entity.js';
import { Device } from '../../src/modules/device/device.entity.js';
import { Family } from '../../src/modules/family/family.entity.js';
import {
  FamilyRole,
  Membership,
  MembershipStatus,
} from '../../src/modules/family/membership.entity.js';
import { CarebotSettings } from '../../src/modules/settings/settings.entity.js';
import type { SeedTarget } from '../helpers/test-server.js';
import { createUser, type TestUser } from './users.js';

export interface TestMember extends TestUser {
  membership: Membership;
}

export interface TestFamily {
  family: Family;
  main: TestUser;
  managers: TestMember[];
  caregivers: TestMember[];
  pending: TestMember[];
  device: { device: Device; token: string; headers: { authorization: string } };
}

async function addMember(
  t: SeedTarget,
  familyId: number,
  role: FamilyRole,
  status: MembershipStatus,
): Promise<TestMember> {
  const member = await createUser(t, { role: UserRole.MEMBER });
  const em = t.server.app.orm.em.fork();
  const membership = em.create(Membership, {
    family: em.getReference(Family, familyId),
    user: em.getReference(User, member.user.id),
    relation: role === FamilyRole.MANAGER ? 'son' : 'care worker',
    role,
    status,
  });
  await em.flush();
  return { ...member, membership };
}

/** A family with its main user, members of each kind and one device, written straight to the database. */
export async function createFamily(
  t: SeedTarget,
  options: {
    managers?: number;
    caregivers?: number;
    pending?: number;
    familyName?: string;
    mainName?: string;
  } = {},
): Promise<TestFamily> {
  const main = await createUser(t, {
    role: UserRole.MAIN,
    ...(options.mainName === undefined ? {} : { name: options.mainName }),
  });
  const em = t.server.app.orm.em.fork();
  const family = em.create(Family, {
    familyName: options.familyName ?? `Family of ${main.user.name}`,
    mainUser: em.getReference(User, main.user.id),
  });
  em.create(CarebotSettings, { family });
  const token = newToken();
  // as if the main user registered it: confirmed, acting for the elder
  const device = em.create(Device, {
    family,
    name: 'Living room',
    tokenHash: hashToken(token),
    registeredBy: em.getReference(User, main.user.id),
    confirmedAt: new Date(),
  });
  await em.flush();
  const result: TestFamily = {
    family,
    main,
    managers: [],
    caregivers: [],
    pending: [],
    device: { device, token, headers: { authorization: `Device ${token}` } },
  };
  for (let i = 0; i < (options.managers ?? 0); i += 1)
    result.managers.push(
      await addMember(t, family.id, FamilyRole.MANAGER, MembershipStatus.ACTIVE),
    );
  for (let i = 0; i < (options.caregivers ?? 0); i += 1)
    result.caregivers.push(
      await addMember(t, family.id, FamilyRole.CAREGIVER, MembershipStatus.ACTIVE),
    );
  for (let i = 0; i < (options.pending ?? 0); i += 1)
    result.pending.push(
      await addMember(t, family.id, FamilyRole.CAREGIVER, MembershipStatus.PENDING),
    );
  return result;
}

/** A session for an existing user (e.g. a "remember me" one). */
export async function sessionFor(
  t: SeedTarget,
  userId: number,
  remember: boolean,
  loggedInAt = new Date(),
): Promise<{ authorization: string }> {
  const em = t.server.app.orm.em.fork();
  const user = await em.findOneOrFail(User, { id: userId });
  const { token } = openSession(em, user, { remember }, loggedInAt);
  await em.flush();
  return { authorization: `Bearer ${token}` };
}
