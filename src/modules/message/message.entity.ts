import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../account/user.entity.js';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { File } from '../file/file.entity.js';

/** Longest message, in characters (Unicode code points, as the database counts them). */
export const MESSAGE_MAX_LENGTH = 2000;

/**
 * A direct message between two users who share an ACTIVE family. Each side deletes it for
 * themself only; the row goes when both have.
 */
@Entity({ tableName: 'message' })
// inbox, sent box and unread count: each listing starts with its owner
@Index({ properties: ['toUser', 'createdAt'] })
@Index({ properties: ['fromUser', 'createdAt'] })
@Index({ properties: ['toUser', 'readAt'] })
@ObjectType({ description: 'A direct message between two users who share a family.' })
export class Message {
  [OptionalProps]?: 'readAt' | 'imageId' | 'sentByDevice';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  /** The shared family it was sent through: leaving it does not unsend, deleting it does. */
  @ManyToOne(() => Family, { ref: true, deleteRule: 'cascade' })
  family!: Ref<Family>;

  // the composite indexes above start with these columns: no single-column index of their own
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: false })
  fromUser!: Ref<User>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: false })
  toUser!: Ref<User>;

  /** The Carebot that sent it on the main user's behalf, if any. */
  @ManyToOne(() => Device, { ref: true, nullable: true, deleteRule: 'set null' })
  sentByDevice: Ref<Device> | null = null;

  @Property({ length: MESSAGE_MAX_LENGTH })
  @Field({ description: 'The text, 1–2,000 characters.' })
  content!: string;

  /**
   * A stored file (from the upload API), by a foreign key (file.references.ts): deleting the
   * file clears it. Indexed (as every foreign key): `file(id)` asks who sent or received it.
   */
  @ManyToOne(() => File, {
    mapToPk: true,
    fieldName: 'image_id',
    nullable: true,
    deleteRule: 'set null',
  })
  imageId: string | null = null;

  /** When the recipient read it; null while unread. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  readAt: Date | null = null;

  @Property()
  deletedBySender: boolean & Opt = false;

  @Property()
  deletedByRecipient: boolean & Opt = false;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When it was sent (server time).' })
  createdAt: Date & Opt = new Date();
}
