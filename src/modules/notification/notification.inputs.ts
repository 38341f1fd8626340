import { ArrayMaxSize, IsIn, IsOptional } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/connection.js';
import { SortOrder } from '../../graphql/connection.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { NotificationGrade, NotificationKind } from './notification.enums.js';
import { IsFileId } from '../file/file.id.js';

@InputType({ description: 'A notification a device raises itself.' })
export class RaiseNotificationInput {
  @Field(() => NotificationGrade, { description: 'How urgent.' })
  @IsIn(Object.values(NotificationGrade))
  grade!: NotificationGrade;

  @Field(() => NotificationKind, { description: 'What it is about.' })
  @IsIn(Object.values(NotificationKind))
  kind!: NotificationKind;

  @Field({ description: 'Text, 1 to 500 characters.' })
  @CharLength(1, 500)
  @IsNotBlank()
  message!: string;

  @Field(() => String, { nullable: true, description: 'A snapshot (file id).' })
  @IsOptional()
  @IsFileId()
  imageId?: string | null;
}

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field({ defaultValue: false, description: 'Only those the viewer has not read.' })
  unreadOnly!: boolean;

  @Field(() => NotificationGrade, { nullable: true, description: 'Only this grade and above.' })
  minGrade?: NotificationGrade | null;

  @Field(() => [NotificationKind], { nullable: true, description: 'Only these kinds.' })
  @IsOptional()
  @ArrayMaxSize(20)
  kinds?: NotificationKind[] | null;

  @Field(() => Date, { nullable: true, description: 'Only those raised at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only those raised before this time.' })
  to?: Date | null;

  @Field(() => SortOrder, {
    nullable: true,
    defaultValue: SortOrder.DESC,
    description: 'Time order (default newest first).',
  })
  order?: SortOrder | null;
}

@ArgsType()
export class NotificationIdsArgs {
  @Field(() => [ID], { description: 'Notification ids (at most 100).' })
  @ArrayMaxSize(100, { message: 'must hold at most 100 ids' })
  ids!: string[];
}
