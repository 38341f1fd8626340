import type { FilterQuery } from '@mikro-orm/core';
import { requireUser } from '../../auth/access.js';
import { type Connection, paginate } from '../../graphql/connection.js';
import { countPerDay } from '../../database/sql.js';
import { BadUserInputError, NotFoundError } from '../../graphql/errors.js';
import { parseId } from '../../graphql/ids.js';
import type { EventBus } from '../../realtime/events.js';
import type { Scope } from '../../scope.js';
import { Session } from '../account/session.entity.js';
import { User, UserRole } from '../account/user.entity.js';
import { Device } from '../device/device.entity.js';
import { Family } from '../family/family.entity.js';
import { Notification } from '../notification/notification.entity.js';
import { NotificationKind } from '../notification/notification.enums.js';
import { stageNotifications } from '../notification/notify.js';
import { masterRegion, subRegion } from '../region/regions.js';
import type {
  AdminUsersArgs,
  BroadcastDisasterInput,
  SuspendUserInput,
  SystemStatsArgs,
  UnsuspendUserInput,
} from './admin.inputs.js';
import type { DayCount, DisasterBroadcast, SystemStats } from './admin.types.js';
import { AuditAction } from './audit.entity.js';
import type { AuditService } from './audit.service.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A suspension ends at most this far ahead (a longer one is a deletion, not a suspension). */
const MAX_SUSPENSION_MS = 10 * 366 * DAY;
/** `alertsPerDay` covers this many UTC days, today included. */
export const STATS_DAYS = 30;

/**
 * Where a later community module plugs its posts-per-day figures into `systemStats`
 * (`postsPerDay` stays null while nothing is registered).
 */
export type PostsPerDaySource = (scope: Scope, days: readonly Date[]) => Promise<number[]>;

/** The admin console (SPEC §1 ADMIN): users and suspensions, figures, disaster broadcasts. */
export class AdminService {
  private postsPerDay: PostsPerDaySource | undefined;

  constructor(
    private readonly deps: { events: EventBus; audit: AuditService; clock: () => Date },
  ) {}

  /** Lets the community module provide `SystemStats.postsPerDay`. */
  providePostsPerDay(source: PostsPerDaySource): void {
    this.postsPerDay = source;
  }

  /** Users newest first, filtered by role, suspension, creation time and name or e-mail text. */
  users(ctx: Scope, args: AdminUsersArgs): Promise<Connection<User>> {
    const now = this.deps.clock();
    const conditions: FilterQuery<User>[] = [];
    if (args.role != null) conditions.push({ role: args.role });
    if (args.suspended === true) conditions.push({ suspendedUntil: { $gt: now } });
    if (args.suspended === false)
      conditions.push({ $or: [{ suspendedUntil: null }, { suspendedUntil: { $lte: now } }] });
    if (args.search != null) {
      // `%` and `_` in the text act as LIKE wildcards: harmless in an admin's search box
      const like = `%${args.search.trim().toLowerCase()}%`;
      conditions.push({ $or: [{ name: { $like: like } }, { email: { $like: like } }] });
    }
    return paginate({
      em: ctx.em,
      entity: User,
      where: conditions.length === 0 ? {} : { $and: conditions },
      timeField: 'createdAt',
      args,
    });
  }

  /**
   * Suspends a user until a time: their sessions end at once (deleted, so every request and
   * socket check refuses them), their open sockets on every API process close, and log-in is
   * refused until the time passes.
   */
  async suspend(ctx: Scope, input: SuspendUserInput): Promise<User> {
    const admin = requireUser(ctx.viewer);
    const userId = parseId(input.userId, 'User');
    const now = this.deps.clock();
    if (input.until.getTime() <= now.getTime())
      throw BadUserInputError.field('input.until', 'must be in the future');
    if (input.until.getTime() - now.getTime() > MAX_SUSPENSION_MS)
      throw BadUserInputError.field('input.until', 'must be at most 10 years ahead');
    const user = await ctx.em.transactional(async (em) => {
      const found = await em.findOne(User, { id: userId });
      if (found === null) throw new NotFoundError('User', userId);
      if (found.role === UserRole.ADMIN)
        throw BadUserInputError.field('input.userId', 'must not be an admin');
      found.suspendedUntil = input.until;
      const sessionsEnded = await em.nativeDelete(Session, { user: userId });
      this.deps.audit.record(
        em,
        admin,
        AuditAction.SUSPEND_USER,
        { type: 'User', id: userId },
        input.reason.trim(),
        { until: input.until.toISOString(), sessionsEnded },
      );
      await em.flush();
      return found;
    });
    this.deps.events.accountsSuspended([userId]);
    return user;
  }

  /** Lifts a running suspension: the user may log in again. */
  async unsuspend(ctx: Scope, input: UnsuspendUserInput): Promise<User> {
    const admin = requireUser(ctx.viewer);
    const userId = parseId(input.userId, 'User');
    const now = this.deps.clock();
    return ctx.em.transactional(async (em) => {
      const found = await em.findOne(User, { id: userId });
      if (found === null) throw new NotFoundError('User', userId);
      if (found.suspendedUntil === null || found.suspendedUntil <= now)
        throw BadUserInputError.field('input.userId', 'is not suspended');
      const until = found.suspendedUntil;
      found.suspendedUntil = null;
      this.deps.audit.record(
        em,
        admin,
        AuditAction.UNSUSPEND_USER,
        { type: 'User', id: userId },
        input.reason.trim(),
        { wasUntil: until.toISOString() },
      );
      await em.flush();
      return found;
    });
  }

  /** System-wide figures: a handful of indexed counts and one grouped count per series. */
  async stats(ctx: Scope, args: SystemStatsArgs): Promise<SystemStats> {
    const now = this.deps.clock();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const days = Array.from(
      { length: STATS_DAYS },
      (_, i) => new Date(today - (STATS_DAYS - 1 - i) * DAY),
    );
    const roles = Object.values(UserRole);
    const onlineSince = new Date(now.getTime() - args.onlineWithinMinutes * MINUTE);
    const [roleCounts, families, devicesOnline, alerts, posts] = await Promise.all([
      Promise.all(roles.map((role) => ctx.em.count(User, { role }))),
      ctx.em.count(Family, {}),
      ctx.em.count(Device, { revokedAt: null, lastSeenAt: { $gte: onlineSince } }),
      countPerDay(ctx.em, Notification, 'createdAt', days),
      this.postsPerDay?.(ctx, days),
    ]);
    const perDay = (counts: number[]): DayCount[] =>
      days.map((day, i) => ({ day: day.toISOString().slice(0, 10), count: counts[i] ?? 0 }));
    return {
      usersByRole: roles.map((role, i) => ({ role, count: roleCounts[i] ?? 0 })),
      families,
      devicesOnline,
      onlineWithinMinutes: args.onlineWithinMinutes,
      alertsPerDay: perDay(alerts),
      postsPerDay: posts === undefined ? null : perDay(posts),
      at: now,
    };
  }

  /**
   * A DISASTER notification for every family whose main user lives in one of the regions,
   * stored per family and announced like any alert after commit. A fixed number of statements
   * whatever the number of families: one read of the families, the audit entry, and the
   * notifications as multi-row INSERTs (the unit of work's batches).
   */
  async broadcastDisaster(ctx: Scope, input: BroadcastDisasterInput): Promise<DisasterBroadcast> {
    const admin = requireUser(ctx.viewer);
    const problems: Record<string, string> = {};
    input.masterRegionCodes.forEach((code, i) => {
      if (masterRegion(code) === undefined)
        problems[`input.masterRegionCodes.${i}`] = 'is not a known province code';
    });
    input.subRegionCodes.forEach((code, i) => {
      if (subRegion(code) === undefined)
        problems[`input.subRegionCodes.${i}`] = 'is not a known municipality code';
    });
    if (input.masterRegionCodes.length === 0 && input.subRegionCodes.length === 0)
      problems['input.masterRegionCodes'] = 'must name a region (or subRegionCodes must)';
    if (Object.keys(problems).length > 0) throw new BadUserInputError(problems);
    const masters = [...new Set(input.masterRegionCodes)];
    const subs = [...new Set(input.subRegionCodes)];
    const now = this.deps.clock();
    return ctx.em.transactional(async (em) => {
      const where: FilterQuery<User>[] = [];
      if (masters.length > 0) where.push({ masterRegionCode: { $in: masters } });
      if (subs.length > 0) where.push({ subRegionCode: { $in: subs } });
      const families = await em.find(
        Family,
        { mainUser: { $or: where } },
        { fields: ['id'], orderBy: { id: 'asc' } },
      );
      const audit = this.deps.audit.record(
        em,
        admin,
        AuditAction.BROADCAST_DISASTER,
        { type: 'Region', id: [...masters, ...subs].join(',') },
        input.reason?.trim() || null,
        { masterRegionCodes: masters, subRegionCodes: subs, families: families.length },
      );
      stageNotifications(
        em,
        this.deps.events,
        families.map((family) => ({
          familyId: family.id,
          grade: input.grade,
          kind: NotificationKind.DISASTER,
          message: input.message.trim(),
          createdAt: now,
        })),
      );
      await em.flush();
      return { families: families.length, audit };
    });
  }
}
