import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { File, FileStatus } from '../src/modules/file/file.entity.js';
import { purgeOrphanFiles } from '../src/modules/file/file.jobs.js';
import { Activity } from '../src/modules/report/report.entities.js';
import {
  AddFamilyBackgroundFileDocument,
  CompleteUploadDocument,
  CreateUploadDocument,
  DeleteFamilyDocument,
  DeleteMeDocument,
  type FilePurpose,
  FileDocument,
  RaiseNotificationWithImageDocument,
  ReportActivityWithImageDocument,
  ReportBatchDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

type Headers = Record<string, string>;

interface Driver {
  name: string;
  /** Environment for the server, and a cleanup. */
  start(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}

const drivers: Driver[] = [
  {
    name: 'local disk',
    start: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'carebot-files-'));
      return {
        env: { FILES_DIR: dir },
        stop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'S3 (s3rver)',
    start: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'carebot-s3-'));
      const s3 = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: dir,
        configureBuckets: [{ name: 'carebot' }],
      });
      const { port } = await s3.run();
      return {
        env: {
          FILE_STORAGE: 's3',
          S3_ENDPOINT: `http://127.0.0.1:${port}`,
          S3_BUCKET: 'carebot',
          S3_REGION: 'us-east-1',
          S3_ACCESS_KEY_ID: 'S3RVER',
          S3_SECRET_ACCESS_KEY: 'S3RVER',
          S3_FORCE_PATH_STYLE: 'true',
        },
        stop: async () => {
          await s3.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

const codeOf = (errors: { extensions?: Record<string, unknown> }[]) =>
  errors[0]?.extensions?.['code'];
const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#36a' } })
    .png()
    .toBuffer();

describe.each(drivers)('files on $name', (driver) => {
  let t: TestServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const started = await driver.start();
    stop = () => started.stop();
    t = await startTestServer(started.env);
  });
  afterAll(async () => {
    await t?.close();
    await stop?.();
  });

  const storage = () => t.server.app.services.file.storage;
  const em = () => t.server.app.orm.em.fork();

  /** createUpload, then PUT `bytes` as told by the ticket; returns the file id and PUT response. */
  async function upload(
    headers: Headers,
    familyId: number,
    purpose: FilePurpose,
    contentType: string,
    bytes: Buffer,
    byteSize = bytes.length,
  ): Promise<{ fileId: string; put: Response }> {
    const { createUpload: ticket } = await t.request(
      CreateUploadDocument,
      { input: { purpose, contentType, byteSize, familyId: String(familyId) } },
      headers,
    );
    expect(Date.parse(ticket.expiresAt)).toBeGreaterThan(Date.now());
    const put = await fetch(ticket.uploadUrl, {
      method: 'PUT',
      headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])),
      body: new Uint8Array(bytes),
    });
    return { fileId: ticket.fileId, put };
  }

  const complete = async (headers: Headers, fileId: string) =>
    (await t.request(CompleteUploadDocument, { fileId }, headers)).completeUpload;

  /** A READY activity snapshot uploaded by the family's device. */
  async function readyImage(f: TestFamily, bytes?: Buffer) {
    const { fileId, put } = await upload(
      f.device.headers,
      f.family.id,
      'ACTIVITY_IMAGE',
      'image/png',
      bytes ?? (await png(40, 30)),
    );
    expect(put.ok).toBe(true);
    const file = await complete(f.device.headers, fileId);
    expect(file.status).toBe('READY');
    return file;
  }

  it('verifies, re-encodes and bounds an image, lets a record reference it, and serves it signed', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const { fileId, put } = await upload(
      f.device.headers,
      f.family.id,
      'ACTIVITY_IMAGE',
      'image/png',
      await png(3000, 1000),
    );
    expect(put.ok).toBe(true);
    const file = await complete(f.device.headers, fileId);
    expect(file).toMatchObject({
      id: fileId,
      status: 'READY',
      contentType: 'image/png',
      width: 2048,
      height: 683,
    });
    // completing again changes nothing
    expect((await complete(f.device.headers, fileId)).status).toBe('READY');

    const { reportActivity } = await t.request(
      ReportActivityWithImageDocument,
      { input: { action: 'WALKING', imageId: fileId, measuredAt: new Date().toISOString() } },
      f.device.headers,
    );
    expect(reportActivity.image).toMatchObject({ id: fileId, status: 'READY' });
    expect((await em().findOneOrFail(File, { id: fileId })).referencedAt).toBeInstanceOf(Date);

    const { file: seen } = await t.request(FileDocument, { id: fileId }, f.caregivers[0]!.headers);
    const download = await fetch(seen.url!);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(seen.byteSize);
    expect(await sharp(bytes).metadata()).toMatchObject({
      format: 'png',
      width: 2048,
      height: 683,
    });
    const thumbnail = Buffer.from(await (await fetch(seen.thumbnailUrl!)).arrayBuffer());
    expect(await sharp(thumbnail).metadata()).toMatchObject({ width: 256, height: 85 });
  });

  it('refuses expired signed URLs', async () => {
    const f = await createFamily(t);
    const file = await readyImage(f);
    const stored = await em().findOneOrFail(File, { id: file.id });
    const hourAgo = new Date(Date.now() - 3600_000);
    const expired = await storage().downloadUrl(stored.storageKey, 'image/png', {
      expiresInSeconds: 60,
      now: hourAgo,
    });
    const response = await fetch(expired);
    expect(response.status).toBe(403);
    const expiredPut = await storage().uploadUrl(`${file.id}.upload`, 'image/png', 3, {
      expiresInSeconds: 60,
      now: hourAgo,
    });
    const put = await fetch(expiredPut.url, {
      method: 'PUT',
      headers: expiredPut.headers,
      body: new Uint8Array([1, 2, 3]),
    });
    expect(put.status).toBe(403);
    // a fresh URL of the same object works
    const fresh = await storage().downloadUrl(stored.storageKey, 'image/png', {
      expiresInSeconds: 60,
    });
    expect((await fetch(fresh)).status).toBe(200);
  });

  it('refuses a content type or a declared size the purpose does not allow', async () => {
    const f = await createFamily(t);
    const wrongType = await t.requestErrors(
      CreateUploadDocument,
      {
        input: {
          purpose: 'ACTIVITY_IMAGE',
          contentType: 'text/csv',
          byteSize: 10,
          familyId: String(f.family.id),
        },
      },
      f.device.headers,
    );
    expect(wrongType[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.contentType': expect.stringContaining('image/jpeg') as string },
    });
    const tooBig = await t.requestErrors(
      CreateUploadDocument,
      {
        input: {
          purpose: 'ACTIVITY_IMAGE',
          contentType: 'image/png',
          byteSize: 10 * 1024 * 1024 + 1,
          familyId: String(f.family.id),
        },
      },
      f.device.headers,
    );
    expect(tooBig[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.byteSize': expect.any(String) as string },
    });
    expect(await em().count(File, { family: f.family.id })).toBe(0);
  });

  it('never accepts more bytes than were declared', async () => {
    const f = await createFamily(t);
    const bytes = await png(20, 20);
    const { fileId, put } = await upload(
      f.device.headers,
      f.family.id,
      'ACTIVITY_IMAGE',
      'image/png',
      Buffer.concat([bytes, Buffer.alloc(100)]),
      bytes.length,
    );
    if (put.ok) {
      // the storage took the body: verification rejects it
      const file = await complete(f.device.headers, fileId);
      expect(file.status).toBe('REJECTED');
    } else {
      expect(put.status).toBeGreaterThanOrEqual(400);
      const errors = await t.requestErrors(CompleteUploadDocument, { fileId }, f.device.headers);
      expect(errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { fileId: 'has no uploaded bytes yet' },
      });
    }
    expect((await em().findOneOrFail(File, { id: fileId })).status).not.toBe(FileStatus.READY);
  });

  it('rejects text posing as a PNG, and the rejected file cannot be referenced', async () => {
    const f = await createFamily(t);
    const { fileId, put } = await upload(
      f.device.headers,
      f.family.id,
      'ACTIVITY_IMAGE',
      'image/png',
      Buffer.from('this is plain text, not a picture at all'),
    );
    expect(put.ok).toBe(true);
    const file = await complete(f.device.headers, fileId);
    expect(file).toMatchObject({ status: 'REJECTED', url: null });
    expect(file.rejectionReason).toMatch(/not image\/png/);
    const errors = await t.requestErrors(
      ReportActivityWithImageDocument,
      { input: { action: 'WALKING', imageId: fileId, measuredAt: new Date().toISOString() } },
      f.device.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.imageId': expect.any(String) as string },
    });
    const batch = await t.requestErrors(
      ReportBatchDocument,
      {
        input: {
          activities: [
            { action: 'WALKING', measuredAt: new Date().toISOString() },
            { action: 'SITTING', imageId: fileId, measuredAt: new Date().toISOString() },
          ],
        },
      },
      f.device.headers,
    );
    expect(batch[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.activities.1.imageId': expect.any(String) as string },
    });
    // all or nothing: the valid reading of the refused batch was not stored either
    expect(await em().count(Activity, { family: f.family.id })).toBe(0);
  });

  it('strips EXIF metadata from JPEG uploads', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const jpeg = await sharp({
      create: { width: 64, height: 48, channels: 3, background: '#a63' },
    })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: 'x' } } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const { fileId } = await upload(
      f.device.headers,
      f.family.id,
      'NOTIFICATION_IMAGE',
      'image/jpeg',
      jpeg,
    );
    const file = await complete(f.device.headers, fileId);
    expect(file).toMatchObject({ status: 'READY', width: 64, height: 48 });
    const { raiseNotification } = await t.request(
      RaiseNotificationWithImageDocument,
      { input: { grade: 'INFO', kind: 'EMERGENCY', message: 'look', imageId: fileId } },
      f.device.headers,
    );
    expect(raiseNotification).toMatchObject({ image: fileId, imageFile: { id: fileId } });
    const stored = Buffer.from(
      await (await fetch(raiseNotification.imageFile!.url!)).arrayBuffer(),
    );
    const metadata = await sharp(stored).metadata();
    expect(metadata.format).toBe('jpeg');
    expect(metadata.exif).toBeUndefined();
  });

  it('hides a file from strangers and refuses references from another family', async () => {
    const f = await createFamily(t);
    const stranger = await createFamily(t);
    const file = await readyImage(f);
    expect(
      codeOf(await t.requestErrors(FileDocument, { id: file.id }, stranger.main.headers)),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.requestErrors(CompleteUploadDocument, { fileId: file.id }, stranger.main.headers),
      ),
    ).toBe('NOT_FOUND');
    const byDevice = await t.requestErrors(
      ReportActivityWithImageDocument,
      { input: { action: 'WALKING', imageId: file.id, measuredAt: new Date().toISOString() } },
      stranger.device.headers,
    );
    expect(byDevice[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.imageId': expect.any(String) as string },
    });
    const byManager = await t.requestErrors(
      AddFamilyBackgroundFileDocument,
      { familyId: String(stranger.family.id), fileId: file.id },
      stranger.main.headers,
    );
    expect(byManager[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { fileId: expect.any(String) as string },
    });
    expect(
      codeOf(
        await t.requestErrors(
          CreateUploadDocument,
          {
            input: {
              purpose: 'ACTIVITY_IMAGE',
              contentType: 'image/png',
              byteSize: 10,
              familyId: String(f.family.id),
            },
          },
          stranger.device.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect((await em().findOneOrFail(File, { id: file.id })).referencedAt).toBeNull();
  });

  it('purges uploads not referenced within 24 hours, with their stored objects', async () => {
    const f = await createFamily(t);
    const orphan = await readyImage(f);
    const used = await readyImage(f);
    await t.request(
      ReportActivityWithImageDocument,
      { input: { action: 'WALKING', imageId: used.id, measuredAt: new Date().toISOString() } },
      f.device.headers,
    );
    const { orm, logger, services } = t.server.app;
    expect(await purgeOrphanFiles(orm, services.file, logger)).toBe(0);
    const later = new Date(Date.now() + 25 * 3600_000);
    expect(await purgeOrphanFiles(orm, services.file, logger, later)).toBeGreaterThanOrEqual(1);
    expect(await em().findOne(File, { id: orphan.id })).toBeNull();
    expect(await storage().read(orphan.id)).toBeNull();
    expect(await storage().read(`${orphan.id}.thumb`)).toBeNull();
    expect(await em().findOne(File, { id: used.id })).not.toBeNull();
    expect(await storage().read(used.id)).not.toBeNull();
  });

  it('removes the files of a deleted family, rows and stored objects', async () => {
    const f = await createFamily(t);
    const file = await readyImage(f);
    await t.request(
      AddFamilyBackgroundFileDocument,
      { familyId: String(f.family.id), fileId: (await readyBackground(f)).id },
      f.main.headers,
    );
    await t.request(
      DeleteFamilyDocument,
      { id: String(f.family.id), confirmFamilyName: f.family.familyName },
      f.main.headers,
    );
    expect(await em().count(File, { family: f.family.id })).toBe(0);
    expect(await storage().read(file.id)).toBeNull();
  });

  it("removes a main user's family files, rows and stored objects, when the account is deleted", async () => {
    const f = await createFamily(t);
    const file = await readyImage(f);
    await t.request(DeleteMeDocument, { password: f.main.password }, f.main.headers);
    expect(await em().count(File, { family: f.family.id })).toBe(0);
    expect(await storage().read(file.id)).toBeNull();
  });

  /** A READY family background uploaded by the main user. */
  async function readyBackground(f: TestFamily) {
    const { fileId } = await upload(
      f.main.headers,
      f.family.id,
      'FAMILY_BACKGROUND',
      'image/webp',
      await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
        .webp()
        .toBuffer(),
    );
    return complete(f.main.headers, fileId);
  }
});

// the local driver's PUT route is ours to guard; S3 presigned URLs are S3's
describe("the local driver's upload route", () => {
  let t: TestServer;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const started = await drivers[0]!.start();
    stop = () => started.stop();
    t = await startTestServer(started.env);
  });
  afterAll(async () => {
    await t?.close();
    await stop?.();
  });

  it('refuses a used upload URL once the file is verified', async () => {
    const f = await createFamily(t);
    const bytes = await png(20, 20);
    const { createUpload: ticket } = await t.request(
      CreateUploadDocument,
      {
        input: {
          purpose: 'ACTIVITY_IMAGE',
          contentType: 'image/png',
          byteSize: bytes.length,
          familyId: String(f.family.id),
        },
      },
      f.device.headers,
    );
    const put = () =>
      fetch(ticket.uploadUrl, {
        method: 'PUT',
        headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])),
        body: new Uint8Array(bytes),
      });
    expect((await put()).status).toBe(200);
    const { completeUpload } = await t.request(
      CompleteUploadDocument,
      { fileId: ticket.fileId },
      f.device.headers,
    );
    expect(completeUpload.status).toBe('READY');
    expect((await put()).status).toBe(403);
    expect(await t.server.app.services.file.storage.read(`${ticket.fileId}.upload`)).toBeNull();
  });
});
