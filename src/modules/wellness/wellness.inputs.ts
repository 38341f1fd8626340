import { ArrayMaxSize, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs, SortOrder } from '../../graphql/connection.js';
import { DateScalar } from '../../graphql/scalars.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { Emotion } from '../report/report.enums.js';
import { JOURNAL_LIMITS } from './wellness.entities.js';
import { StatsBucket } from './wellness.enums.js';

const L = JOURNAL_LIMITS;

@InputType({ description: 'A new entry of your emotion journal.' })
export class CreateEmotionEntryInput {
  @Field(() => Emotion, { description: 'The emotion felt.' })
  emotion!: Emotion;

  @Field(() => Int, { description: 'How strongly, 1–10.' })
  @IsInt()
  @Min(L.intensityMin, { message: 'must be at least 1' })
  @Max(L.intensityMax, { message: 'must be at most 10' })
  intensity!: number;

  @Field(() => String, { nullable: true, description: 'A note, up to 1,000 characters.' })
  @IsOptional()
  @CharLength(0, L.noteMax)
  note?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Tags: at most 10, each 1–30 characters (repeats are kept once).',
  })
  @IsOptional()
  @ArrayMaxSize(L.tagsMax, { message: 'must hold at most 10 tags' })
  @IsNotBlank({ each: true, message: 'must not hold a blank tag' })
  @CharLength(1, L.tagMax, { each: true, message: 'must hold tags of 1 to 30 characters' })
  tags?: string[] | null;

  @Field(() => DateScalar, {
    description: 'Your local date the entry is about (YYYY-MM-DD), not after today.',
  })
  date!: string;
}

@InputType({ description: 'Changes to a journal entry; omitted values stay as they are.' })
export class UpdateEmotionEntryInput {
  @Field(() => Emotion, { nullable: true, description: 'The emotion felt.' })
  emotion?: Emotion | null;

  @Field(() => Int, { nullable: true, description: 'How strongly, 1–10.' })
  @IsOptional()
  @IsInt()
  @Min(L.intensityMin, { message: 'must be at least 1' })
  @Max(L.intensityMax, { message: 'must be at most 10' })
  intensity?: number | null;

  @Field(() => String, { nullable: true, description: 'A note, up to 1,000 characters.' })
  @IsOptional()
  @CharLength(0, L.noteMax)
  note?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Tags, replacing the old ones: at most 10, each 1–30 characters.',
  })
  @IsOptional()
  @ArrayMaxSize(L.tagsMax, { message: 'must hold at most 10 tags' })
  @IsNotBlank({ each: true, message: 'must not hold a blank tag' })
  @CharLength(1, L.tagMax, { each: true, message: 'must hold tags of 1 to 30 characters' })
  tags?: string[] | null;

  @Field(() => DateScalar, { nullable: true, description: 'The local date (YYYY-MM-DD).' })
  date?: string | null;
}

@ArgsType()
export class EmotionEntriesArgs extends PageArgs {
  @Field(() => ID, {
    nullable: true,
    description:
      "A family whose main user's journal to read (its managers and caregivers, while the family shares it: settings.shareJournal). Default: your own journal.",
  })
  familyId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only entries on or after this date.' })
  from?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only entries on or before this date.' })
  to?: string | null;

  @Field(() => SortOrder, {
    nullable: true,
    defaultValue: SortOrder.DESC,
    description: 'Date order (default newest first).',
  })
  order?: SortOrder | null;
}

@ArgsType()
export class EmotionStatsArgs {
  @Field(() => ID, {
    nullable: true,
    description:
      "A family whose main user's journal to summarise (managers and caregivers, while shared). Default: your own.",
  })
  familyId?: string | null;

  @Field(() => DateScalar, { description: 'First date of the period (inclusive).' })
  from!: string;

  @Field(() => DateScalar, {
    description: 'Last date of the period (inclusive); at most 366 days after `from`.',
  })
  to!: string;

  @Field(() => StatsBucket, { description: 'How to group the days.' })
  bucket!: StatsBucket;
}
