import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStorageConfig } from '../../config.js';
import { FILE_ID } from './file.id.js';

/** A URL a client may use for a while, and the headers it must send with it. */
export interface SignedUrl {
  url: string;
  headers: Record<string, string>;
}

/** When a signed URL is made and how long it lasts. */
export interface SignOptions {
  expiresInSeconds: number;
  /** For tests: sign as if it were this moment. */
  now?: Date;
}

/**
 * Where the bytes of uploaded files live. Keys are ours (`<fileId>`, `<fileId>.upload`,
 * `<fileId>.thumb`), never client text; clients only ever get short-lived signed URLs.
 */
export interface FileStorage {
  /** A URL to PUT exactly `byteSize` bytes of `contentType` to `key`. */
  uploadUrl(
    key: string,
    contentType: string,
    byteSize: number,
    options: SignOptions,
  ): Promise<SignedUrl>;
  /** A URL to GET `key`, answered with `contentType`. */
  downloadUrl(key: string, contentType: string, options: SignOptions): Promise<string>;
  /** The stored bytes, or null when nothing is stored under `key`. */
  read(key: string): Promise<Buffer | null>;
  write(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Removes the objects; missing ones are fine. */
  remove(keys: readonly string[]): Promise<void>;
}

/** Storage keys: a file id and an optional suffix. */
export const STORAGE_KEY = new RegExp(`${FILE_ID.source.slice(0, -1)}(\\.upload|\\.thumb)?$`);

const expiry = (options: SignOptions) =>
  Math.floor((options.now ?? new Date()).getTime() / 1000) + options.expiresInSeconds;

/** The query parameters of the API's own signed `/files/:key` URLs. */
export interface SignedQuery {
  exp: string;
  sig: string;
  ct: string;
  len?: string;
}

/**
 * HMAC-SHA256 signatures of the API's own file URLs: method, key, expiry (Unix seconds), content
 * type and, for uploads, the exact length. Anything changed invalidates the signature.
 */
export class UrlSigner {
  constructor(private readonly secret: string) {}

  private mac(method: 'GET' | 'PUT', key: string, exp: string, ct: string, len: string): Buffer {
    return createHmac('sha256', this.secret)
      .update([method, key, exp, ct, len].join('\n'))
      .digest();
  }

  sign(method: 'GET' | 'PUT', key: string, exp: number, ct: string, len = ''): string {
    return this.mac(method, key, String(exp), ct, len).toString('base64url');
  }

  /** True when the query is a valid, unexpired signature of this request. */
  verify(
    method: 'GET' | 'PUT',
    key: string,
    query: Partial<SignedQuery>,
    now = new Date(),
  ): boolean {
    const { exp, sig, ct } = query;
    if (exp === undefined || sig === undefined || ct === undefined) return false;
    if (!/^\d{1,12}$/.test(exp) || Number(exp) * 1000 < now.getTime()) return false;
    const expected = this.mac(method, key, exp, ct, query.len ?? '');
    const given = Buffer.from(sig, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** Thrown by `LocalFileStorage.receive` when a body is longer than allowed. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Files on local disk, served by the API itself at signed `/files/:key` URLs (server.ts). */
export class LocalFileStorage implements FileStorage {
  private readonly dir: string;
  /** The API's public base URL; set by the server once it knows its address. */
  baseUrl = 'http://localhost:4000';

  constructor(
    dir: string,
    readonly signer: UrlSigner,
  ) {
    this.dir = resolve(dir);
  }

  private path(key: string): string {
    if (!STORAGE_KEY.test(key)) throw new Error(`not a storage key: ${key}`);
    return join(this.dir, key);
  }

  private url(key: string, query: SignedQuery): string {
    return `${this.baseUrl}/files/${key}?${new URLSearchParams({ ...query }).toString()}`;
  }

  async uploadUrl(key: string, contentType: string, byteSize: number, options: SignOptions) {
    const exp = expiry(options);
    const len = String(byteSize);
    const sig = this.signer.sign('PUT', key, exp, contentType, len);
    return {
      url: this.url(key, { exp: String(exp), sig, ct: contentType, len }),
      headers: { 'content-type': contentType },
    };
  }

  async downloadUrl(key: string, contentType: string, options: SignOptions) {
    const exp = expiry(options);
    const sig = this.signer.sign('GET', key, exp, contentType);
    return this.url(key, { exp: String(exp), sig, ct: contentType });
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async write(key: string, bytes: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${this.path(key)}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, this.path(key));
  }

  /** Streams a request body to `key`, at most `maxBytes`; the object appears only when complete. */
  async receive(key: string, body: Readable, maxBytes: number): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const target = this.path(key);
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    let received = 0;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.length;
            if (received > maxBytes) throw new BodyTooLargeError();
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
      await rename(temp, target);
      return received;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async remove(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.path(key), { force: true })));
  }
}

/** Files in a private S3-compatible bucket; clients PUT and GET with presigned URLs. */
export class S3FileStorage implements FileStorage {
  readonly client: S3Client;
  /**
   * Signs the URLs handed to clients. A SigV4 signature covers the host, so when clients reach
   * the store at another address than the API does (MinIO behind the reverse proxy), URLs are
   * signed for that address; the proxy must pass the Host header through unchanged.
   */
  private readonly presigner: S3Client;

  constructor(private readonly config: Extract<FileStorageConfig, { driver: 's3' }>) {
    this.client = S3FileStorage.clientFor(config, config.endpoint);
    this.presigner =
      config.publicEndpoint === undefined
        ? this.client
        : S3FileStorage.clientFor(config, config.publicEndpoint);
  }

  private static clientFor(
    config: Extract<FileStorageConfig, { driver: 's3' }>,
    endpoint: string | undefined,
  ): S3Client {
    return new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(config.accessKeyId === undefined || config.secretAccessKey === undefined
        ? {}
        : {
            credentials: {
              accessKeyId: config.accessKeyId,
              secretAccessKey: config.secretAccessKey,
            },
          }),
    });
  }

  private objectKey(key: string): string {
    if (!STORAGE_KEY.test(key)) throw new Error(`not a storage key: ${key}`);
    return `files/${key}`;
  }

  private signOptions(options: SignOptions) {
    return {
      expiresIn: options.expiresInSeconds,
      ...(options.now === undefined ? {} : { signingDate: options.now }),
    };
  }

  async uploadUrl(key: string, contentType: string, byteSize: number, options: SignOptions) {
    const command = new PutObjectCommand({
      Bucket: this.config.bucket,
      Key: this.objectKey(key),
      ContentType: contentType,
      ContentLength: byteSize,
    });
    const url = await getSignedUrl(this.presigner, command, this.signOptions(options));
    return { url, headers: { 'content-type': contentType } };
  }

  async downloadUrl(key: string, contentType: string, options: SignOptions) {
    const command = new GetObjectCommand({
      Bucket: this.config.bucket,
      Key: this.objectKey(key),
      ResponseContentType: contentType,
    });
    return getSignedUrl(this.presigner, command, this.signOptions(options));
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }),
      );
      if (response.Body === undefined) return null;
      return Buffer.from(await response.Body.transformToByteArray());
    } catch (error) {
      if (error instanceof NoSuchKey) return null;
      throw error;
    }
  }

  async write(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentType: contentType,
      }),
    );
  }

  async remove(keys: readonly string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.client.send(
          new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }),
        ),
      ),
    );
  }
}

/** The storage driver a configuration selects. */
export function createFileStorage(
  config: FileStorageConfig,
  secret: string,
): LocalFileStorage | S3FileStorage {
  return config.driver === 'local'
    ? new LocalFileStorage(config.dir, new UrlSigner(secret))
    : new S3FileStorage(config);
}
