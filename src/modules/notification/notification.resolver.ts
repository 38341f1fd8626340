import type { GraphQLResolveInfo } from 'graphql';
import type { FamilyGrant } from '../../auth/access.js';
import {
  DeviceOnly,
  FamilyAccess,
  Grant,
  SignedIn,
  UserOrDevice,
} from '../../auth/operation-access.js';
import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../context.js';
import { connectionTypes, type Connection, paginate } from '../../graphql/connection.js';
import { bulkKeys, parseId } from '../../graphql/ids.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { Notification } from './notification.entity.js';
import { gradesFrom } from './notification.enums.js';
import {
  batchesPage,
  nodeProperties,
  notificationPage,
  type NotificationRow,
  unreadNotificationCount,
} from './notification.pages.js';
import {
  NotificationIdsArgs,
  NotificationsArgs,
  RaiseNotificationInput,
} from './notification.inputs.js';
import { familyData } from '../../auth/type-access.js';
import { audienceFilter } from './notification.audience.js';
import type { Plain } from '../../database/plain.js';

export const NotificationConnection = connectionTypes(
  'Notification',
  Notification,
  'notification',
).ConnectionType;

@Resolver(() => Notification)
export class NotificationResolver {
  @DeviceOnly()
  @Mutation(() => Notification, { description: 'Device: raises a notification for its family.' })
  raiseNotification(
    @Arg('input', () => RaiseNotificationInput, { description: 'The notification.' })
    input: RaiseNotificationInput,
    @Ctx() ctx: Context,
  ): Promise<Notification> {
    return ctx.app.services.notification.raise(ctx, input);
  }

  @SignedIn()
  @Mutation(() => Int, {
    description:
      "Marks notifications read for the viewer; returns how many changed (others' families count 0).",
  })
  markNotificationsRead(
    @Args() { ids }: NotificationIdsArgs,
    @Ctx() ctx: Context,
  ): Promise<number> {
    return ctx.app.services.notification.markRead(ctx, bulkKeys(ids));
  }

  @SignedIn()
  @FamilyAccess('VIEW', { familyArg: 'familyId' })
  @Mutation(() => Int, {
    description:
      'Marks every notification of a family read for the viewer; returns how many changed.',
  })
  markAllNotificationsRead(
    @Arg('familyId', () => ID, { description: 'The family.' }) familyId: string,
    @Grant() grant: FamilyGrant<'VIEW'>,
    @Ctx() ctx: Context,
  ): Promise<number> {
    return ctx.app.services.notification.markAllRead(ctx, grant);
  }

  @SignedIn()
  @Mutation(() => Notification, {
    description:
      'Takes responsibility for an alert (the first acknowledgement stands) and reads it.',
  })
  acknowledgeNotification(
    @Arg('id', () => ID, { description: 'The notification.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Notification> {
    return ctx.app.services.notification.acknowledge(ctx, parseId(id, 'Notification'));
  }

  @SignedIn()
  @FamilyAccess('MANAGE', { notificationArg: 'id' })
  @Mutation(() => Boolean, { description: 'Deletes a notification for everyone (MANAGER).' })
  deleteNotification(
    @Arg('id', () => ID, { description: 'The notification.' }) id: string,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.notification.delete(ctx, grant, parseId(id, 'Notification'));
  }

  @UserOrDevice('VIEW families of the viewer (a device: none)')
  @Query(() => Int, {
    description:
      "Notifications the viewer has not read, across the viewer's families (0 when signed out).",
  })
  unreadNotificationCount(@Ctx() ctx: Context): Promise<number> {
    return ctx.app.services.notification.unreadCount(ctx);
  }

  @FieldResolver(() => Family, { description: 'The family it is for.' })
  family(@Root() notification: Plain<Notification>, @Ctx() ctx: Context): Promise<Family | null> {
    return ctx.loaders.family.load(notification.family.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'A snapshot (file id), if any.' })
  image(@Root() notification: Plain<Notification>): string | null {
    return notification.imageId;
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether the viewer has read it (read state is per user).',
  })
  read(@Root() notification: NotificationRow, @Ctx() ctx: Context): boolean | Promise<boolean> {
    // a page read the flag with the notification
    if (notification.read !== undefined) return notification.read;
    if (ctx.viewer.kind !== 'user') return false;
    return ctx.loaders.notificationRead(ctx.viewer.userId).load(notification.id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who acknowledged it.' })
  async acknowledgedBy(
    @Root() notification: Plain<Notification>,
    @Ctx() ctx: Context,
  ): Promise<User | null> {
    return notification.acknowledgedBy === null
      ? null
      : ctx.loaders.user.load(notification.acknowledgedBy.id);
  }
}

/** A family's notifications and unread count (VIEW). */
@Resolver(() => Family)
export class FamilyNotificationResolver {
  @FieldResolver(() => NotificationConnection, {
    description: 'Notifications, filtered; newest first by default.',
  })
  async notifications(
    @Root() family: Plain<Family>,
    @Args() args: NotificationsArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<NotificationRow>> {
    if (batchesPage(args)) return notificationPage(ctx, family.id, args, nodeProperties(info));
    const where: Record<string, unknown> = { family: family.id };
    if (args.minGrade != null) where['grade'] = { $in: gradesFrom(args.minGrade) };
    if (args.kinds != null && args.kinds.length > 0) where['kind'] = { $in: args.kinds };
    if (args.unreadOnly && ctx.viewer.kind === 'user')
      where['reads'] = { $none: { user: ctx.viewer.userId } };
    // an alert in its grace window is the Carebot's alone
    if (ctx.viewer.kind !== 'device') where['deviceOnly'] = false;
    return paginate({
      em: ctx.em,
      entity: Notification,
      where: { ...where, ...(await audienceFilter(ctx)) },
      timeField: 'createdAt',
      args,
      order: args.order,
    });
  }

  @FieldResolver(() => Int, {
    description: 'Notifications of this family the viewer has not read.',
  })
  unreadNotificationCount(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<number> {
    return unreadNotificationCount(ctx, family.id);
  }
}

familyData(Notification, { familyOf: (notification) => notification.family.id, read: 'READ' });
