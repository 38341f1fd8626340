import { ArrayMaxSize, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { PageArgs, PAGE_SIZE } from '../../graphql/connection.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { IsFileId } from '../file/file.id.js';
import {
  ATTACHMENTS_MAX,
  BOARD_DESCRIPTION_MAX,
  BOARD_NAME_MAX,
  BoardVisibility,
  COMMENT_BODY_MAX,
  POST_BODY_MAX,
  POST_TITLE_MAX,
  REPORT_REASON_MAX,
  ReportStatus,
} from './community.entities.js';

@InputType({ description: 'A new board.' })
export class CreateBoardInput {
  @Field({ description: 'Unique name, 1–128 characters.' })
  @IsNotBlank()
  @CharLength(1, BOARD_NAME_MAX)
  name!: string;

  @Field({ description: 'What the board is for, up to 512 characters.' })
  @CharLength(0, BOARD_DESCRIPTION_MAX)
  description!: string;

  @Field(() => BoardVisibility, {
    defaultValue: BoardVisibility.PUBLIC,
    description: 'PUBLIC (default) or RESTRICTED to granted users.',
  })
  visibility!: BoardVisibility;

  @Field({ defaultValue: true, description: 'Whether users see it (default true).' })
  visible!: boolean;

  @Field({ defaultValue: true, description: 'Whether users may write on it (default true).' })
  open!: boolean;
}

@InputType({ description: 'Changes to a board; omitted fields stay as they are.' })
export class UpdateBoardInput {
  @Field(() => String, { nullable: true, description: 'Unique name, 1–128 characters.' })
  @IsOptional()
  @IsNotBlank()
  @CharLength(1, BOARD_NAME_MAX)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 512 characters.' })
  @IsOptional()
  @CharLength(0, BOARD_DESCRIPTION_MAX)
  description?: string | null;

  @Field(() => BoardVisibility, { nullable: true, description: 'PUBLIC or RESTRICTED.' })
  visibility?: BoardVisibility | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether users see it.' })
  visible?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether users may write on it.' })
  open?: boolean | null;
}

@InputType({ description: 'A new post.' })
export class CreatePostInput {
  @Field(() => ID, { description: 'The board to post on.' })
  boardId!: string;

  @Field({ description: 'Title, 1–64 characters.' })
  @IsNotBlank()
  @CharLength(1, POST_TITLE_MAX)
  title!: string;

  @Field({ description: 'Text, 1–1,024 characters.' })
  @IsNotBlank()
  @CharLength(1, POST_BODY_MAX)
  body!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'Files to attach (at most 5): READY ATTACHMENT uploads of yours made without a familyId.',
  })
  @IsOptional()
  @ArrayMaxSize(ATTACHMENTS_MAX, { message: `must hold at most ${ATTACHMENTS_MAX} files` })
  @IsFileId({ each: true })
  attachmentIds?: string[] | null;
}

@InputType({ description: 'Changes to your post; omitted fields stay as they are.' })
export class UpdatePostInput {
  @Field(() => String, { nullable: true, description: 'Title, 1–64 characters.' })
  @IsOptional()
  @IsNotBlank()
  @CharLength(1, POST_TITLE_MAX)
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'Text, 1–1,024 characters.' })
  @IsOptional()
  @IsNotBlank()
  @CharLength(1, POST_BODY_MAX)
  body?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Replaces the attachments (at most 5; an empty list removes them).',
  })
  @IsOptional()
  @ArrayMaxSize(ATTACHMENTS_MAX, { message: `must hold at most ${ATTACHMENTS_MAX} files` })
  @IsFileId({ each: true })
  attachmentIds?: string[] | null;
}

@InputType({ description: 'A new comment.' })
export class CreateCommentInput {
  @Field(() => ID, { description: 'The post to comment on.' })
  postId!: string;

  @Field({ description: 'Text, 1–256 characters.' })
  @IsNotBlank()
  @CharLength(1, COMMENT_BODY_MAX)
  body!: string;

  @Field(() => [String], {
    nullable: true,
    description: 'Files to attach (at most 5), like a post’s.',
  })
  @IsOptional()
  @ArrayMaxSize(ATTACHMENTS_MAX, { message: `must hold at most ${ATTACHMENTS_MAX} files` })
  @IsFileId({ each: true })
  attachmentIds?: string[] | null;
}

/** Text of a report reason or a moderation note. */
@ArgsType()
export class ReasonArgs {
  @Field({ description: 'Why, 1–500 characters.' })
  @IsNotBlank()
  @CharLength(1, REPORT_REASON_MAX)
  reason!: string;
}

/** How a board's posts are ordered. */
export enum PostOrder {
  NEWEST = 'NEWEST',
  MOST_LIKED = 'MOST_LIKED',
}
registerEnumType(PostOrder, {
  name: 'PostOrder',
  description: 'How a list of posts is ordered.',
  valuesConfig: {
    NEWEST: { description: 'Newest first.' },
    MOST_LIKED: { description: 'Most liked first (newest first among equals).' },
  },
});

@ArgsType()
export class PostsArgs {
  @Field(() => ID, { description: 'The board.' })
  boardId!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Page size (default 20, at most 100).',
  })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'must be at least 0' })
  @Max(PAGE_SIZE.max, { message: `must be at most ${PAGE_SIZE.max}` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Items after this cursor.' })
  after?: string | null;

  @Field(() => PostOrder, {
    nullable: true,
    defaultValue: PostOrder.NEWEST,
    description: 'NEWEST (default) or MOST_LIKED.',
  })
  order?: PostOrder | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only posts whose title contains this text (1–64 characters, any case).',
  })
  @IsOptional()
  @IsNotBlank()
  @CharLength(1, POST_TITLE_MAX)
  search?: string | null;
}

@ArgsType()
export class CommentsArgs extends PageArgs {
  @Field(() => ID, { description: 'The post.' })
  postId!: string;
}

@ArgsType()
export class ContentReportsArgs extends PageArgs {
  @Field(() => ReportStatus, {
    nullable: true,
    defaultValue: ReportStatus.OPEN,
    description: 'OPEN (default) or RESOLVED reports, newest first.',
  })
  status?: ReportStatus | null;
}
