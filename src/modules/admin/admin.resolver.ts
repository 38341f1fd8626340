import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SignedIn } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import type { Connection } from '../../graphql/connection.js';
import { User, UserRole } from '../account/user.entity.js';
import {
  AdminUsersArgs,
  AuditLogArgs,
  BroadcastDisasterInput,
  SuspendUserInput,
  SystemStatsArgs,
  UnsuspendUserInput,
} from './admin.inputs.js';
import {
  AdminUserConnection,
  AuditEntryConnection,
  DisasterBroadcast,
  SystemStats,
} from './admin.types.js';
import { AuditEntry } from './audit.entity.js';

@Resolver()
export class AdminResolver {
  @SignedIn(UserRole.ADMIN)
  @Query(() => AdminUserConnection, {
    description:
      'Every user, newest first: filter by role, suspension, creation time (`from`/`to`) and name or e-mail text (admins).',
  })
  adminUsers(@Args() args: AdminUsersArgs, @Ctx() ctx: Context): Promise<Connection<User>> {
    return ctx.app.services.admin.users(ctx, args);
  }

  @SignedIn(UserRole.ADMIN)
  @Mutation(() => User, {
    description:
      'Suspends a user until a time: their sessions end and open sockets close at once; log-in is refused (FORBIDDEN, reason ACCOUNT_SUSPENDED) until then. Audited.',
  })
  suspendUser(
    @Arg('input', () => SuspendUserInput, { description: 'Who, until when, and why.' })
    input: SuspendUserInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return ctx.app.services.admin.suspend(ctx, input);
  }

  @SignedIn(UserRole.ADMIN)
  @Mutation(() => User, { description: "Lifts a user's running suspension. Audited." })
  unsuspendUser(
    @Arg('input', () => UnsuspendUserInput, { description: 'Who, and why.' })
    input: UnsuspendUserInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return ctx.app.services.admin.unsuspend(ctx, input);
  }

  @SignedIn(UserRole.ADMIN)
  @Query(() => SystemStats, { description: 'System-wide figures for the admin console.' })
  systemStats(@Args() args: SystemStatsArgs, @Ctx() ctx: Context): Promise<SystemStats> {
    return ctx.app.services.admin.stats(ctx, args);
  }

  @SignedIn(UserRole.ADMIN)
  @Mutation(() => DisasterBroadcast, {
    description:
      'Raises a DISASTER notification in every family whose main user lives in the given provinces or municipalities, pushed live like any alert. Audited.',
  })
  broadcastDisaster(
    @Arg('input', () => BroadcastDisasterInput, { description: 'Where, and what to say.' })
    input: BroadcastDisasterInput,
    @Ctx() ctx: Context,
  ): Promise<DisasterBroadcast> {
    return ctx.app.services.admin.broadcastDisaster(ctx, input);
  }

  @SignedIn(UserRole.ADMIN)
  @Query(() => AuditEntryConnection, {
    description:
      'The audit log of admin actions, newest first by default; filter by admin, action and time. It has no operation that edits it.',
  })
  auditLog(@Args() args: AuditLogArgs, @Ctx() ctx: Context): Promise<Connection<AuditEntry>> {
    return ctx.app.services.audit.list(ctx, args);
  }
}

@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @FieldResolver(() => ID, { description: 'The admin who did it (kept after the account goes).' })
  actorId(@Root() entry: AuditEntry): string {
    return String(entry.actorId);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The admin who did it; null once the account is deleted.',
  })
  actor(@Root() entry: AuditEntry, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(entry.actorId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The action's particulars as a JSON object text (e.g. `until`, `families`).",
  })
  detail(@Root() entry: AuditEntry): string | null {
    return entry.detail === null ? null : JSON.stringify(entry.detail);
  }
}
