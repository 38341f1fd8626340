import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Who runs a periodic job cluster-wide until when (without Redis). A node runs the job only while
 * it holds the row; a holder that stops renewing (crashed) loses it once `expiresAt` passes.
 */
@Entity({ tableName: 'job_lease' })
export class JobLease {
  /** The job's name, e.g. `inactivity`. */
  @PrimaryKey({ length: 100 })
  name!: string;

  /** The process holding it (random per process). */
  @Property({ length: 100 })
  holder!: string;

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;
}
