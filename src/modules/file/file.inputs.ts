import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { CharLength } from '../../graphql/validators.js';
import { FilePurpose } from './file.entity.js';

@InputType({ description: 'A file the client is about to upload.' })
export class CreateUploadInput {
  @Field(() => FilePurpose, { description: 'What it is for (decides allowed types and size).' })
  @IsIn(Object.values(FilePurpose))
  purpose!: FilePurpose;

  @Field({ description: 'MIME type of the bytes, e.g. image/jpeg; must suit the purpose.' })
  @CharLength(1, 100)
  contentType!: string;

  @Field(() => Int, { description: 'Exact size in bytes (at most the purpose allows).' })
  @IsInt()
  @Min(1, { message: 'must be at least 1' })
  @Max(2 ** 31 - 1, { message: 'is too large' })
  byteSize!: number;

  @Field(() => ID, {
    nullable: true,
    description:
      'The family the file belongs to: required for every purpose but AVATAR, which is your own and takes none, and ATTACHMENT, which without one is your own (for community posts and comments).',
  })
  familyId?: string | null;
}
