import sharp from 'sharp';
import { requireUser } from '../../auth/access.js';
import type { Scope } from '../../scope.js';
import { mailboxOf } from '../message/message.service.js';
import type { EntityManager } from '../../database/orm.js';
import { parseId } from '../../graphql/ids.js';
import {
  BadUserInputError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
} from '../../graphql/errors.js';
import { ORPHAN_AFTER_MS } from './file.jobs.js';
import type { Logger } from '../../observability/logger.js';
import { User } from '../account/user.entity.js';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { Message } from '../message/message.entity.js';
import { File, FilePurpose, FileStatus } from './file.entity.js';
import type { CreateUploadInput } from './file.inputs.js';
import {
  type IMAGE_TYPES,
  MAX_IMAGE_EDGE,
  PURPOSE_RULES,
  sniffContentType,
  THUMBNAIL_EDGE,
} from './file.purposes.js';
import { newFileId } from './file.id.js';
import type { FileStorage } from './file.storage.js';

/** Upload URLs last 15 minutes; download URLs 10 minutes (fetched again with the record). */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;
export const DOWNLOAD_URL_TTL_SECONDS = 10 * 60;
/** Images larger than this many pixels are refused before decoding (decompression bombs). */
const MAX_INPUT_PIXELS = 50_000_000;

/** What `createUpload` hands back: where and how to PUT the bytes. */
export interface UploadTicketData {
  fileId: string;
  uploadUrl: string;
  headers: { name: string; value: string }[];
  expiresAt: Date;
}

const uploadKey = (fileId: string) => `${fileId}.upload`;

/** Every storage key a file may occupy. */
export function keysOf(file: Pick<File, 'id' | 'storageKey' | 'thumbnailKey'>): string[] {
  return [
    uploadKey(file.id),
    file.storageKey,
    ...(file.thumbnailKey === null ? [] : [file.thumbnailKey]),
  ];
}

type ImageFormat = 'jpeg' | 'png' | 'webp';
const FORMAT: Record<(typeof IMAGE_TYPES)[number], ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};
const isImageType = (type: string): type is (typeof IMAGE_TYPES)[number] => type in FORMAT;

/** The outcome of checking uploaded bytes. */
type Verdict =
  | {
      ok: true;
      main: Buffer;
      thumbnail: Buffer | null;
      width: number | null;
      height: number | null;
    }
  | { ok: false; reason: string };

/**
 * Uploads: a client asks for a ticket, PUTs the bytes straight to storage, then calls
 * `completeUpload`, which checks size and magic bytes and re-encodes images (stripping EXIF/GPS).
 * Only READY files can be referenced, and only by records of the same family and purpose.
 */
export class FileService {
  constructor(
    private readonly deps: {
      storage: FileStorage;
      logger: Logger;
      uploadQuota: { maxFiles: number; maxBytes: number };
    },
  ) {}

  get storage(): FileStorage {
    return this.deps.storage;
  }

  /**
   * Whom a new upload belongs to: an AVATAR to the signed-in user (it takes no family), anything
   * else to the family named, where the viewer must stand.
   */
  private async ownerOf(
    ctx: Scope,
    input: CreateUploadInput,
  ): Promise<{ familyId: number; userId: null } | { familyId: null; userId: number }> {
    const familyId = input.familyId ?? null;
    if (input.purpose === FilePurpose.AVATAR) {
      const viewer = requireUser(ctx.viewer);
      if (familyId !== null) {
        throw BadUserInputError.field('input.familyId', 'must be omitted for AVATAR (it is yours)');
      }
      return { familyId: null, userId: viewer.userId };
    }
    // an ATTACHMENT without a family is the uploader's own, for a community post or comment
    if (input.purpose === FilePurpose.ATTACHMENT && familyId === null) {
      const viewer = requireUser(ctx.viewer);
      return { familyId: null, userId: viewer.userId };
    }
    if (familyId === null) {
      throw BadUserInputError.field('input.familyId', `is required for ${input.purpose}`);
    }
    const id = parseId(familyId, 'Family');
    // any standing may upload (members for messages, devices for snapshots); the record that
    // references the file checks the finer right (e.g. MANAGE for a family background)
    if ((await ctx.access.standingIn(id)) === undefined) throw new NotFoundError('Family', id);
    return { familyId: id, userId: null };
  }

  /**
   * Unfinished uploads live until the orphan purge (a day): without a quota one account could
   * reserve storage without end. RATE_LIMITED until its oldest unfinished upload is purged.
   */
  private async requireUploadQuota(ctx: Scope, byteSize: number): Promise<void> {
    const { viewer } = ctx;
    const mine =
      viewer.kind === 'user'
        ? { uploadedByUser: viewer.userId }
        : viewer.kind === 'device'
          ? { uploadedByDevice: viewer.deviceId }
          : undefined;
    if (mine === undefined) return;
    const pending = await ctx.em.find(
      File,
      { ...mine, status: FileStatus.PENDING },
      { fields: ['byteSize', 'createdAt'], orderBy: { createdAt: 'asc' } },
    );
    const bytes = pending.reduce((sum, file) => sum + file.byteSize, 0);
    const { maxFiles, maxBytes } = this.deps.uploadQuota;
    if (pending.length < maxFiles && bytes + byteSize <= maxBytes) return;
    const oldest = pending[0]?.createdAt.getTime() ?? Date.now();
    const retryAfter = Math.max(1, Math.ceil((oldest + ORPHAN_AFTER_MS - Date.now()) / 1000));
    throw new RateLimitedError(retryAfter);
  }

  async createUpload(ctx: Scope, input: CreateUploadInput): Promise<UploadTicketData> {
    const { viewer } = ctx;
    if (viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const owner = await this.ownerOf(ctx, input);
    const rule = PURPOSE_RULES[input.purpose];
    if (!rule.contentTypes.includes(input.contentType)) {
      throw BadUserInputError.field(
        'input.contentType',
        `must be one of ${rule.contentTypes.join(', ')} for ${input.purpose}`,
      );
    }
    if (input.byteSize > rule.maxBytes) {
      throw BadUserInputError.field(
        'input.byteSize',
        `must be at most ${rule.maxBytes} bytes for ${input.purpose}`,
      );
    }
    await this.requireUploadQuota(ctx, input.byteSize);
    const id = newFileId();
    ctx.em.create(File, {
      id,
      family: owner.familyId === null ? null : ctx.em.getReference(Family, owner.familyId),
      owner: owner.userId === null ? null : ctx.em.getReference(User, owner.userId),
      uploadedByUser: viewer.kind === 'user' ? ctx.em.getReference(User, viewer.userId) : null,
      uploadedByDevice:
        viewer.kind === 'device' ? ctx.em.getReference(Device, viewer.deviceId) : null,
      purpose: input.purpose,
      contentType: input.contentType,
      byteSize: input.byteSize,
      storageKey: id,
    });
    await ctx.em.flush();
    const now = new Date();
    const signed = await this.deps.storage.uploadUrl(
      uploadKey(id),
      input.contentType,
      input.byteSize,
      { expiresInSeconds: UPLOAD_URL_TTL_SECONDS, now },
    );
    return {
      fileId: id,
      uploadUrl: signed.url,
      headers: Object.entries(signed.headers).map(([name, value]) => ({ name, value })),
      expiresAt: new Date(now.getTime() + UPLOAD_URL_TTL_SECONDS * 1000),
    };
  }

  /** The file if the viewer uploaded it; NOT_FOUND otherwise. */
  private async ownUpload(ctx: Scope, fileId: string): Promise<File> {
    const { viewer } = ctx;
    if (viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const file = await ctx.em.findOne(File, { id: fileId });
    const mine =
      file !== null &&
      (viewer.kind === 'user'
        ? file.uploadedByUser?.id === viewer.userId
        : file.uploadedByDevice?.id === viewer.deviceId);
    if (!mine) throw new NotFoundError('File', fileId.slice(0, 40));
    return file;
  }

  /**
   * Verifies the uploaded bytes: READY (images re-encoded, bounded, metadata stripped) or
   * REJECTED with a reason. Completing again returns the file as it is.
   */
  async completeUpload(ctx: Scope, fileId: string): Promise<File> {
    const file = await this.ownUpload(ctx, fileId);
    if (file.status !== FileStatus.PENDING) return file;
    const bytes = await this.deps.storage.read(uploadKey(file.id));
    if (bytes === null) throw BadUserInputError.field('fileId', 'has no uploaded bytes yet');
    const verdict = await this.verify(file, bytes);
    if (verdict.ok) {
      const thumbnailKey = verdict.thumbnail === null ? null : `${file.id}.thumb`;
      await this.deps.storage.write(file.storageKey, verdict.main, file.contentType);
      if (thumbnailKey !== null && verdict.thumbnail !== null)
        await this.deps.storage.write(thumbnailKey, verdict.thumbnail, file.contentType);
      file.status = FileStatus.READY;
      file.byteSize = verdict.main.length;
      file.width = verdict.width;
      file.height = verdict.height;
      file.thumbnailKey = thumbnailKey;
    } else {
      file.status = FileStatus.REJECTED;
      file.rejectionReason = verdict.reason;
    }
    await ctx.em.flush();
    await this.deps.storage.remove([uploadKey(file.id)]);
    return file;
  }

  private async verify(file: File, bytes: Buffer): Promise<Verdict> {
    if (bytes.length !== file.byteSize) {
      return {
        ok: false,
        reason: `${bytes.length} bytes were uploaded, ${file.byteSize} were declared`,
      };
    }
    const actual = sniffContentType(bytes);
    if (actual !== file.contentType) {
      return { ok: false, reason: `the bytes are not ${file.contentType}` };
    }
    if (!isImageType(file.contentType)) {
      return { ok: true, main: bytes, thumbnail: null, width: null, height: null };
    }
    const format = FORMAT[file.contentType];
    try {
      const source = () =>
        // auto-orient from EXIF before it is dropped: sharp writes no metadata unless asked
        sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
      const main = await source()
        .resize({
          width: MAX_IMAGE_EDGE,
          height: MAX_IMAGE_EDGE,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .toFormat(format)
        .toBuffer({ resolveWithObject: true });
      const thumbnail = await source()
        .resize({
          width: THUMBNAIL_EDGE,
          height: THUMBNAIL_EDGE,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .toFormat(format)
        .toBuffer();
      return {
        ok: true,
        main: main.data,
        thumbnail,
        width: main.info.width,
        height: main.info.height,
      };
    } catch {
      return { ok: false, reason: 'the image could not be decoded' };
    }
  }

  /**
   * A file the viewer may see: a family's file with family VIEW (or to the device that uploaded
   * it), except a message picture, which only its uploader and the two sides of a message
   * carrying it see; a user's own file to that user, and to whoever may see their avatar while it
   * is the avatar. NOT_FOUND otherwise.
   */
  async get(ctx: Scope, fileId: string): Promise<File> {
    if (ctx.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const file = await ctx.em.findOne(File, { id: fileId });
    if (file === null) throw new NotFoundError('File', fileId.slice(0, 40));
    const { viewer } = ctx;
    if (viewer.kind === 'device' && file.uploadedByDevice?.id === viewer.deviceId) return file;
    if (file.family === null) {
      const ownerId = file.owner?.id;
      if (ownerId === undefined) throw new NotFoundError('File', file.id);
      if (viewer.kind === 'user' && viewer.userId === ownerId) return file;
      const isAvatar = (await ctx.em.count(User, { id: ownerId, avatarId: file.id })) > 0;
      if (isAvatar && (await ctx.access.canSeeAvatar(ownerId))) return file;
      throw new NotFoundError('File', file.id);
    }
    if (file.purpose === FilePurpose.MESSAGE_IMAGE) {
      // a message is between two people: family VIEW would show it to every member who learns
      // the id; neither side needs to stand in the family any more, as with the message itself
      if (await this.sentOrReceived(ctx, file)) return file;
      throw new NotFoundError('File', file.id);
    }
    await ctx.access.requireFamily(file.family.id, 'VIEW', 'File', file.id);
    return file;
  }

  /**
   * Whether the viewer uploaded a message picture, or sent or received (in the mailbox they use,
   * a device its main user's) a message carrying it.
   */
  private async sentOrReceived(ctx: Scope, file: File): Promise<boolean> {
    const { viewer } = ctx;
    if (viewer.kind === 'user' && file.uploadedByUser?.id === viewer.userId) return true;
    const { userId } = await mailboxOf(ctx);
    const carrying = await ctx.em.count(Message, {
      imageId: file.id,
      $or: [{ fromUser: userId }, { toUser: userId }],
    });
    return carrying > 0;
  }

  /**
   * Checks that `fileId` names a READY file of the family for `purpose` and marks it referenced,
   * in the caller's unit of work; BAD_USER_INPUT on `field` otherwise.
   */
  reference(
    em: EntityManager,
    ref: { fileId: string; familyId: number; purpose: FilePurpose; field: string },
  ): Promise<File> {
    return this.take(
      em,
      { id: ref.fileId, family: ref.familyId, purpose: ref.purpose },
      ref.field,
      `must be a verified ${ref.purpose} upload of this family`,
    );
  }

  /**
   * Checks that `fileId` names a READY ATTACHMENT upload the user owns (no family) and marks it
   * referenced, in the caller's unit of work; BAD_USER_INPUT on `field` otherwise.
   */
  referenceOwnAttachment(
    em: EntityManager,
    ref: { fileId: string; userId: number; field: string },
  ): Promise<File> {
    return this.take(
      em,
      { id: ref.fileId, owner: ref.userId, purpose: FilePurpose.ATTACHMENT },
      ref.field,
      'must be a verified ATTACHMENT upload of yours (created without a familyId)',
    );
  }

  /**
   * Checks that `fileId` names a READY AVATAR upload of the user and marks it referenced, in the
   * caller's unit of work; BAD_USER_INPUT on `field` otherwise.
   */
  referenceAvatar(
    em: EntityManager,
    ref: { fileId: string; userId: number; field: string },
  ): Promise<File> {
    return this.take(
      em,
      { id: ref.fileId, owner: ref.userId, purpose: FilePurpose.AVATAR },
      ref.field,
      'must be a verified AVATAR upload of yours',
    );
  }

  /**
   * The READY file matching `where`, marked referenced. One answer for unknown, someone else's,
   * unverified and wrong-purpose ids, so whether a file exists is never revealed.
   */
  private async take(
    em: EntityManager,
    where: { id: string; purpose: FilePurpose } & ({ family: number } | { owner: number }),
    field: string,
    problem: string,
  ): Promise<File> {
    const file = await em.findOne(File, { ...where, status: FileStatus.READY });
    if (file === null) throw BadUserInputError.field(field, problem);
    // stamped now, before the caller commits: the release sweep's grace period covers the gap
    file.referencedAt = new Date();
    return file;
  }

  /**
   * Marks a file that its only record no longer points at (a replaced or removed avatar) as
   * unreferenced, in the caller's unit of work, so the orphan purge deletes it.
   */
  async release(em: EntityManager, fileId: string): Promise<void> {
    const file = await em.findOne(File, { id: fileId });
    if (file !== null) file.referencedAt = null;
  }

  /** A short-lived signed URL of a READY file (or its thumbnail); null otherwise. */
  async url(file: File, thumbnail = false): Promise<string | null> {
    if (file.status !== FileStatus.READY) return null;
    const key = thumbnail ? file.thumbnailKey : file.storageKey;
    if (key === null) return null;
    return this.deps.storage.downloadUrl(key, file.contentType, {
      expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS,
    });
  }

  /** Removes stored objects, logging (not throwing) failures: the rows are already gone. */
  async removeObjects(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.deps.storage.remove(keys);
    } catch (error) {
      this.deps.logger.error({ err: error, keys: keys.length }, 'could not remove stored files');
    }
  }
}
