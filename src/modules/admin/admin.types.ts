import { Field, Int, ObjectType } from 'type-graphql';
import { openData, staffData } from '../../auth/type-access.js';
import { connectionTypes } from '../../graphql/connection.js';
import { User, UserRole } from '../account/user.entity.js';
import { AuditEntry } from './audit.entity.js';

@ObjectType({ description: 'How many users have one role.' })
export class RoleCount {
  @Field(() => UserRole, { description: 'The role.' })
  role!: UserRole;

  @Field(() => Int, { description: 'How many users have it.' })
  count!: number;
}

@ObjectType({ description: 'A count for one UTC day.' })
export class DayCount {
  @Field({ description: 'The day (UTC), `YYYY-MM-DD`.' })
  day!: string;

  @Field(() => Int, { description: 'How many on that day.' })
  count!: number;
}

@ObjectType({ description: 'System-wide figures for the admin console.' })
export class SystemStats {
  @Field(() => [RoleCount], { description: 'Users by role (every role, zero included).' })
  usersByRole!: RoleCount[];

  @Field(() => Int, { description: 'Families.' })
  families!: number;

  @Field(() => Int, {
    description:
      'Devices online now: not revoked, and used the API within `onlineWithinMinutes` minutes.',
  })
  devicesOnline!: number;

  @Field(() => Int, { description: 'The window `devicesOnline` was counted with, in minutes.' })
  onlineWithinMinutes!: number;

  @Field(() => [DayCount], {
    description:
      'Notifications (alerts) raised per UTC day over the last 30 days, oldest first, today last.',
  })
  alertsPerDay!: DayCount[];

  @Field(() => [DayCount], {
    nullable: true,
    description:
      'Community posts per UTC day over the last 30 days; null until the community module provides them.',
  })
  postsPerDay!: DayCount[] | null;

  @Field(() => Date, { description: 'When these figures were taken (server time).' })
  at!: Date;
}

@ObjectType({ description: 'What a disaster broadcast did.' })
export class DisasterBroadcast {
  @Field(() => Int, { description: 'How many families received the alert.' })
  families!: number;

  @Field(() => AuditEntry, { description: 'The audit log entry of the broadcast.' })
  audit!: AuditEntry;
}

export const { ConnectionType: AuditEntryConnection } = connectionTypes(
  'AuditEntry',
  AuditEntry,
  'audit entry',
);
export const { ConnectionType: AdminUserConnection } = connectionTypes('AdminUser', User, 'user');

staffData(AuditEntry, { ownerOf: () => null, note: 'no one else' });
staffData(SystemStats, { ownerOf: () => null, note: 'no one else' });
staffData(DisasterBroadcast, { ownerOf: () => null, note: 'no one else' });
openData(RoleCount, 'part of SystemStats, under its staff-only rule');
openData(DayCount, 'part of SystemStats, under its staff-only rule');
