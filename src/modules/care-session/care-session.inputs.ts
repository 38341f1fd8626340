import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { CharLength } from '../../graphql/validators.js';
import { IsFileId } from '../file/file.id.js';
import { CareSessionReport } from './care-session.enums.js';

@InputType({ description: 'What a care session should do; every field is optional.' })
export class CareSessionParametersInput {
  @Field(() => Int, {
    nullable: true,
    description: 'How long the session should take at most, 1–120 minutes.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  durationMinutes?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'A note for the elder or the Carebot, up to 500 characters.',
  })
  @IsOptional()
  @CharLength(0, 500)
  note?: string | null;
}

@InputType({ description: 'A Carebot’s report about a care session it was commanded to run.' })
export class ReportCareSessionInput {
  @Field(() => ID, { description: 'The session (from `deviceCommand`).' })
  sessionId!: string;

  @Field(() => CareSessionReport, { description: 'What happened.' })
  event!: CareSessionReport;

  @Field(() => Int, {
    nullable: true,
    description: 'How far the session got, 0–100 (required with PROGRESS).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  progress?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why (required with REJECTED and FAILED), up to 200 characters.',
  })
  @IsOptional()
  @CharLength(1, 200)
  reason?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The result table (required with RESULT_UPLOADED): a READY ASSESSMENT_CSV file.',
  })
  @IsOptional()
  @IsFileId()
  fileId?: string | null;
}
