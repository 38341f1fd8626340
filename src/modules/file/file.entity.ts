import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
} from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';

/** What an upload is for; each purpose has its own content types and size limit (file.purposes.ts). */
export enum FilePurpose {
  ACTIVITY_IMAGE = 'ACTIVITY_IMAGE',
  NOTIFICATION_IMAGE = 'NOTIFICATION_IMAGE',
  MESSAGE_IMAGE = 'MESSAGE_IMAGE',
  FAMILY_BACKGROUND = 'FAMILY_BACKGROUND',
  AVATAR = 'AVATAR',
  ATTACHMENT = 'ATTACHMENT',
  ASSESSMENT_CSV = 'ASSESSMENT_CSV',
}
registerEnumType(FilePurpose, {
  name: 'FilePurpose',
  description: 'What an upload is for; decides the allowed content types and the size limit.',
  valuesConfig: {
    ACTIVITY_IMAGE: { description: 'A snapshot of an activity (JPEG, PNG or WebP, ≤ 10 MiB).' },
    NOTIFICATION_IMAGE: { description: 'A snapshot for a notification (image, ≤ 10 MiB).' },
    MESSAGE_IMAGE: { description: 'A picture attached to a message (image, ≤ 10 MiB).' },
    FAMILY_BACKGROUND: { description: "A family's dashboard background (image, ≤ 10 MiB)." },
    AVATAR: { description: 'A profile picture (image, ≤ 10 MiB).' },
    ATTACHMENT: { description: 'A document: PDF or image, ≤ 20 MiB.' },
    ASSESSMENT_CSV: { description: 'An assessment table: CSV (UTF-8), ≤ 5 MiB.' },
  },
});

/** Where an upload is in its life. */
export enum FileStatus {
  PENDING = 'PENDING',
  READY = 'READY',
  REJECTED = 'REJECTED',
}
registerEnumType(FileStatus, {
  name: 'FileStatus',
  description: 'Where an upload is in its life.',
  valuesConfig: {
    PENDING: { description: 'Created; the bytes are not uploaded or not verified yet.' },
    READY: { description: 'Verified (and images re-encoded); may be referenced.' },
    REJECTED: { description: 'The bytes did not match the declared type or size.' },
  },
});

/**
 * One uploaded file. The id is random and opaque (it appears in URLs); the bytes live in the
 * storage driver under `storageKey` (and `thumbnailKey` for images), never in the database.
 * A file belongs to a family, or (an avatar) to one user, never both: the owner's deletion
 * takes the row with it.
 */
@Entity({ tableName: 'file' })
@Index({ properties: ['referencedAt', 'createdAt'] })
@Check({ name: 'file_one_owner_check', expression: '(family_id is null) <> (owner_id is null)' })
@ObjectType({
  description: "An uploaded file (picture, document or CSV) of a family, or a user's avatar.",
})
export class File {
  [OptionalProps]?:
    | 'createdAt'
    | 'family'
    | 'owner'
    | 'status'
    | 'width'
    | 'height'
    | 'thumbnailKey'
    | 'referencedAt'
    | 'uploadedByUser'
    | 'uploadedByDevice'
    | 'rejectionReason';

  @PrimaryKey({ length: 26 })
  @Field(() => ID, { description: 'Opaque identifier (26 lower-case letters and digits).' })
  id!: string;

  /** The family whose records may reference it; null for a user's own file. */
  @ManyToOne(() => Family, { ref: true, nullable: true, deleteRule: 'cascade' })
  family: Ref<Family> | null = null;

  /** The user a personal file (an AVATAR) belongs to; null for a family's file. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'cascade' })
  owner: Ref<User> | null = null;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  uploadedByUser: Ref<User> | null = null;

  @ManyToOne(() => Device, { ref: true, nullable: true, deleteRule: 'set null' })
  uploadedByDevice: Ref<Device> | null = null;

  @Enum({ items: () => FilePurpose })
  @Field(() => FilePurpose, { description: 'What it is for.' })
  purpose!: FilePurpose;

  @Property({ length: 100 })
  @Field({ description: 'MIME type, e.g. image/jpeg.' })
  contentType!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, {
    description: 'Size in bytes: as declared while pending, as stored once verified.',
  })
  byteSize!: number;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Width in pixels (images, once verified).' })
  width: number | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Height in pixels (images, once verified).' })
  height: number | null = null;

  @Enum({ items: () => FileStatus })
  @Field(() => FileStatus, { description: 'Whether it was verified.' })
  status: FileStatus = FileStatus.PENDING;

  @Property({ length: 200, nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was rejected, if it was.' })
  rejectionReason: string | null = null;

  @Property({ length: 100 })
  storageKey!: string;

  @Property({ length: 100, nullable: true })
  thumbnailKey: string | null = null;

  /**
   * When a record last took the file; cleared when its only record lets go of it (a replaced
   * avatar) or by the sweep that finds no record pointing at it any more. Unreferenced files are
   * purged 24 h after their upload.
   */
  @Property({ type: 'datetime', length: 3, nullable: true })
  referencedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the upload was created.' })
  createdAt: Date & Opt = new Date();
}
