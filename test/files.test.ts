import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientError } from 'graphql-request';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { User } from '../src/modules/account/user.entity.js';
import { File, FilePurpose as StoredPurpose, FileStatus } from '../src/modules/file/file.entity.js';
import {
  purgeOrphanFiles,
  RELEASE_GRACE_MS,
  releaseFilesOfDeletedRecords,
} from '../src/modules/file/file.jobs.js';
import { newFileId } from '../src/modules/file/file.id.js';
import { FamilyBackground } from '../src/modules/family/family-background.entity.js';
import { Message } from '../src/modules/message/message.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { Activity } from '../src/modules/report/report.entities.js';
import { ActivityAction } from '../src/modules/report/report.enums.js';
import {
  AddFamilyBackgroundFileDocument,
  CompleteUploadDocument,
  CreateUploadDocument,
  DeleteFamilyDocument,
  DeleteLatestStatusDocument,
  DeleteMeDocument,
  DeleteNotificationDocument,
  FamilyAvatarsDocument,
  type FilePurpose,
  FileDocument,
  LeaveFamilyDocument,
  MessageAvatarsDocument,
  MessageWithImageDocument,
  MyAvatarDocument,
  RaiseNotificationWithImageDocument,
  ReportActivityWithImageDocument,
  RemoveFamilyBackgroundDocument,
  ReportBatchDocument,
  SendMessageWithImageDocument,
  UpdateMyAvatarDocument,
} from './__generated__/graphql.js';
import { createReadyFile } from './factories/files.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
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

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#36a' } })
    .png()
    .toBuffer();
/** A JPEG with the camera and GPS position in its EXIF, as phones write them. */
const phonePhoto = () =>
  sharp({ create: { width: 600, height: 400, channels: 3, background: '#c96' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneCo', Model: 'P1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 59/1' },
    })
    .toBuffer();
const pdf = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
const MiB = 1024 * 1024;

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

  /**
   * createUpload (for the family, or with `null` a file of one's own), then PUT `bytes` as told
   * by the ticket; returns the file id and PUT response.
   */
  async function upload(
    headers: Headers,
    familyId: number | null,
    purpose: FilePurpose,
    contentType: string,
    bytes: Buffer,
    byteSize = bytes.length,
  ): Promise<{ fileId: string; put: Response }> {
    const { createUpload: ticket } = await t.request(
      CreateUploadDocument,
      {
        input: {
          purpose,
          contentType,
          byteSize,
          familyId: familyId === null ? null : String(familyId),
        },
      },
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

  it('releases the files of deleted records an hour after their last reference, then purges them; a file another record still uses stays', async () => {
    const f = await createFamily(t, { managers: 1 });
    const { orm, logger, services } = t.server.app;
    const measuredAt = (minutesAgo: number) =>
      new Date(Date.now() - minutesAgo * 60_000).toISOString();
    // one snapshot shared by two activities, of which the newer is deleted
    const shared = await readyImage(f);
    for (const minutesAgo of [2, 1])
      await t.request(
        ReportActivityWithImageDocument,
        { input: { action: 'WALKING', imageId: shared.id, measuredAt: measuredAt(minutesAgo) } },
        f.device.headers,
      );
    await t.request(DeleteLatestStatusDocument, { kind: 'ACTIVITY' }, f.device.headers);
    // a notification picture and a background, each of a deleted record
    const { fileId: pictureId } = await upload(
      f.device.headers,
      f.family.id,
      'NOTIFICATION_IMAGE',
      'image/png',
      await png(20, 20),
    );
    await complete(f.device.headers, pictureId);
    const { raiseNotification } = await t.request(
      RaiseNotificationWithImageDocument,
      { input: { grade: 'INFO', kind: 'OTHER', message: 'look', imageId: pictureId } },
      f.device.headers,
    );
    await t.request(
      DeleteNotificationDocument,
      { id: raiseNotification.id },
      f.managers[0]!.headers,
    );
    const background = await readyBackground(f);
    const { addFamilyBackground } = await t.request(
      AddFamilyBackgroundFileDocument,
      { familyId: String(f.family.id), fileId: background.id },
      f.main.headers,
    );
    await t.request(RemoveFamilyBackgroundDocument, { id: addFamilyBackground.id }, f.main.headers);

    // a reference may belong to a transaction still in flight: within the grace period after
    // it, a file stays referenced though no record is seen pointing at it
    const referencedAt = async () =>
      Object.fromEntries(
        (await em().find(File, { id: { $in: [shared.id, pictureId, background.id] } })).map(
          (r) => [r.id, r.referencedAt?.getTime() ?? null] as const,
        ),
      );
    const before = await referencedAt();
    const gone = [before[pictureId]!, before[background.id]!];
    expect(await releaseFilesOfDeletedRecords(orm, logger)).toBe(0);
    const stillInGrace = new Date(Math.min(...gone) + RELEASE_GRACE_MS - 1);
    expect(await releaseFilesOfDeletedRecords(orm, logger, stillInGrace)).toBe(0);
    expect(await referencedAt()).toEqual(before);

    const settled = new Date(Math.max(...gone) + RELEASE_GRACE_MS);
    expect(await releaseFilesOfDeletedRecords(orm, logger, settled)).toBe(2);
    expect(await referencedAt()).toEqual({ ...before, [pictureId]: null, [background.id]: null });
    expect(await releaseFilesOfDeletedRecords(orm, logger, settled)).toBe(0);
    const later = new Date(Date.now() + 25 * 3600_000);
    expect(await purgeOrphanFiles(orm, services.file, logger, later)).toBeGreaterThanOrEqual(2);
    expect(await storage().read(pictureId)).toBeNull();
    expect(await storage().read(background.id)).toBeNull();
    expect(await storage().read(shared.id)).not.toBeNull();
  });

  it('keeps the bytes of a file referenced again while the purge runs', async () => {
    const f = await createFamily(t);
    const file = await readyImage(f);
    const { orm, logger, services } = t.server.app;
    const later = new Date(Date.now() + 25 * 3600_000);
    // the purge has picked the file as an orphan; a report takes it just before the rows go
    const fork = orm.em.fork.bind(orm.em);
    let raced = false;
    const spy = vi.spyOn(orm.em, 'fork').mockImplementation((...args: Parameters<typeof fork>) => {
      const forked = fork(...args);
      const nativeDelete = forked.nativeDelete.bind(forked);
      forked.nativeDelete = (async (...deleteArgs: Parameters<typeof nativeDelete>) => {
        if (!raced && deleteArgs[0] === File) {
          raced = true;
          await t.request(
            ReportActivityWithImageDocument,
            {
              input: { action: 'WALKING', imageId: file.id, measuredAt: new Date().toISOString() },
            },
            f.device.headers,
          );
        }
        return nativeDelete(...deleteArgs);
      }) as typeof nativeDelete;
      return forked;
    });
    try {
      await purgeOrphanFiles(orm, services.file, logger, later);
    } finally {
      spy.mockRestore();
    }
    expect(raced).toBe(true);
    expect(await em().findOne(File, { id: file.id })).not.toBeNull();
    expect(await storage().read(file.id)).not.toBeNull();
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

  /** GETs a signed URL, which must work; the body and its content type. */
  async function download(url: string): Promise<{ type: string | null; bytes: Buffer }> {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return {
      type: response.headers.get('content-type'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  /** Uploads `bytes` as the family's main user and verifies them. */
  async function mainUserUpload(
    f: TestFamily,
    purpose: FilePurpose,
    contentType: string,
    bytes: Buffer,
  ) {
    const { fileId, put } = await upload(f.main.headers, f.family.id, purpose, contentType, bytes);
    expect(put.ok).toBe(true);
    return complete(f.main.headers, fileId);
  }

  it('keeps a PDF attachment byte for byte, verified by its %PDF- signature', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const file = await mainUserUpload(f, 'ATTACHMENT', 'application/pdf', pdf);
    expect(file).toMatchObject({
      status: 'READY',
      contentType: 'application/pdf',
      byteSize: pdf.length,
      width: null,
      height: null,
      thumbnailUrl: null,
    });
    const { file: seen } = await t.request(FileDocument, { id: file.id }, f.caregivers[0]!.headers);
    const got = await download(seen.url!);
    expect(got.type).toMatch(/^application\/pdf/);
    expect(got.bytes.equals(pdf)).toBe(true);
  });

  it('rejects a "PDF" that does not start with %PDF-, whatever else it is', async () => {
    const f = await createFamily(t);
    const fakes = [Buffer.from('PDF-1.4 almost'), Buffer.from(' %PDF-1.4\n'), await png(8, 8)];
    for (const bytes of fakes) {
      expect(await mainUserUpload(f, 'ATTACHMENT', 'application/pdf', bytes)).toMatchObject({
        status: 'REJECTED',
        rejectionReason: 'the bytes are not application/pdf',
        url: null,
      });
    }
  });

  it('accepts a UTF-8 CSV table and rejects binary or non-UTF-8 bytes posing as one', async () => {
    const f = await createFamily(t);
    const csv = Buffer.from('\uFEFF이름,점수\r\n김영희,3\r\n"Lee, Minsu",5\r\n');
    const file = await mainUserUpload(f, 'ASSESSMENT_CSV', 'text/csv', csv);
    expect(file).toMatchObject({ status: 'READY', byteSize: csv.length, thumbnailUrl: null });
    expect((await download(file.url!)).bytes.equals(csv)).toBe(true);
    const fakes = [
      Buffer.from('name,score\n\0\0\0\0,1\n'),
      // "이름,1" in EUC-KR, how older Korean spreadsheets export: not UTF-8
      Buffer.from([0xc0, 0xcc, 0xb8, 0xa7, 0x2c, 0x31, 0x0a]),
      await png(8, 8),
      pdf,
    ];
    for (const bytes of fakes) {
      expect(await mainUserUpload(f, 'ASSESSMENT_CSV', 'text/csv', bytes)).toMatchObject({
        status: 'REJECTED',
        rejectionReason: 'the bytes are not text/csv',
      });
    }
  });

  it('limits attachments and CSV tables to their own content types and sizes', async () => {
    const f = await createFamily(t);
    const input = (purpose: FilePurpose, contentType: string, byteSize: number) => ({
      input: { purpose, contentType, byteSize, familyId: String(f.family.id) },
    });
    const refusal = async (purpose: FilePurpose, contentType: string, byteSize: number) =>
      (
        await t.requestErrors(
          CreateUploadDocument,
          input(purpose, contentType, byteSize),
          f.main.headers,
        )
      )[0]?.extensions;
    for (const [purpose, contentType, limit] of [
      ['ATTACHMENT', 'application/pdf', 20 * MiB],
      ['ATTACHMENT', 'image/jpeg', 20 * MiB],
      ['ASSESSMENT_CSV', 'text/csv', 5 * MiB],
    ] as const) {
      await t.request(CreateUploadDocument, input(purpose, contentType, limit), f.main.headers);
      expect(await refusal(purpose, contentType, limit + 1)).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'input.byteSize': `must be at most ${limit} bytes for ${purpose}` },
      });
    }
    for (const [purpose, contentType, allowed] of [
      ['ATTACHMENT', 'text/csv', 'application/pdf'],
      ['ASSESSMENT_CSV', 'application/pdf', 'text/csv'],
      ['ASSESSMENT_CSV', 'text/plain', 'text/csv'],
      ['MESSAGE_IMAGE', 'application/pdf', 'image/png'],
    ] as const) {
      expect(await refusal(purpose, contentType, 10)).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'input.contentType': expect.stringContaining(allowed) as string },
      });
    }
  });

  it('attaches a verified picture to a message: sender and recipient get its URL, nobody else', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const stranger = await createFamily(t);
    const caregiver = f.caregivers[0]!;
    const { fileId } = await upload(
      caregiver.headers,
      f.family.id,
      'MESSAGE_IMAGE',
      'image/png',
      await png(300, 200),
    );
    expect((await complete(caregiver.headers, fileId)).status).toBe('READY');
    const { sendMessage } = await t.request(
      SendMessageWithImageDocument,
      { input: { toUserId: String(f.main.user.id), content: '사진 보세요', imageId: fileId } },
      caregiver.headers,
    );
    expect(sendMessage).toMatchObject({
      image: fileId,
      imageFile: { id: fileId, status: 'READY', width: 300, height: 200 },
    });
    expect((await em().findOneOrFail(File, { id: fileId })).referencedAt).toBeInstanceOf(Date);
    // the recipient's Carebot reads the main user's mailbox
    for (const headers of [caregiver.headers, f.main.headers, f.device.headers]) {
      const { message } = await t.request(
        MessageWithImageDocument,
        { id: sendMessage.id },
        headers,
      );
      expect(message?.imageFile?.id).toBe(fileId);
      const { bytes } = await download(message!.imageFile!.url!);
      expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 300 });
    }
    for (const headers of [stranger.main.headers, stranger.device.headers]) {
      expect(
        codeOf(await t.requestErrors(MessageWithImageDocument, { id: sendMessage.id }, headers)),
      ).toBe('NOT_FOUND');
      expect(codeOf(await t.requestErrors(FileDocument, { id: fileId }, headers))).toBe(
        'NOT_FOUND',
      );
    }
  });

  it('shows a message picture to its uploader and both sides only, not to the rest of the family', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 2 });
    const [sender, bystander] = [f.caregivers[0]!, f.caregivers[1]!];
    const manager = f.managers[0]!;
    const { fileId } = await upload(
      sender.headers,
      f.family.id,
      'MESSAGE_IMAGE',
      'image/png',
      await png(30, 20),
    );
    await complete(sender.headers, fileId);
    /** What `file(id)` answers the viewer: the file's id, or the error code. */
    const answer = async (id: string, headers: Headers) => {
      try {
        return (await t.request(FileDocument, { id }, headers)).file.id;
      } catch (error) {
        if (!(error instanceof ClientError)) throw error;
        return codeOf(error.response.errors ?? []);
      }
    };
    // not sent yet: the uploader's alone
    expect(await answer(fileId, sender.headers)).toBe(fileId);
    for (const viewer of [f.main, manager, bystander])
      expect(await answer(fileId, viewer.headers)).toBe('NOT_FOUND');

    const { sendMessage } = await t.request(
      SendMessageWithImageDocument,
      { input: { toUserId: String(f.main.user.id), content: 'for you', imageId: fileId } },
      sender.headers,
    );
    // the recipient's Carebot reads the main user's mailbox
    for (const headers of [sender.headers, f.main.headers, f.device.headers]) {
      expect(await answer(fileId, headers)).toBe(fileId);
      const { message } = await t.request(
        MessageWithImageDocument,
        { id: sendMessage.id },
        headers,
      );
      expect(message?.imageFile?.id).toBe(fileId);
    }
    // family VIEW is not enough: a caregiver or a manager who learns the id sees nothing
    for (const viewer of [bystander, manager])
      expect(await answer(fileId, viewer.headers)).toBe('NOT_FOUND');

    // sent by the Carebot for the main user: the main user sent it too
    const { fileId: snapshot } = await upload(
      f.device.headers,
      f.family.id,
      'MESSAGE_IMAGE',
      'image/png',
      await png(10, 10),
    );
    await complete(f.device.headers, snapshot);
    await t.request(
      SendMessageWithImageDocument,
      { input: { toUserId: String(sender.user.id), content: 'from grandma', imageId: snapshot } },
      f.device.headers,
    );
    for (const viewer of [f.device, f.main, sender])
      expect(await answer(snapshot, viewer.headers)).toBe(snapshot);
    for (const viewer of [bystander, manager])
      expect(await answer(snapshot, viewer.headers)).toBe('NOT_FOUND');
  });

  it('refuses a message picture that is not a verified MESSAGE_IMAGE of the family', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t);
    const snapshot = await readyImage(f);
    const { fileId: elsewhere } = await upload(
      other.main.headers,
      other.family.id,
      'MESSAGE_IMAGE',
      'image/png',
      await png(10, 10),
    );
    await complete(other.main.headers, elsewhere);
    const { fileId: unverified } = await upload(
      f.main.headers,
      f.family.id,
      'MESSAGE_IMAGE',
      'image/png',
      await png(10, 10),
    );
    for (const imageId of [snapshot.id, elsewhere, unverified]) {
      const errors = await t.requestErrors(
        SendMessageWithImageDocument,
        { input: { toUserId: String(f.caregivers[0]!.user.id), content: 'look', imageId } },
        f.main.headers,
      );
      expect(errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'input.imageId': 'must be a verified MESSAGE_IMAGE upload of this family' },
      });
    }
  });

  /** A READY avatar the user uploaded (a phone photo with GPS metadata). */
  async function readyAvatar(headers: Headers) {
    const { fileId, put } = await upload(headers, null, 'AVATAR', 'image/jpeg', await phonePhoto());
    expect(put.ok).toBe(true);
    const file = await complete(headers, fileId);
    expect(file.status).toBe('READY');
    return file;
  }

  const setAvatar = (headers: Headers, avatarId: string | null) =>
    t.request(UpdateMyAvatarDocument, { input: { avatarId } }, headers);

  it('takes an avatar upload without a family, and every other upload with one', async () => {
    const f = await createFamily(t);
    const ask = (
      headers: Headers,
      purpose: FilePurpose,
      familyId: string | null,
      type = 'image/png',
    ) =>
      t.requestErrors(
        CreateUploadDocument,
        { input: { purpose, contentType: type, byteSize: 100, familyId } },
        headers,
      );
    expect((await ask(f.main.headers, 'AVATAR', String(f.family.id)))[0]?.extensions).toMatchObject(
      {
        code: 'BAD_USER_INPUT',
        fields: { 'input.familyId': 'must be omitted for AVATAR (it is yours)' },
      },
    );
    expect((await ask(f.main.headers, 'MESSAGE_IMAGE', null))[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.familyId': 'is required for MESSAGE_IMAGE' },
    });
    expect(
      (await ask(f.main.headers, 'AVATAR', null, 'application/pdf'))[0]?.extensions,
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.contentType': expect.any(String) as string },
    });
    // a Carebot has no face of its own
    expect(codeOf(await ask(f.device.headers, 'AVATAR', null))).toBe('FORBIDDEN');
    expect(codeOf(await ask({}, 'AVATAR', null))).toBe('UNAUTHENTICATED');
    expect(await em().count(File, { uploadedByUser: f.main.user.id })).toBe(0);
  });

  it("sets a user's avatar from their verified upload, stripped of EXIF, for the family and its Carebot to see", async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    expect((await sharp(await phonePhoto()).metadata()).exif?.includes('PhoneCo')).toBe(true);
    const avatar = await readyAvatar(caregiver.headers);
    const row = await em().findOneOrFail(File, { id: avatar.id });
    expect(row).toMatchObject({ family: null, referencedAt: null });
    expect(row.owner?.id).toBe(caregiver.user.id);

    const { updateMe } = await setAvatar(caregiver.headers, avatar.id);
    expect(updateMe.avatar).toMatchObject({
      id: avatar.id,
      purpose: 'AVATAR',
      status: 'READY',
      width: 600,
      height: 400,
    });
    expect((await em().findOneOrFail(File, { id: avatar.id })).referencedAt).toBeInstanceOf(Date);
    const { me } = await t.request(MyAvatarDocument, {}, caregiver.headers);
    const stored = await download(me!.avatar!.url!);
    const metadata = await sharp(stored.bytes).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 600, height: 400 });
    expect(metadata.exif).toBeUndefined();

    for (const viewer of [f.main, f.managers[0]!]) {
      const { family } = await t.request(
        FamilyAvatarsDocument,
        { id: String(f.family.id) },
        viewer.headers,
      );
      const member = family!.members.find((m) => m.user.id === String(caregiver.user.id));
      expect(member?.user.avatar?.id).toBe(avatar.id);
      await download(member!.user.avatar!.url!);
      const { file } = await t.request(FileDocument, { id: avatar.id }, viewer.headers);
      expect(file.id).toBe(avatar.id);
    }
    // the Carebot shows who wrote to its elder
    const { sendMessage } = await t.request(
      SendMessageWithImageDocument,
      { input: { toUserId: String(f.main.user.id), content: 'hi' } },
      caregiver.headers,
    );
    const { message } = await t.request(
      MessageAvatarsDocument,
      { id: sendMessage.id },
      f.device.headers,
    );
    expect(message).toMatchObject({ from: { avatar: { id: avatar.id } }, to: { avatar: null } });
    await download(message!.from.avatar!.thumbnailUrl!);
  });

  it('shows an avatar to nobody who shares no ACTIVE family with its user', async () => {
    const f = await createFamily(t, { caregivers: 1, pending: 1 });
    const stranger = await createFamily(t);
    const [caregiver, applicant] = [f.caregivers[0]!, f.pending[0]!];
    const avatar = await readyAvatar(caregiver.headers);
    await setAvatar(caregiver.headers, avatar.id);
    const applicantAvatar = await readyAvatar(applicant.headers);
    await setAvatar(applicant.headers, applicantAvatar.id);
    const mainAvatar = await readyAvatar(f.main.headers);
    await setAvatar(f.main.headers, mainAvatar.id);

    for (const headers of [stranger.main.headers, stranger.device.headers, applicant.headers]) {
      expect(codeOf(await t.requestErrors(FileDocument, { id: avatar.id }, headers))).toBe(
        'NOT_FOUND',
      );
    }
    // a pending applicant shows to those who decide on them, not to the caregivers
    const avatarsSeenBy = async (headers: Headers) => {
      const { family } = await t.request(
        FamilyAvatarsDocument,
        { id: String(f.family.id) },
        headers,
      );
      return Object.fromEntries(
        family!.members.map((m) => [m.user.id, m.user.avatar?.id ?? null] as const),
      );
    };
    expect(await avatarsSeenBy(f.main.headers)).toEqual({
      [caregiver.user.id]: avatar.id,
      [applicant.user.id]: applicantAvatar.id,
    });
    expect(await avatarsSeenBy(caregiver.headers)).toEqual({
      [caregiver.user.id]: avatar.id,
      [applicant.user.id]: null,
    });

    // after leaving, old messages keep the names but show no face, either way
    const { sendMessage } = await t.request(
      SendMessageWithImageDocument,
      { input: { toUserId: String(f.main.user.id), content: 'bye' } },
      caregiver.headers,
    );
    await t.request(LeaveFamilyDocument, { familyId: String(f.family.id) }, caregiver.headers);
    const seen = async (headers: Headers) =>
      (await t.request(MessageAvatarsDocument, { id: sendMessage.id }, headers)).message;
    expect(await seen(f.main.headers)).toMatchObject({
      from: { avatar: null },
      to: { avatar: { id: mainAvatar.id } },
    });
    expect(await seen(caregiver.headers)).toMatchObject({
      from: { avatar: { id: avatar.id } },
      to: { avatar: null },
    });
    expect(codeOf(await t.requestErrors(FileDocument, { id: avatar.id }, f.main.headers))).toBe(
      'NOT_FOUND',
    );
    expect(
      codeOf(await t.requestErrors(FileDocument, { id: mainAvatar.id }, caregiver.headers)),
    ).toBe('NOT_FOUND');
  });

  it('leaves a replaced or removed avatar unreferenced, for the orphan purge to delete', async () => {
    const user = await createUser(t);
    const first = await readyAvatar(user.headers);
    const second = await readyAvatar(user.headers);
    const row = (id: string) => em().findOne(File, { id });
    await setAvatar(user.headers, first.id);
    expect((await setAvatar(user.headers, second.id)).updateMe.avatar?.id).toBe(second.id);
    expect((await row(first.id))?.referencedAt).toBeNull();
    expect((await row(second.id))?.referencedAt).toBeInstanceOf(Date);
    // setting it again, or changing something else, keeps it
    await setAvatar(user.headers, second.id);
    const { updateMe: renamed } = await t.request(
      UpdateMyAvatarDocument,
      { input: { name: 'Renamed' } },
      user.headers,
    );
    expect(renamed).toMatchObject({ name: 'Renamed', avatar: { id: second.id } });
    expect((await row(second.id))?.referencedAt).toBeInstanceOf(Date);

    const { orm, logger, services } = t.server.app;
    const later = new Date(Date.now() + 25 * 3600_000);
    await purgeOrphanFiles(orm, services.file, logger, later);
    expect(await row(first.id)).toBeNull();
    expect(await storage().read(first.id)).toBeNull();
    expect(await storage().read(`${first.id}.thumb`)).toBeNull();
    expect(await row(second.id)).not.toBeNull();
    expect(await storage().read(second.id)).not.toBeNull();

    expect((await setAvatar(user.headers, null)).updateMe.avatar).toBeNull();
    expect((await row(second.id))?.referencedAt).toBeNull();
    expect((await t.request(MyAvatarDocument, {}, user.headers)).me?.avatar).toBeNull();
    await purgeOrphanFiles(orm, services.file, logger, later);
    expect(await row(second.id)).toBeNull();
    expect(await storage().read(second.id)).toBeNull();
  });

  it('deletes the avatar with the account, rows and stored objects; family pictures stay', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const avatar = await readyAvatar(caregiver.headers);
    await setAvatar(caregiver.headers, avatar.id);
    const unused = await readyAvatar(caregiver.headers);
    const { fileId: shared } = await upload(
      caregiver.headers,
      f.family.id,
      'MESSAGE_IMAGE',
      'image/png',
      await png(10, 10),
    );
    await complete(caregiver.headers, shared);
    await t.request(DeleteMeDocument, { password: caregiver.password }, caregiver.headers);
    for (const id of [avatar.id, unused.id]) {
      expect(await em().findOne(File, { id })).toBeNull();
      expect(await storage().read(id)).toBeNull();
      expect(await storage().read(`${id}.thumb`)).toBeNull();
    }
    const kept = await em().findOneOrFail(File, { id: shared });
    expect(kept.uploadedByUser).toBeNull();
    expect(await storage().read(shared)).not.toBeNull();
  });

  it('refuses an avatar that is not a verified AVATAR upload of the user, changing nothing', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const mainAvatar = await readyAvatar(f.main.headers);
    const { fileId: pending } = await upload(
      caregiver.headers,
      null,
      'AVATAR',
      'image/jpeg',
      await phonePhoto(),
    );
    const { fileId: fake } = await upload(
      caregiver.headers,
      null,
      'AVATAR',
      'image/png',
      Buffer.from('not a picture at all'),
    );
    expect((await complete(caregiver.headers, fake)).status).toBe('REJECTED');
    const { fileId: familyPicture } = await upload(
      caregiver.headers,
      f.family.id,
      'MESSAGE_IMAGE',
      'image/png',
      await png(10, 10),
    );
    expect((await complete(caregiver.headers, familyPicture)).status).toBe('READY');

    const attempt = (avatarId: string) =>
      t.requestErrors(
        UpdateMyAvatarDocument,
        { input: { name: 'Changed', avatarId } },
        caregiver.headers,
      );
    // someone else's and nobody's answer exactly like the user's own unusable ones: whether a
    // file exists is never revealed
    const answer = (errors: { message: string; extensions?: Record<string, unknown> }[]) =>
      errors.map(({ message, extensions }) => ({ message, extensions }));
    const unknown = answer(await attempt(newFileId()));
    expect(unknown).toEqual([
      {
        message: expect.any(String) as string,
        extensions: {
          code: 'BAD_USER_INPUT',
          fields: { 'input.avatarId': 'must be a verified AVATAR upload of yours' },
        },
      },
    ]);
    for (const id of [mainAvatar.id, pending, fake, familyPicture]) {
      expect(answer(await attempt(id))).toEqual(unknown);
    }
    expect((await attempt('../../etc/passwd'))[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.avatarId': 'must be a file id' },
    });
    expect(await em().findOneOrFail(User, { id: caregiver.user.id })).toMatchObject({
      name: caregiver.user.name,
      avatarId: null,
    });
    for (const id of [familyPicture, mainAvatar.id]) {
      expect((await em().findOneOrFail(File, { id })).referencedAt).toBeNull();
    }
    // nor is an avatar a picture for the family's records
    const asMessage = await t.requestErrors(
      SendMessageWithImageDocument,
      { input: { toUserId: String(caregiver.user.id), content: 'me', imageId: mainAvatar.id } },
      f.main.headers,
    );
    expect(asMessage[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'input.imageId': expect.any(String) as string },
    });
  });

  it('refuses an upper-cased file id in every input that takes one, naming the field and changing nothing', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const snapshot = await readyImage(f);
    const { fileId: picture } = await upload(
      f.device.headers,
      f.family.id,
      'NOTIFICATION_IMAGE',
      'image/png',
      await png(10, 10),
    );
    await complete(f.device.headers, picture);
    const attachment = await mainUserUpload(f, 'MESSAGE_IMAGE', 'image/png', await png(10, 10));
    const background = await readyBackground(f);
    const avatar = await readyAvatar(f.main.headers);
    const upper = (id: string) => id.toUpperCase();
    const refusal = (field: string) => ({
      code: 'BAD_USER_INPUT',
      fields: { [field]: 'must be a file id' },
    });
    const measuredAt = new Date().toISOString();

    const attempts = [
      [
        'input.imageId',
        t.requestErrors(
          ReportActivityWithImageDocument,
          { input: { action: 'WALKING', imageId: upper(snapshot.id), measuredAt } },
          f.device.headers,
        ),
      ],
      [
        'input.imageId',
        t.requestErrors(
          RaiseNotificationWithImageDocument,
          { input: { grade: 'INFO', kind: 'OTHER', message: 'look', imageId: upper(picture) } },
          f.device.headers,
        ),
      ],
      [
        'input.imageId',
        t.requestErrors(
          SendMessageWithImageDocument,
          {
            input: {
              toUserId: String(caregiver.user.id),
              content: 'look',
              imageId: upper(attachment.id),
            },
          },
          f.main.headers,
        ),
      ],
      [
        'fileId',
        t.requestErrors(
          AddFamilyBackgroundFileDocument,
          { familyId: String(f.family.id), fileId: upper(background.id) },
          f.main.headers,
        ),
      ],
      [
        'input.avatarId',
        t.requestErrors(
          UpdateMyAvatarDocument,
          { input: { avatarId: upper(avatar.id) } },
          f.main.headers,
        ),
      ],
    ] as const;
    for (const [field, attempt] of attempts) {
      expect((await attempt)[0]?.extensions).toEqual(refusal(field));
    }

    const db = em();
    expect(await db.count(Activity, { family: f.family.id })).toBe(0);
    expect(await db.count(Notification, { family: f.family.id })).toBe(0);
    expect(await db.count(Message, { family: f.family.id })).toBe(0);
    expect(await db.count(FamilyBackground, { family: f.family.id })).toBe(0);
    expect((await db.findOneOrFail(User, { id: f.main.user.id })).avatarId).toBeNull();
    const files = await db.find(File, {
      id: { $in: [snapshot.id, picture, attachment.id, background.id, avatar.id] },
    });
    expect(files.map((file) => file.referencedAt)).toEqual([null, null, null, null, null]);
    // nor does the database take the upper-cased id for the real one
    expect(await db.count(File, { id: upper(snapshot.id) })).toBe(0);
  });

  it('never releases or purges a file a record points at, even one that never stamped it', async () => {
    const f = await createFamily(t);
    const { orm, logger, services } = t.server.app;
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    // a record written straight to the table, as a new feature that forgot to take the file
    // through the file service would: nothing stamped `referencedAt`
    const unstamped = await createReadyFile(t, f.family.id, StoredPurpose.ACTIVITY_IMAGE, {
      createdAt: dayAgo,
      referencedAt: null,
    });
    // a file stamped long ago, and still used
    const stamped = await createReadyFile(t, f.family.id, StoredPurpose.FAMILY_BACKGROUND, {
      createdAt: dayAgo,
      referencedAt: dayAgo,
    });
    const db = em();
    const activity = db.create(Activity, {
      family: f.family.id,
      action: ActivityAction.WALKING,
      imageId: unstamped.id,
      measuredAt: new Date(),
    });
    const held = db.create(FamilyBackground, { family: f.family.id, fileId: stamped.id });
    await db.flush();

    const later = new Date(Date.now() + 25 * 3600_000);
    await releaseFilesOfDeletedRecords(orm, logger, later);
    await purgeOrphanFiles(orm, services.file, logger, later);

    const after = em();
    expect(await after.count(File, { id: { $in: [unstamped.id, stamped.id] } })).toBe(2);
    expect((await after.findOneOrFail(File, stamped.id)).referencedAt).not.toBeNull();
    expect((await after.findOneOrFail(Activity, activity.id)).imageId).toBe(unstamped.id);
    expect((await after.findOneOrFail(FamilyBackground, held.id)).fileId).toBe(stamped.id);

    // once the record is gone, the file goes the usual way
    await after.nativeDelete(Activity, { id: activity.id });
    expect(await purgeOrphanFiles(orm, services.file, logger, later)).toBeGreaterThanOrEqual(1);
    expect(await em().count(File, { id: unstamped.id })).toBe(0);
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
