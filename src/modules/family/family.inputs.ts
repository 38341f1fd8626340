import { IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { DateScalar } from '../../graphql/scalars.js';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { Gender } from '../account/user.entity.js';
import { FamilyRole, MembershipStatus } from './membership.entity.js';
import { IsFileId } from '../file/file.id.js';

@InputType({ description: 'A new family.' })
export class CreateFamilyInput {
  @Field({ description: 'Name of the family, 1–50 characters.' })
  @CharLength(1, 50)
  @IsNotBlank()
  familyName!: string;

  @Field(() => String, { nullable: true, description: 'Free notes, up to 500 characters.' })
  @IsOptional()
  @CharLength(0, 500)
  memo?: string | null;
}

@InputType({ description: 'Changes to a family; omitted fields stay as they are.' })
export class UpdateFamilyInput {
  @Field(() => String, { nullable: true, description: 'Name of the family, 1–50 characters.' })
  @IsOptional()
  @CharLength(1, 50)
  @IsNotBlank()
  familyName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Free notes, up to 500 characters ("" clears them).',
  })
  @IsOptional()
  @CharLength(0, 500)
  memo?: string | null;
}

@InputType({
  description: "What a family member knows about the elder, to find the elder's family.",
})
export class FindFamiliesInput {
  @Field({ description: "The main user's name, exactly as registered." })
  @CharLength(1, 50)
  mainUserName!: string;

  @Field(() => DateScalar, { description: "The main user's date of birth." })
  birthDate!: string;

  @Field(() => Gender, { description: "The main user's gender." })
  gender!: Gender;

  @Field({ description: "Five-digit code of the main user's municipality." })
  @Matches(/^\d{5}$/, { message: 'must be a five-digit municipality code' })
  subRegionCode!: string;
}

@ArgsType()
export class RequestToJoinArgs {
  @Field(() => ID, { description: 'The family to join (from `findFamilies`).' })
  familyId!: string;

  @Field({
    description: "The main user's name, exactly as registered (proves you know the elder).",
  })
  @CharLength(0, 50)
  mainUserName!: string;

  @Field({ description: 'How you relate to the elder, e.g. "daughter" or "care worker".' })
  @CharLength(1, 30)
  @IsNotBlank()
  relation!: string;
}

@ArgsType()
export class CreateInviteArgs {
  @Field(() => ID, { description: 'The family to invite into.' })
  familyId!: string;

  @Field(() => FamilyRole, { description: 'The role the invited member gets.' })
  @IsIn(Object.values(FamilyRole))
  role!: FamilyRole;
}

@ArgsType()
export class AcceptInviteArgs {
  @Field({
    description: 'The invitation code, e.g. "K7M2-X9QP-4TZA" (case and dashes do not matter).',
  })
  @MaxLength(40, { message: 'is invalid, used or expired' })
  code!: string;

  @Field({ description: 'How you relate to the elder.' })
  @CharLength(1, 30)
  @IsNotBlank()
  relation!: string;
}

@InputType({ description: 'Changes to a membership; omitted fields stay as they are.' })
export class UpdateMembershipInput {
  @Field(() => String, {
    nullable: true,
    description: 'How the member relates to the elder (the member may change their own).',
  })
  @IsOptional()
  @CharLength(1, 30)
  @IsNotBlank()
  relation?: string | null;

  @Field(() => FamilyRole, { nullable: true, description: "The member's role (managers only)." })
  @IsOptional()
  @IsIn(Object.values(FamilyRole))
  role?: FamilyRole | null;
}

@ArgsType()
export class MembersArgs {
  @Field(() => MembershipStatus, {
    nullable: true,
    description: 'Only memberships with this status (default: all).',
  })
  status?: MembershipStatus | null;
}

@ArgsType()
export class DeleteFamilyArgs {
  @Field(() => ID, { description: 'The family to delete.' })
  id!: string;

  @Field({ description: 'The family name, typed again to confirm.' })
  @MaxLength(50, { message: 'does not match the family name' })
  confirmFamilyName!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Your password; required on a "remember me" session whose log-in is over 15 minutes old.',
  })
  @IsOptional()
  @MaxLength(1024, { message: 'is too long' })
  currentPassword?: string | null;
}

@ArgsType()
export class AddBackgroundArgs {
  @Field(() => ID, { description: 'The family.' })
  familyId!: string;

  @Field({ description: 'The uploaded file to show.' })
  @IsFileId()
  fileId!: string;
}
