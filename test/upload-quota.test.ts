import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { File, FilePurpose, FileStatus } from '../src/modules/file/file.entity.js';
import { CreateUploadDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ UPLOAD_PENDING_MAX_FILES: '3', UPLOAD_PENDING_MAX_BYTES: '1000' });
});
afterAll(async () => {
  await t?.close();
});

const avatar = (byteSize: number) => ({
  input: { purpose: FilePurpose.AVATAR, contentType: 'image/png', byteSize, familyId: null },
});
const pendingOf = (userId: number) =>
  t.server.app.orm.em.fork().count(File, { uploadedByUser: userId, status: FileStatus.PENDING });

describe('the quota of unfinished uploads', () => {
  it('refuses a fourth unfinished upload of one account with RATE_LIMITED, and stores nothing', async () => {
    const member = await createUser(t);
    for (let i = 0; i < 3; i += 1)
      await t.request(CreateUploadDocument, avatar(100), member.headers);
    const refused = await t.requestErrors(CreateUploadDocument, avatar(100), member.headers);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    // until the oldest unfinished upload is purged, a day after it was asked for
    expect(refused[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(23 * 3600);
    expect(await pendingOf(member.user.id)).toBe(3);
    // another account has its own quota
    const other = await createUser(t);
    await t.request(CreateUploadDocument, avatar(100), other.headers);
  });

  it('counts the declared bytes of unfinished uploads together', async () => {
    const member = await createUser(t);
    await t.request(CreateUploadDocument, avatar(600), member.headers);
    expect(codeOf(await t.requestErrors(CreateUploadDocument, avatar(600), member.headers))).toBe(
      'RATE_LIMITED',
    );
    await t.request(CreateUploadDocument, avatar(400), member.headers);
    expect(await pendingOf(member.user.id)).toBe(2);
  });

  it('gives a device its own quota', async () => {
    const f = await createFamily(t);
    const activity = {
      input: {
        purpose: FilePurpose.ACTIVITY_IMAGE,
        contentType: 'image/png',
        byteSize: 100,
        familyId: String(f.family.id),
      },
    };
    for (let i = 0; i < 3; i += 1)
      await t.request(CreateUploadDocument, activity, f.device.headers);
    expect(codeOf(await t.requestErrors(CreateUploadDocument, activity, f.device.headers))).toBe(
      'RATE_LIMITED',
    );
  });
});
