import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import { EmergencyContact, FamilyAlertPolicy } from '../src/modules/notification/alert.entities.js';
import { AlertState } from '../src/modules/notification/alert.enums.js';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gender, User, UserRole } from '../src/modules/account/user.entity.js';
import { Device } from '../src/modules/device/device.entity.js';
import { FamilyBackground } from '../src/modules/family/family-background.entity.js';
import { FamilyInvite } from '../src/modules/family/family-invite.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import {
  FamilyRole,
  Membership,
  MembershipStatus,
} from '../src/modules/family/membership.entity.js';
import { ActivityAction } from '../src/modules/report/report.enums.js';
import { RoutineRule } from '../src/modules/routine/routine.entities.js';
import { RoutineRuleKind } from '../src/modules/routine/routine.enums.js';
import { CarebotSettings } from '../src/modules/settings/settings.entity.js';
import {
  AcceptFamilyInviteDocument,
  AddFamilyBackgroundDocument,
  ApproveMembershipDocument,
  CreateRoutineRuleDocument,
  CreateFamilyDocument,
  CreateFamilyInviteDocument,
  DeleteFamilyDocument,
  DeleteRoutineRuleDocument,
  DeviceSettingsDocument,
  FamilyDocument,
  FamilyNameDocument,
  FindFamiliesDocument,
  LeaveFamilyDocument,
  MasterRegionsDocument,
  MyFamiliesDocument,
  RegisterDeviceDocument,
  RejectMembershipDocument,
  RemoveFamilyBackgroundDocument,
  RemoveMemberDocument,
  RequestToJoinFamilyAndPeekAtPeopleDocument,
  RequestToJoinFamilyAndPeekDocument,
  RequestToJoinFamilyDocument,
  RevokeDeviceDocument,
  SubRegionsDocument,
  UpdateFamilyDocument,
  UpdateMembershipDocument,
  UpdateCareSettingsDocument,
  UpdateSettingsDocument,
  SetAssessmentBandDocument,
  StartCareSessionDocument,
  StopCareSessionDocument,
} from './__generated__/graphql.js';
import { createReadyFile } from './factories/files.js';
import { createFamily, sessionFor, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import type { ReceivedError } from './helpers/test-server.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ TRUST_PROXY: 'true' });
});
afterAll(async () => {
  await t?.close();
});

const em = () => t.server.app.orm.em.fork();
let ip = 0;
const fromNewIp = (headers: Record<string, string>) => ({
  ...headers,
  'x-forwarded-for': `10.9.${Math.floor(++ip / 250)}.${ip % 250}`,
});

describe('createFamily', () => {
  it("creates the main user's family with default settings in one go", async () => {
    const main = await createUser(t, { role: UserRole.MAIN });
    const { createFamily: family } = await t.request(
      CreateFamilyDocument,
      { input: { familyName: ' 영희네 ', memo: 'lives alone' } },
      main.headers,
    );
    expect(family).toMatchObject({
      familyName: '영희네',
      memo: 'lives alone',
      mainUser: { id: String(main.user.id) },
    });
    expect(family.settings).toEqual({
      volume: 50,
      inactivityAlertHours: 12,
      thresholds: { temperatureMax: 35, heartRateMin: 45 },
    });
    expect(await em().count(CarebotSettings, { family: Number(family.id) })).toBe(1);
  });

  it('allows one family per main user, and only main users', async () => {
    const main = await createUser(t, { role: UserRole.MAIN });
    await t.request(CreateFamilyDocument, { input: { familyName: 'First' } }, main.headers);
    expect(
      codeOf(
        await t.requestErrors(
          CreateFamilyDocument,
          { input: { familyName: 'Second' } },
          main.headers,
        ),
      ),
    ).toBe('CONFLICT');
    expect(await em().count(Family, { mainUser: main.user.id })).toBe(1);
    const member = await createUser(t, { role: UserRole.MEMBER });
    expect(
      codeOf(
        await t.requestErrors(
          CreateFamilyDocument,
          { input: { familyName: 'Nope' } },
          member.headers,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(await t.requestErrors(CreateFamilyDocument, { input: { familyName: 'Nope' } })),
    ).toBe('UNAUTHENTICATED');
  });

  it('rejects a blank or over-long name with field errors and stores nothing', async () => {
    const main = await createUser(t, { role: UserRole.MAIN });
    const blank = await t.requestErrors(
      CreateFamilyDocument,
      { input: { familyName: '  ' } },
      main.headers,
    );
    expect(blank[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.familyName': 'must not be blank' },
    });
    const long = await t.requestErrors(
      CreateFamilyDocument,
      { input: { familyName: '가'.repeat(51) } },
      main.headers,
    );
    expect(long[0]?.extensions).toMatchObject({
      fields: { 'input.familyName': 'must be 1 to 50 characters long' },
    });
    expect(await em().count(Family, { mainUser: main.user.id })).toBe(0);
  });
});

describe('joining a family by request and approval', () => {
  it('finds the family with masked names, requests, waits, and is approved', async () => {
    const f = await createFamily(t, { managers: 1, mainName: '박순자' });
    const member = await createUser(t, { role: UserRole.MEMBER });
    const { findFamilies } = await t.request(
      FindFamiliesDocument,
      {
        input: {
          mainUserName: '박순자',
          birthDate: '1950-05-05',
          gender: 'FEMALE',
          subRegionCode: '11110',
        },
      },
      fromNewIp(member.headers),
    );
    // the factory's main users have no gender: nothing matches until it is right
    expect(findFamilies).toEqual([]);
    await em().nativeUpdate(User, { id: f.main.user.id }, { gender: Gender.FEMALE });
    const found = await t.request(
      FindFamiliesDocument,
      {
        input: {
          mainUserName: '박순자',
          birthDate: '1950-05-05',
          gender: 'FEMALE',
          subRegionCode: '11110',
        },
      },
      fromNewIp(member.headers),
    );
    expect(found.findFamilies).toContainEqual({
      familyId: String(f.family.id),
      familyName: f.family.familyName,
      mainUserMaskedName: '박*자',
    });

    // a wrong name answers like a family that does not exist: the elder's name is not confirmed
    const wrongName = await t.requestErrors(
      RequestToJoinFamilyDocument,
      { familyId: String(f.family.id), mainUserName: '박순재', relation: 'daughter' },
      member.headers,
    );
    const noSuchFamily = await t.requestErrors(
      RequestToJoinFamilyDocument,
      { familyId: '987654', mainUserName: '박순재', relation: 'daughter' },
      member.headers,
    );
    expect(codeOf(wrongName)).toBe('NOT_FOUND');
    expect(wrongName[0]?.message).toBe(
      noSuchFamily[0]?.message.replace('987654', String(f.family.id)),
    );

    const { requestToJoinFamily: request } = await t.request(
      RequestToJoinFamilyDocument,
      { familyId: String(f.family.id), mainUserName: '박순자', relation: 'daughter' },
      member.headers,
    );
    expect(request).toMatchObject({ status: 'PENDING', role: 'CAREGIVER', relation: 'daughter' });
    expect(
      codeOf(
        await t.requestErrors(
          RequestToJoinFamilyDocument,
          { familyId: String(f.family.id), mainUserName: '박순자', relation: 'again' },
          member.headers,
        ),
      ),
    ).toBe('CONFLICT');
    // pending is not a member yet
    expect(
      codeOf(
        await t.requestErrors(FamilyNameDocument, { id: String(f.family.id) }, member.headers),
      ),
    ).toBe('NOT_FOUND');
    expect((await t.request(MyFamiliesDocument, {}, member.headers)).myFamilies).toEqual([]);

    const approved = await t.request(
      ApproveMembershipDocument,
      { id: request.id },
      f.managers[0]!.headers,
    );
    expect(approved.approveMembership.status).toBe('ACTIVE');
    expect(
      (await t.request(FamilyNameDocument, { id: String(f.family.id) }, member.headers)).family
        ?.familyName,
    ).toBe(f.family.familyName);
    expect(
      codeOf(
        await t.requestErrors(
          ApproveMembershipDocument,
          { id: request.id },
          f.managers[0]!.headers,
        ),
      ),
    ).toBe('CONFLICT');
  });

  it('shows a pending applicant the family name and nothing else (no memo, no people)', async () => {
    const f = await createFamily(t, { mainName: '박순자', caregivers: 1 });
    await em().nativeUpdate(Family, { id: f.family.id }, { memo: 'door code 1234' });
    const ask = async (query: string) => {
      const member = await createUser(t);
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...member.headers },
        body: JSON.stringify({
          query,
          variables: { familyId: String(f.family.id), mainUserName: '박순자', relation: 'nephew' },
        }),
      });
      const text = await response.text();
      const body = JSON.parse(text) as {
        data: { requestToJoinFamily: { status: string; family: object } } | null;
        errors: ReceivedError[];
      };
      const refused: Record<string, unknown> = Object.fromEntries(
        body.errors.map((e) => [e.path?.slice(2).join('.') ?? '', e.extensions?.['code']] as const),
      );
      return { text, data: body.data, refused };
    };

    // the request goes through; the applicant sees which family they asked to join
    const memo = await ask(print(RequestToJoinFamilyAndPeekDocument));
    expect(memo.data?.requestToJoinFamily).toMatchObject({
      status: 'PENDING',
      family: { id: String(f.family.id), familyName: f.family.familyName, memo: null },
    });
    expect(memo.refused).toEqual({ memo: 'FORBIDDEN' });
    expect(memo.text).not.toContain('door code');

    const people = await ask(print(RequestToJoinFamilyAndPeekAtPeopleDocument));
    expect(people.refused).toMatchObject({ mainUser: 'FORBIDDEN' });
    expect(people.text).not.toContain('박순자');
    expect(people.text).not.toContain('care worker');
    expect(
      await em().count(Membership, { family: f.family.id, status: MembershipStatus.PENDING }),
    ).toBe(2);
  });

  it('limits requestToJoinFamily to 10 an hour per IP, like findFamilies', async () => {
    const f = await createFamily(t, { mainName: '박순자' });
    const member = await createUser(t);
    const headers = fromNewIp(member.headers);
    for (let i = 0; i < 10; i += 1) {
      const errors = await t.requestErrors(
        RequestToJoinFamilyDocument,
        { familyId: String(f.family.id), mainUserName: `guess ${i}`, relation: 'x' },
        headers,
      );
      expect(codeOf(errors)).toBe('NOT_FOUND');
    }
    const limited = await t.requestErrors(
      RequestToJoinFamilyDocument,
      { familyId: String(f.family.id), mainUserName: '박순자', relation: 'x' },
      headers,
    );
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(await em().count(Membership, { family: f.family.id })).toBe(0);
  });

  it('lets a manager reject a pending request', async () => {
    const f = await createFamily(t, { pending: 1 });
    expect(
      await t.request(
        RejectMembershipDocument,
        { id: String(f.pending[0]!.membership.id) },
        f.main.headers,
      ),
    ).toEqual({ rejectMembership: true });
    expect(await em().count(Membership, { id: f.pending[0]!.membership.id })).toBe(0);
  });

  it('answers NOT_FOUND for a family that does not exist and FORBIDDEN for a main user asking to join', async () => {
    const member = await createUser(t, { role: UserRole.MEMBER });
    expect(
      codeOf(
        await t.requestErrors(
          RequestToJoinFamilyDocument,
          { familyId: '999999', mainUserName: 'x', relation: 'x' },
          member.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    const otherMain = await createUser(t, { role: UserRole.MAIN });
    const f = await createFamily(t);
    expect(
      codeOf(
        await t.requestErrors(
          RequestToJoinFamilyDocument,
          { familyId: String(f.family.id), mainUserName: f.main.user.name, relation: 'x' },
          otherMain.headers,
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('limits findFamilies to 10 an hour per IP', async () => {
    const member = await createUser(t, { role: UserRole.MEMBER });
    const headers = fromNewIp(member.headers);
    const input = {
      mainUserName: 'x',
      birthDate: '1950-01-01',
      gender: 'MALE' as const,
      subRegionCode: '11110',
    };
    for (let i = 0; i < 10; i += 1) await t.request(FindFamiliesDocument, { input }, headers);
    expect(codeOf(await t.requestErrors(FindFamiliesDocument, { input }, headers))).toBe(
      'RATE_LIMITED',
    );
  });
});

describe('joining a family by invitation', () => {
  it('joins at once with the invited role; the code works once', async () => {
    const f = await createFamily(t, { managers: 1 });
    const { createFamilyInvite: invite } = await t.request(
      CreateFamilyInviteDocument,
      { familyId: String(f.family.id), role: 'MANAGER' },
      f.managers[0]!.headers,
    );
    expect(invite.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const member = await createUser(t, { role: UserRole.MEMBER });
    const { acceptFamilyInvite: joined } = await t.request(
      AcceptFamilyInviteDocument,
      { code: invite.code.toLowerCase().replace(/-/g, ' '), relation: 'nephew' },
      member.headers,
    );
    expect(joined).toMatchObject({
      status: 'ACTIVE',
      role: 'MANAGER',
      family: { id: String(f.family.id) },
    });
    const another = await createUser(t, { role: UserRole.MEMBER });
    const reuse = await t.requestErrors(
      AcceptFamilyInviteDocument,
      { code: invite.code, relation: 'x' },
      another.headers,
    );
    expect(reuse[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { code: 'is invalid, used or expired' },
    });
    expect(await em().count(Membership, { user: another.user.id })).toBe(0);
  });

  it('refuses an expired code and a code for a family one already belongs to (without using it up)', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const { createFamilyInvite: invite } = await t.request(
      CreateFamilyInviteDocument,
      { familyId: String(f.family.id), role: 'CAREGIVER' },
      f.main.headers,
    );
    expect(
      codeOf(
        await t.requestErrors(
          AcceptFamilyInviteDocument,
          { code: invite.code, relation: 'x' },
          f.caregivers[0]!.headers,
        ),
      ),
    ).toBe('CONFLICT');
    expect(await em().count(FamilyInvite, { family: f.family.id, usedAt: null })).toBe(1);
    await em().nativeUpdate(
      FamilyInvite,
      { family: f.family.id },
      { expiresAt: new Date(Date.now() - 1000) },
    );
    const member = await createUser(t, { role: UserRole.MEMBER });
    expect(
      codeOf(
        await t.requestErrors(
          AcceptFamilyInviteDocument,
          { code: invite.code, relation: 'x' },
          member.headers,
        ),
      ),
    ).toBe('BAD_USER_INPUT');
  });
});

type Role =
  | 'main'
  | 'manager'
  | 'caregiver'
  | 'pending'
  | 'stranger'
  | 'otherMember'
  | 'device'
  | 'otherDevice'
  | 'admin'
  | 'anonymous';
const ROLES: Role[] = [
  'main',
  'manager',
  'caregiver',
  'pending',
  'stranger',
  'otherMember',
  'device',
  'otherDevice',
  'admin',
  'anonymous',
];

async function headersFor(f: TestFamily, role: Role): Promise<Record<string, string>> {
  switch (role) {
    case 'otherMember':
      return (await createFamily(t, { managers: 1 })).managers[0]!.headers;
    case 'otherDevice':
      return (await createFamily(t)).device.headers;
    case 'anonymous':
      return {};
    case 'main':
      return f.main.headers;
    case 'manager':
      return f.managers[0]!.headers;
    case 'caregiver':
      return f.caregivers[0]!.headers;
    case 'pending':
      return f.pending[0]!.headers;
    case 'stranger':
      return (await createUser(t)).headers;
    case 'device':
      return f.device.headers;
    case 'admin':
      return (await createUser(t, { role: UserRole.ADMIN })).headers;
  }
}

/** Every row of a family that an operation of the matrix could change. */
async function familyState(familyId: number): Promise<unknown> {
  const e = em();
  const plain = (rows: object[]) => JSON.parse(JSON.stringify(rows)) as unknown;
  const family = await e.findOne(Family, { id: familyId }, { fields: ['familyName', 'memo'] });
  return {
    family: family === null ? null : { name: family.familyName, memo: family.memo },
    memberships: plain(
      await e.find(
        Membership,
        { family: familyId },
        { orderBy: { id: 'asc' }, fields: ['user', 'role', 'status', 'relation'] },
      ),
    ),
    devices: plain(
      await e.find(
        Device,
        { family: familyId },
        { orderBy: { id: 'asc' }, fields: ['name', 'revokedAt'] },
      ),
    ),
    settings: plain(await e.find(CarebotSettings, { family: familyId })),
    backgrounds: plain(
      await e.find(FamilyBackground, { family: familyId }, { orderBy: { id: 'asc' } }),
    ),
    invites: await e.count(FamilyInvite, { family: familyId }),
    alertPolicy: plain(await e.find(FamilyAlertPolicy, { family: familyId })),
  };
}

describe('the family policy, role by role', () => {
  type Outcome = 'ok' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED';
  const deny = {
    pending: 'NOT_FOUND',
    stranger: 'NOT_FOUND',
    otherMember: 'NOT_FOUND',
    device: 'FORBIDDEN',
    // user operations refuse any device before looking at the family
    otherDevice: 'FORBIDDEN',
    admin: 'NOT_FOUND',
    anonymous: 'UNAUTHENTICATED',
  } as const;
  const operations: {
    name: string;
    expected: Record<Role, Outcome>;
    /** Prepares what `run` acts on, before the family's state is taken. */
    setup?: (f: TestFamily) => Promise<number>;
    run: (f: TestFamily, headers: Record<string, string>, prepared: number) => Promise<unknown>;
  }[] = [
    {
      name: 'family (read)',
      // `family` is not a user-only operation: another family's device is simply outside it
      expected: { main: 'ok', manager: 'ok', caregiver: 'ok', ...deny, otherDevice: 'NOT_FOUND' },
      run: (f, h) => t.request(FamilyDocument, { id: String(f.family.id) }, h),
    },
    {
      name: 'updateFamily',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(UpdateFamilyDocument, { id: String(f.family.id), input: { memo: 'changed' } }, h),
    },
    {
      name: 'createFamilyInvite',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(
          CreateFamilyInviteDocument,
          { familyId: String(f.family.id), role: 'CAREGIVER' },
          h,
        ),
    },
    {
      name: 'approveMembership',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(ApproveMembershipDocument, { id: String(f.pending[1]!.membership.id) }, h),
    },
    {
      name: 'removeMember',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(
          RemoveMemberDocument,
          { membershipId: String(f.caregivers[1]!.membership.id) },
          h,
        ),
    },
    {
      name: 'registerDevice',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(RegisterDeviceDocument, { familyId: String(f.family.id), name: 'Kitchen' }, h),
    },
    {
      name: 'updateSettings',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(
          UpdateSettingsDocument,
          { familyId: String(f.family.id), input: { volume: 70 } },
          h,
        ),
    },
    {
      name: 'updateCareSettings',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(
          UpdateCareSettingsDocument,
          { familyId: String(f.family.id), input: { deviceOfflineMinutes: 30 } },
          h,
        ),
    },
    {
      name: 'createRoutineRule',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(
          CreateRoutineRuleDocument,
          {
            familyId: String(f.family.id),
            input: {
              kind: 'NO_ACTIVITY',
              actions: ['EATING'],
              startTime: '08:00',
              endTime: '12:00',
              grade: 'WARN',
              message: 'No breakfast.',
            },
          },
          h,
        ),
    },
    {
      name: 'deleteRoutineRule',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      setup: async (f) => {
        const e = em();
        const rule = e.create(RoutineRule, {
          family: f.family.id,
          kind: RoutineRuleKind.NO_ACTIVITY,
          actions: [ActivityAction.EATING],
          startMinute: 480,
          endMinute: 720,
          grade: NotificationGrade.WARN,
          message: 'No breakfast.',
        });
        await e.flush();
        return rule.id;
      },
      run: (f, h, ruleId) =>
        t.request(
          DeleteRoutineRuleDocument,
          { familyId: String(f.family.id), ruleId: String(ruleId) },
          h,
        ),
    },
    {
      name: 'addFamilyBackground',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: async (f, h) =>
        t.request(
          AddFamilyBackgroundDocument,
          { familyId: String(f.family.id), fileId: (await createReadyFile(t, f.family.id)).id },
          h,
        ),
    },
    {
      name: 'rejectMembership',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(RejectMembershipDocument, { id: String(f.pending[1]!.membership.id) }, h),
    },
    {
      name: 'revokeDevice',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) => t.request(RevokeDeviceDocument, { id: String(f.device.device.id) }, h),
    },
    {
      name: 'removeFamilyBackground',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      setup: async (f) => {
        const e = em();
        const { id: fileId } = await createReadyFile(t, f.family.id);
        const background = e.create(FamilyBackground, { family: f.family.id, fileId });
        await e.flush();
        return background.id;
      },
      run: (_f, h, backgroundId) =>
        t.request(RemoveFamilyBackgroundDocument, { id: String(backgroundId) }, h),
    },
    {
      name: 'startCareSession',
      expected: { main: 'ok', manager: 'ok', caregiver: 'ok', ...deny, otherDevice: 'NOT_FOUND' },
      run: (f, h) =>
        t.request(
          StartCareSessionDocument,
          { familyId: String(f.family.id), kind: 'CHECK_IN_CALL' },
          h,
        ),
    },
    {
      name: 'stopCareSession',
      expected: { main: 'ok', manager: 'ok', caregiver: 'ok', ...deny, otherDevice: 'NOT_FOUND' },
      setup: async (f) =>
        Number(
          (
            await t.request(
              StartCareSessionDocument,
              { familyId: String(f.family.id), kind: 'CHECK_IN_CALL' },
              f.main.headers,
            )
          ).startCareSession.id,
        ),
      run: (_f, h, sessionId) =>
        t.request(StopCareSessionDocument, { sessionId: String(sessionId) }, h),
    },
    {
      name: 'setAssessmentBand',
      expected: {
        main: 'ok',
        manager: 'ok',
        caregiver: 'FORBIDDEN',
        ...deny,
        otherDevice: 'NOT_FOUND',
      },
      run: (f, h) =>
        t.request(SetAssessmentBandDocument, { familyId: String(f.family.id), low: 1, high: 2 }, h),
    },
    {
      name: 'updateAlertSettings',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t
          .http(h)
          .request(
            'mutation($id: ID!) { updateAlertSettings(familyId: $id, input: { graceSeconds: 10 }) { graceSeconds } }',
            { id: String(f.family.id) },
          ),
    },
    {
      name: 'updateAlertPolicy',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t
          .http(h)
          .request(
            'mutation($id: ID!) { updateAlertPolicy(familyId: $id, input: { steps: [{ afterMinutes: 1, roles: [MAIN], channels: [LIVE] }] }) { isDefault } }',
            { id: String(f.family.id) },
          ),
    },
    {
      name: 'resetAlertPolicy',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      setup: async (f) => {
        const e = em();
        e.create(FamilyAlertPolicy, {
          family: f.family.id,
          steps: [],
          closedLoopMinutes: null,
          closedLoopAcknowledger: true,
          closedLoopRoles: [],
          closedLoopChannels: [],
        });
        await e.flush();
        return 0;
      },
      run: (f, h) =>
        t.http(h).request('mutation($id: ID!) { resetAlertPolicy(familyId: $id) { isDefault } }', {
          id: String(f.family.id),
        }),
    },
    {
      name: 'addEmergencyContact',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t
          .http(h)
          .request(
            'mutation($id: ID!) { addEmergencyContact(familyId: $id, input: { name: "Kim" }) { id } }',
            { id: String(f.family.id) },
          ),
    },
    {
      name: 'removeEmergencyContact',
      expected: { main: 'ok', manager: 'ok', caregiver: 'FORBIDDEN', ...deny },
      setup: async (f) => {
        const e = em();
        const contact = e.create(EmergencyContact, { family: f.family.id, name: 'Kim' });
        await e.flush();
        return contact.id;
      },
      run: (_f, h, contactId) =>
        t.http(h).request('mutation($id: ID!) { removeEmergencyContact(id: $id) }', {
          id: String(contactId),
        }),
    },
    {
      name: 'resolveNotification',
      expected: { main: 'ok', manager: 'ok', caregiver: 'ok', ...deny },
      setup: async (f) => {
        const e = em();
        const alert = e.create(Notification, {
          family: f.family.id,
          grade: NotificationGrade.WARN,
          kind: NotificationKind.HEALTH,
          message: 'pulse',
          state: AlertState.OPEN,
        });
        await e.flush();
        return alert.id;
      },
      run: (_f, h, alertId) =>
        t
          .http(h)
          .request('mutation($id: ID!) { resolveNotification(id: $id, outcome: HANDLED) { id } }', {
            id: String(alertId),
          }),
    },
    {
      name: 'deleteFamily',
      expected: { main: 'ok', manager: 'FORBIDDEN', caregiver: 'FORBIDDEN', ...deny },
      run: (f, h) =>
        t.request(
          DeleteFamilyDocument,
          { id: String(f.family.id), confirmFamilyName: f.family.familyName },
          h,
        ),
    },
  ];

  for (const operation of operations) {
    for (const role of ROLES) {
      const expected = operation.expected[role];
      it(`${operation.name} by ${role}: ${expected}`, async () => {
        const f = await createFamily(t, { managers: 1, caregivers: 2, pending: 2 });
        const headers = await headersFor(f, role);
        const prepared = (await operation.setup?.(f)) ?? 0;
        if (expected === 'ok') {
          await operation.run(f, headers, prepared);
        } else {
          const before = await familyState(f.family.id);
          await expect(operation.run(f, headers, prepared)).rejects.toSatisfy(
            (error: { response?: { errors?: { extensions?: { code?: string } }[] } }) =>
              error.response?.errors?.[0]?.extensions?.code === expected,
          );
          // a refused call leaves every row of the family as it was
          expect(await familyState(f.family.id)).toEqual(before);
        }
      });
    }
  }

  it('answers NOT_FOUND for an id that exists nowhere or is not an id at all', async () => {
    const f = await createFamily(t);
    expect(
      codeOf(await t.requestErrors(FamilyNameDocument, { id: '987654' }, f.main.headers)),
    ).toBe('NOT_FOUND');
    expect(codeOf(await t.requestErrors(FamilyNameDocument, { id: 'abc' }, f.main.headers))).toBe(
      'NOT_FOUND',
    );
    expect(
      codeOf(await t.requestErrors(ApproveMembershipDocument, { id: '987654' }, f.main.headers)),
    ).toBe('NOT_FOUND');
  });

  it('shows e-mail addresses to managers and the main user, not to caregivers', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1 });
    const emailsSeenBy = async (headers: Record<string, string>) => {
      const { family } = await t.request(FamilyDocument, { id: String(f.family.id) }, headers);
      return family!.members.map((m) => m.user.email);
    };
    expect(await emailsSeenBy(f.managers[0]!.headers)).toEqual([
      f.managers[0]!.email,
      f.caregivers[0]!.email,
    ]);
    expect(await emailsSeenBy(f.main.headers)).toEqual([
      f.managers[0]!.email,
      f.caregivers[0]!.email,
    ]);
    expect(await emailsSeenBy(f.caregivers[0]!.headers)).toEqual([null, f.caregivers[0]!.email]);
  });
});

describe('memberships', () => {
  it('lets a member change their own relation but not their role; a manager changes roles', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const id = String(f.caregivers[0]!.membership.id);
    const own = await t.request(
      UpdateMembershipDocument,
      { id, input: { relation: 'granddaughter' } },
      f.caregivers[0]!.headers,
    );
    expect(own.updateMembership.relation).toBe('granddaughter');
    expect(
      codeOf(
        await t.requestErrors(
          UpdateMembershipDocument,
          { id, input: { role: 'MANAGER' } },
          f.caregivers[0]!.headers,
        ),
      ),
    ).toBe('FORBIDDEN');
    const promoted = await t.request(
      UpdateMembershipDocument,
      { id, input: { role: 'MANAGER' } },
      f.main.headers,
    );
    expect(promoted.updateMembership.role).toBe('MANAGER');
    const stranger = await createUser(t);
    expect(
      codeOf(
        await t.requestErrors(
          UpdateMembershipDocument,
          { id, input: { relation: 'x' } },
          stranger.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
  });

  it('lets a member leave and a pending member withdraw, but not the main user', async () => {
    const f = await createFamily(t, { caregivers: 1, pending: 1 });
    const familyId = String(f.family.id);
    expect(await t.request(LeaveFamilyDocument, { familyId }, f.caregivers[0]!.headers)).toEqual({
      leaveFamily: true,
    });
    expect(await t.request(LeaveFamilyDocument, { familyId }, f.pending[0]!.headers)).toEqual({
      leaveFamily: true,
    });
    expect(await em().count(Membership, { family: f.family.id })).toBe(0);
    expect(codeOf(await t.requestErrors(LeaveFamilyDocument, { familyId }, f.main.headers))).toBe(
      'FORBIDDEN',
    );
    expect(
      codeOf(await t.requestErrors(LeaveFamilyDocument, { familyId }, f.caregivers[0]!.headers)),
    ).toBe('NOT_FOUND');
  });

  it('removes a background picture, only within the family', async () => {
    const f = await createFamily(t);
    const other = await createFamily(t);
    const { addFamilyBackground: bg } = await t.request(
      AddFamilyBackgroundDocument,
      { familyId: String(f.family.id), fileId: (await createReadyFile(t, f.family.id)).id },
      f.main.headers,
    );
    expect(
      codeOf(
        await t.requestErrors(RemoveFamilyBackgroundDocument, { id: bg.id }, other.main.headers),
      ),
    ).toBe('NOT_FOUND');
    expect(await t.request(RemoveFamilyBackgroundDocument, { id: bg.id }, f.main.headers)).toEqual({
      removeFamilyBackground: true,
    });
    const bad = await t.requestErrors(
      AddFamilyBackgroundDocument,
      { familyId: String(f.family.id), fileId: '../etc/passwd' },
      f.main.headers,
    );
    expect(bad[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { fileId: 'must be a file id' },
    });
  });
});

describe('deleteFamily', () => {
  it('needs the exact family name and removes every row of the family, nothing else', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    await t.request(
      CreateFamilyInviteDocument,
      { familyId: String(f.family.id), role: 'CAREGIVER' },
      f.main.headers,
    );
    await t.request(
      AddFamilyBackgroundDocument,
      { familyId: String(f.family.id), fileId: (await createReadyFile(t, f.family.id)).id },
      f.main.headers,
    );
    const wrong = await t.requestErrors(
      DeleteFamilyDocument,
      { id: String(f.family.id), confirmFamilyName: 'Something else' },
      f.main.headers,
    );
    expect(wrong[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { confirmFamilyName: 'does not match the family name' },
    });
    expect(
      await t.request(
        DeleteFamilyDocument,
        { id: String(f.family.id), confirmFamilyName: f.family.familyName },
        f.main.headers,
      ),
    ).toEqual({ deleteFamily: true });
    const e = em();
    for (const entity of [
      Membership,
      FamilyInvite,
      FamilyBackground,
      Device,
      CarebotSettings,
    ] as const) {
      expect(await e.count(entity as typeof Membership, { family: f.family.id }), entity.name).toBe(
        0,
      );
    }
    expect(await e.count(Family, { id: f.family.id })).toBe(0);
    expect(await e.count(Membership, { family: other.family.id })).toBe(1);
    // the people stay; the revoked device token no longer works
    expect(await e.count(User, { id: f.caregivers[0]!.user.id })).toBe(1);
    expect(codeOf(await t.requestErrors(DeviceSettingsDocument, {}, f.device.headers))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('asks for the password on a "remember me" session whose log-in is over 15 minutes old', async () => {
    const f = await createFamily(t);
    const headers = await sessionFor(t, f.main.user.id, true, new Date(Date.now() - 20 * 60_000));
    const variables = { id: String(f.family.id), confirmFamilyName: f.family.familyName };
    const missing = await t.requestErrors(DeleteFamilyDocument, variables, headers);
    expect(missing[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { currentPassword: 'is required: confirm your password to do this' },
    });
    const wrong = await t.requestErrors(
      DeleteFamilyDocument,
      { ...variables, currentPassword: 'not it at all' },
      headers,
    );
    expect(wrong[0]?.extensions).toMatchObject({ fields: { currentPassword: 'is incorrect' } });
    expect(await em().count(Family, { id: f.family.id })).toBe(1);
    expect(
      await t.request(
        DeleteFamilyDocument,
        { ...variables, currentPassword: f.main.password },
        headers,
      ),
    ).toEqual({ deleteFamily: true });
  });
});

describe('devices', () => {
  it('registers a device whose token is shown once and works until revoked', async () => {
    const f = await createFamily(t, { managers: 1 });
    const { registerDevice } = await t.request(
      RegisterDeviceDocument,
      { familyId: String(f.family.id), name: 'Bedroom' },
      f.managers[0]!.headers,
    );
    const device = { authorization: `Device ${registerDevice.token}` };
    expect((await t.request(DeviceSettingsDocument, {}, device)).deviceSettings.volume).toBe(50);
    const stored = await em().findOneOrFail(Device, { id: Number(registerDevice.device.id) });
    expect(stored.tokenHash).not.toContain(registerDevice.token);
    expect(stored.lastSeenAt).not.toBeNull();
    // a device acts only as a device
    expect(codeOf(await t.requestErrors(MyFamiliesDocument, {}, device))).toBe('FORBIDDEN');
    expect(
      await t.request(RevokeDeviceDocument, { id: registerDevice.device.id }, f.main.headers),
    ).toEqual({ revokeDevice: true });
    expect(codeOf(await t.requestErrors(DeviceSettingsDocument, {}, device))).toBe(
      'UNAUTHENTICATED',
    );
    const { family } = await t.request(FamilyDocument, { id: String(f.family.id) }, f.main.headers);
    expect(family!.devices.map((d) => d.name)).toEqual(['Living room']);
  });

  it('needs the password to register a device on an old "remember me" session', async () => {
    const f = await createFamily(t);
    const headers = await sessionFor(t, f.main.user.id, true, new Date(Date.now() - 60 * 60_000));
    expect(
      codeOf(
        await t.requestErrors(
          RegisterDeviceDocument,
          { familyId: String(f.family.id), name: 'X' },
          headers,
        ),
      ),
    ).toBe('BAD_USER_INPUT');
    await t.request(
      RegisterDeviceDocument,
      { familyId: String(f.family.id), name: 'X', currentPassword: f.main.password },
      headers,
    );
  });

  it('refuses user-only queries from a device and device-only ones from a user', async () => {
    const f = await createFamily(t);
    expect(codeOf(await t.requestErrors(DeviceSettingsDocument, {}, f.main.headers))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await t.requestErrors(DeviceSettingsDocument, {}))).toBe('UNAUTHENTICATED');
  });
});

describe('settings', () => {
  it('changes settings and thresholds within their ranges', async () => {
    const f = await createFamily(t);
    const { updateSettings } = await t.request(
      UpdateSettingsDocument,
      {
        familyId: String(f.family.id),
        input: {
          volume: 0,
          wakeUpTime: '06:30',
          inactivityAlertHours: 24,
          thresholds: { temperatureMax: 30, bloodOxygenMin: 90 },
        },
      },
      f.main.headers,
    );
    expect(updateSettings).toMatchObject({
      volume: 0,
      wakeUpTime: '06:30',
      quietHoursStart: '22:00',
      inactivityAlertHours: 24,
      thresholds: { temperatureMin: 10, temperatureMax: 30, bloodOxygenMin: 90 },
    });
    expect(
      (await t.request(DeviceSettingsDocument, {}, f.device.headers)).deviceSettings.wakeUpTime,
    ).toBe('06:30');
  });

  it.each([
    [{ volume: 101 }, 'input.volume', 'must be at most 100'],
    [{ volume: -1 }, 'input.volume', 'must be at least 0'],
    [{ wakeUpTime: '24:00' }, 'input.wakeUpTime', 'must be a time written HH:MM (00:00–23:59)'],
    [{ bedTime: '7:00' }, 'input.bedTime', 'must be a time written HH:MM (00:00–23:59)'],
    [{ inactivityAlertHours: 0 }, 'input.inactivityAlertHours', 'must be at least 1'],
    [{ thresholds: { heartRateMax: 300 } }, 'input.thresholds.heartRateMax', 'must be at most 250'],
    [
      { thresholds: { bloodOxygenMin: 40 } },
      'input.thresholds.bloodOxygenMin',
      'must be at least 50',
    ],
    [
      { thresholds: { temperatureMin: 36 } },
      'input.thresholds.temperatureMin',
      'must be less than temperatureMax (35)',
    ],
    [
      { thresholds: { heartRateMin: 80, heartRateMax: 70 } },
      'input.thresholds.heartRateMax',
      'must be greater than heartRateMin (80)',
    ],
  ] as const)('rejects %j on %s and changes nothing', async (input, path, message) => {
    const f = await createFamily(t);
    const errors = await t.requestErrors(
      UpdateSettingsDocument,
      { familyId: String(f.family.id), input: { wakeUpTime: '05:00', ...input } },
      f.main.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { [path]: message },
    });
    const settings = await em().findOneOrFail(CarebotSettings, { family: f.family.id });
    expect(settings.wakeUpTime).toBe('07:00');
  });
});

describe('regions', () => {
  it('lists the 17 provinces and 229 municipalities, each province with at least one', async () => {
    const { masterRegions } = await t.request(MasterRegionsDocument);
    expect(masterRegions).toHaveLength(17);
    expect(masterRegions.find((r) => r.code === '51')?.name).toBe('강원특별자치도');
    expect(masterRegions.find((r) => r.code === '52')?.name).toBe('전북특별자치도');
    let total = 0;
    for (const master of masterRegions) {
      const { subRegions } = await t.request(SubRegionsDocument, { masterRegionCode: master.code });
      expect(subRegions.length, master.name).toBeGreaterThanOrEqual(1);
      for (const sub of subRegions) expect(sub.code.startsWith(master.code)).toBe(true);
      total += subRegions.length;
    }
    expect(total).toBe(229);
    const daegu = await t.request(SubRegionsDocument, { masterRegionCode: '27' });
    expect(daegu.subRegions).toContainEqual({ code: '27720', name: '군위군' });
    const sejong = await t.request(SubRegionsDocument, { masterRegionCode: '36' });
    expect(sejong.subRegions).toEqual([{ code: '36110', name: '세종특별자치시' }]);
  });

  it('rejects an unknown province code', async () => {
    const errors = await t.requestErrors(SubRegionsDocument, { masterRegionCode: '99' });
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { masterRegionCode: 'is not a known province code' },
    });
  });
});

describe('batching', () => {
  it('answers myFamilies { mainUser members { user } } in the same number of statements for 5 or 50 families', async () => {
    const counts: number[] = [];
    for (const size of [5, 50]) {
      const caregiver = await createUser(t);
      const e = em();
      for (let i = 0; i < size; i += 1) {
        const f = await createFamily(t, { caregivers: 1 });
        e.create(Membership, {
          family: f.family.id,
          user: caregiver.user.id,
          relation: 'care worker',
          role: FamilyRole.CAREGIVER,
          status: MembershipStatus.ACTIVE,
        });
      }
      await e.flush();
      const { count, statements } = await t.countQueries(async () => {
        const { myFamilies } = await t.request(MyFamiliesDocument, {}, caregiver.headers);
        expect(myFamilies).toHaveLength(size);
        expect(
          myFamilies.every(
            (family) => family.members.length === 2 && family.mainUser.name.length > 0,
          ),
        ).toBe(true);
      });
      expect(count, statements.join('\n')).toBeLessThanOrEqual(8);
      counts.push(count);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
