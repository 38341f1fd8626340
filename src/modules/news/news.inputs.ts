import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { DateScalar } from '../../graphql/scalars.js';

export const NEWS_LIMIT = { default: 50, max: 100 } as const;

@ArgsType()
export class NewsArgs {
  @Field(() => DateScalar, {
    nullable: true,
    description:
      'The Asia/Seoul calendar day (default today there); at most 30 days back, never after today.',
  })
  date?: string | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: NEWS_LIMIT.default,
    description: `How many headlines at most (default ${NEWS_LIMIT.default}, 1–${NEWS_LIMIT.max}).`,
  })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'must be at least 1' })
  @Max(NEWS_LIMIT.max, { message: `must be at most ${NEWS_LIMIT.max}` })
  limit?: number | null;
}
