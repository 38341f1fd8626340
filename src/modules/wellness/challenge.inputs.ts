import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { DateScalar } from '../../graphql/scalars.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { CHALLENGE_LIMITS, ChallengePeriod } from './challenge.entities.js';

@InputType({ description: 'A new challenge.' })
export class ChallengeInput {
  @Field(() => String, { description: 'Title, 1–100 characters.' })
  @IsNotBlank()
  @CharLength(1, CHALLENGE_LIMITS.titleMax)
  title!: string;

  @Field(() => String, { nullable: true, description: 'Description, up to 1,000 characters.' })
  @IsOptional()
  @CharLength(0, CHALLENGE_LIMITS.descriptionMax)
  description?: string | null;

  @Field(() => ChallengePeriod, { description: 'DAILY or WEEKLY.' })
  period!: ChallengePeriod;

  @Field(() => Int, { description: 'Check-ins per period: 1 for DAILY, 1–7 for WEEKLY.' })
  @IsInt()
  @Min(1, { message: 'must be at least 1' })
  @Max(7, { message: 'must be at most 7' })
  targetCount!: number;

  @Field(() => DateScalar, { description: 'First local date (YYYY-MM-DD).' })
  startDate!: string;

  @Field(() => DateScalar, {
    description: 'Last local date: not before the start or today, at most 366 days in all.',
  })
  endDate!: string;
}
