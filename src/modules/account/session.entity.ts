import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { User } from './user.entity.js';

/**
 * A signed-in browser or app. The bearer token is never stored: only its SHA-256 hash, so a
 * leaked database does not leak live sessions.
 */
@Entity({ tableName: 'session' })
@Index({ properties: ['absoluteExpiresAt'] })
export class Session {
  [OptionalProps]?: 'createdAt' | 'lastSeenAt' | 'remember';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  /** "Keep me signed in": longer expiry, and sensitive operations ask for the password again. */
  @Property()
  remember: boolean & Opt = false;

  /** The log-in time: sensitive operations skip the password prompt for 15 minutes after it. */
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  /** Sliding expiry is measured from here; written at most once a minute. */
  @Property({ type: 'datetime', length: 3 })
  lastSeenAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3 })
  absoluteExpiresAt!: Date;

  @Property({ length: 255, nullable: true })
  userAgent: string | null = null;

  @Property({ length: 45, nullable: true })
  ip: string | null = null;
}
