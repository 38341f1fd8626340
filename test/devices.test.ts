import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../src/modules/device/device.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import {
  ConfirmDeviceDocument,
  ConversationsDocument,
  LeaveFamilyDocument,
  MessagesDocument,
  RegisterDeviceDocument,
  RemoveMemberDocument,
  ReportHomeStatusDocument,
  SendChatMessageDocument,
  SendMessageDocument,
  UnreadMessageCountDocument,
  UpdateMembershipAndPeekDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type ReceivedError, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const em = () => t.server.app.orm.em.fork();
const home = () => ({
  temperature: 22.5,
  humidity: 45,
  dustDensity: 20,
  gasLevel: 100,
  measuredAt: new Date(Date.now() - 60_000).toISOString(),
});

async function register(f: TestFamily, headers: Record<string, string>) {
  const { registerDevice } = await t.request(
    RegisterDeviceDocument,
    { familyId: String(f.family.id), name: 'Bedroom' },
    headers,
  );
  return {
    id: registerDevice.device.id,
    headers: { authorization: `Device ${registerDevice.token}` },
  };
}

/** What a device can do for the elder: each answer's error code, or 'ok'. */
async function actsForElder(f: TestFamily, headers: Record<string, string>) {
  const attempt = async (run: () => Promise<unknown>) => {
    try {
      await run();
      return 'ok';
    } catch (error) {
      return codeOf((error as { response: { errors: ReceivedError[] } }).response.errors);
    }
  };
  return {
    conversations: await attempt(() => t.request(ConversationsDocument, {}, headers)),
    inbox: await attempt(() => t.request(MessagesDocument, { box: 'INBOX' }, headers)),
    unread: await attempt(() => t.request(UnreadMessageCountDocument, {}, headers)),
    sendMessage: await attempt(() =>
      t.request(
        SendMessageDocument,
        { input: { toUserId: String(f.managers[0]!.user.id), content: 'as the elder' } },
        headers,
      ),
    ),
    chat: await attempt(() =>
      t.request(SendChatMessageDocument, { input: { content: 'as the elder' } }, headers),
    ),
  };
}

const ALL_FORBIDDEN = {
  conversations: 'FORBIDDEN',
  inbox: 'FORBIDDEN',
  unread: 'FORBIDDEN',
  sendMessage: 'FORBIDDEN',
  chat: 'FORBIDDEN',
};
const ALL_OK = { conversations: 'ok', inbox: 'ok', unread: 'ok', sendMessage: 'ok', chat: 'ok' };

describe('devices act for the elder only with the main user’s consent', () => {
  it('gives a device a manager registered no mailbox or chat until the main user confirms it', async () => {
    const f = await createFamily(t, { managers: 1 });
    const device = await register(f, f.managers[0]!.headers);
    // it reports from the start: monitoring needs no consent beyond the manager's role
    await t.request(ReportHomeStatusDocument, { input: home() }, device.headers);
    expect(await actsForElder(f, device.headers)).toEqual(ALL_FORBIDDEN);
    expect(await em().count(Device, { id: Number(device.id), confirmedAt: null })).toBe(1);

    // only the main user may confirm; a manager's attempt changes nothing
    expect(
      codeOf(
        await t.requestErrors(ConfirmDeviceDocument, { id: device.id }, f.managers[0]!.headers),
      ),
    ).toBe('FORBIDDEN');
    expect(await em().count(Device, { id: Number(device.id), confirmedAt: null })).toBe(1);
    const { confirmDevice } = await t.request(
      ConfirmDeviceDocument,
      { id: device.id },
      f.main.headers,
    );
    expect(confirmDevice.confirmedAt).not.toBeNull();
    expect(await actsForElder(f, device.headers)).toEqual(ALL_OK);
  });

  it('confirms a device the main user registers at once', async () => {
    const f = await createFamily(t, { managers: 1 });
    const device = await register(f, f.main.headers);
    expect(await actsForElder(f, device.headers)).toEqual(ALL_OK);
  });

  it('hides another family’s device from confirmDevice (NOT_FOUND)', async () => {
    const f = await createFamily(t, { managers: 1 });
    const other = await createFamily(t);
    const device = await register(f, f.managers[0]!.headers);
    expect(
      codeOf(await t.requestErrors(ConfirmDeviceDocument, { id: device.id }, other.main.headers)),
    ).toBe('NOT_FOUND');
  });

  it('revokes the devices of a member who is removed or leaves, and no one else’s', async () => {
    const f = await createFamily(t, { managers: 2 });
    const [removed, leaving] = f.managers as [TestFamily['managers'][0], TestFamily['managers'][0]];
    const byRemoved = await register(f, removed.headers);
    const byLeaving = await register(f, leaving.headers);
    const byMain = await register(f, f.main.headers);
    await t.request(ConfirmDeviceDocument, { id: byRemoved.id }, f.main.headers);

    await t.request(
      RemoveMemberDocument,
      { membershipId: String(removed.membership.id) },
      f.main.headers,
    );
    await t.request(LeaveFamilyDocument, { familyId: String(f.family.id) }, leaving.headers);

    for (const gone of [byRemoved, byLeaving]) {
      expect(
        codeOf(await t.requestErrors(ReportHomeStatusDocument, { input: home() }, gone.headers)),
      ).toBe('UNAUTHENTICATED');
    }
    await t.request(ReportHomeStatusDocument, { input: home() }, byMain.headers);
    await t.request(ReportHomeStatusDocument, { input: home() }, f.device.headers);
  });
});

describe('a pending applicant and the family memo', () => {
  it('answers updateMembership on their own pending request without the memo', async () => {
    const f = await createFamily(t, { pending: 1 });
    await em().nativeUpdate(Family, { id: f.family.id }, { memo: 'door code 1234' });
    const applicant = f.pending[0]!;
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...applicant.headers },
      body: JSON.stringify({
        query: print(UpdateMembershipAndPeekDocument),
        variables: { id: String(applicant.membership.id), input: { relation: 'nephew' } },
      }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as {
      data: { updateMembership: { relation: string; family: object } };
      errors: ReceivedError[];
    };
    expect(body.data.updateMembership).toMatchObject({
      relation: 'nephew',
      family: { familyName: f.family.familyName, memo: null },
    });
    expect(body.errors.map((e) => [e.path?.join('.'), e.extensions?.['code']])).toEqual([
      ['updateMembership.family.memo', 'FORBIDDEN'],
    ]);
    expect(text).not.toContain('door code');
  });
});
