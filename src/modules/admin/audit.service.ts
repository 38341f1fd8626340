import type { FilterQuery } from '@mikro-orm/core';
import type { UserViewer } from '../../auth/viewer.js';
import { type Connection, paginate } from '../../graphql/connection.js';
import { parseId } from '../../graphql/ids.js';
import type { EntityManager } from '../../database/orm.js';
import type { Scope } from '../../scope.js';
import { AuditAction, AuditEntry } from './audit.entity.js';
import type { AuditLogArgs } from './admin.inputs.js';

/** What an action was done to. */
export interface AuditTarget {
  type: string;
  id: string | number;
}

/** The audit log: written by every admin action, read by admins, never edited. */
export class AuditService {
  constructor(private readonly deps: { clock: () => Date }) {}

  /**
   * Adds an entry to `em`'s unit of work: the caller's flush writes it, in the caller's
   * transaction, so the action and its entry commit (or roll back) together.
   */
  record(
    em: EntityManager,
    actor: UserViewer | number,
    action: AuditAction,
    target: AuditTarget,
    reason: string | null,
    detail: Record<string, unknown> | null = null,
  ): AuditEntry {
    return em.create(AuditEntry, {
      actorId: typeof actor === 'number' ? actor : actor.userId,
      action,
      targetType: target.type,
      targetId: String(target.id).slice(0, 64),
      reason,
      detail,
      createdAt: this.deps.clock(),
    });
  }

  /** The log, newest first by default, filtered by actor, action and time. */
  list(ctx: Scope, args: AuditLogArgs): Promise<Connection<AuditEntry>> {
    const where: FilterQuery<AuditEntry> = {};
    if (args.actorId != null) where.actorId = parseId(args.actorId, 'User');
    if (args.action != null) where.action = args.action;
    return paginate({ em: ctx.em, entity: AuditEntry, where, timeField: 'createdAt', args });
  }
}

export { AuditAction };
