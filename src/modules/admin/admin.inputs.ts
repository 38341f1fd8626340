import { ArrayMaxSize, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { TimeRangeArgs } from '../../graphql/connection.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { UserRole } from '../account/user.entity.js';
import { NotificationGrade } from '../notification/notification.enums.js';
import { AUDIT_REASON_MAX_LENGTH, AuditAction } from './audit.entity.js';

/** Longest search text for the user list. */
export const USER_SEARCH_MAX_LENGTH = 100;
/** Longest disaster alert text (the notification's own limit). */
export const DISASTER_MESSAGE_MAX_LENGTH = 500;
/** Most region codes one broadcast names. */
export const BROADCAST_MAX_REGIONS = 50;

@ArgsType()
export class AdminUsersArgs extends TimeRangeArgs {
  @Field(() => UserRole, { nullable: true, description: 'Only users of this role.' })
  @IsOptional()
  @IsIn(Object.values(UserRole))
  role?: UserRole | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only suspended users (true) or only users not suspended now (false).',
  })
  suspended?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: `Only users whose name or e-mail contains this text (1–${USER_SEARCH_MAX_LENGTH} characters).`,
  })
  @IsOptional()
  @IsNotBlank()
  @CharLength(1, USER_SEARCH_MAX_LENGTH)
  search?: string | null;
}

@ArgsType()
export class AuditLogArgs extends TimeRangeArgs {
  @Field(() => ID, { nullable: true, description: 'Only actions of this admin.' })
  actorId?: string | null;

  @Field(() => AuditAction, { nullable: true, description: 'Only this kind of action.' })
  @IsOptional()
  @IsIn(Object.values(AuditAction))
  action?: AuditAction | null;
}

@InputType({ description: 'Suspends a user until a time.' })
export class SuspendUserInput {
  @Field(() => ID, { description: 'The user (not an admin).' })
  userId!: string;

  @Field(() => Date, {
    description: 'When the suspension ends: in the future, at most 10 years ahead.',
  })
  until!: Date;

  @Field({ description: `Why, 1–${AUDIT_REASON_MAX_LENGTH} characters (kept in the audit log).` })
  @IsNotBlank()
  @CharLength(1, AUDIT_REASON_MAX_LENGTH)
  reason!: string;
}

@InputType({ description: "Lifts a user's suspension." })
export class UnsuspendUserInput {
  @Field(() => ID, { description: 'The suspended user.' })
  userId!: string;

  @Field({ description: `Why, 1–${AUDIT_REASON_MAX_LENGTH} characters (kept in the audit log).` })
  @IsNotBlank()
  @CharLength(1, AUDIT_REASON_MAX_LENGTH)
  reason!: string;
}

@InputType({
  description:
    'A public-disaster alert for every family whose main user lives in one of the regions.',
})
export class BroadcastDisasterInput {
  @Field(() => [String], {
    defaultValue: [],
    description: 'Provinces (2-digit codes): every family in them.',
  })
  @ArrayMaxSize(BROADCAST_MAX_REGIONS, {
    message: `must hold at most ${BROADCAST_MAX_REGIONS} codes`,
  })
  masterRegionCodes!: string[];

  @Field(() => [String], {
    defaultValue: [],
    description: 'Municipalities (5-digit codes): every family in them.',
  })
  @ArrayMaxSize(BROADCAST_MAX_REGIONS, {
    message: `must hold at most ${BROADCAST_MAX_REGIONS} codes`,
  })
  subRegionCodes!: string[];

  @Field({ description: `The alert text, 1–${DISASTER_MESSAGE_MAX_LENGTH} characters.` })
  @IsNotBlank()
  @CharLength(1, DISASTER_MESSAGE_MAX_LENGTH)
  message!: string;

  @Field(() => NotificationGrade, {
    defaultValue: NotificationGrade.CRIT,
    description: 'How urgent (default CRIT).',
  })
  @IsIn(Object.values(NotificationGrade))
  grade!: NotificationGrade;

  @Field(() => String, {
    nullable: true,
    description: `Why, up to ${AUDIT_REASON_MAX_LENGTH} characters (kept in the audit log).`,
  })
  @IsOptional()
  @CharLength(0, AUDIT_REASON_MAX_LENGTH)
  reason?: string | null;
}

@ArgsType()
export class SystemStatsArgs {
  @Field(() => Int, {
    defaultValue: 5,
    description:
      'A device counts as online when it used the API within this many minutes (1–1440, default 5).',
  })
  @IsInt()
  @Min(1, { message: 'must be at least 1' })
  @Max(1440, { message: 'must be at most 1440' })
  onlineWithinMinutes!: number;
}
