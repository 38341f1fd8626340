import { IsEmail, IsIn, IsOptional, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, InputType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../../graphql/scalars.js';
import {
  CharLength,
  IsBirthDate,
  IsNotBlank,
  IsPassword,
  IsPhone,
} from '../../graphql/validators.js';
import { Gender, UserRole } from './user.entity.js';
import { IsFileId } from '../file/file.id.js';

/** The roles a person may choose at sign-up (admins are created from the command line only). */
export enum SignUpRole {
  MAIN = 'MAIN',
  MEMBER = 'MEMBER',
}
registerEnumType(SignUpRole, {
  name: 'SignUpRole',
  description: 'The kind of account to create.',
  valuesConfig: {
    MAIN: { description: 'The elder who lives with a Carebot (owns one family).' },
    MEMBER: { description: 'A family member or care worker.' },
  },
});

export function userRoleOf(role: SignUpRole): UserRole {
  return role === SignUpRole.MAIN ? UserRole.MAIN : UserRole.MEMBER;
}

@InputType({
  description: 'A Korean address: region codes from `masterRegions`/`subRegions` and free text.',
})
export class AddressInput {
  @Field({ description: 'Two-digit legal-dong code of the province (e.g. "11" for 서울특별시).' })
  @Matches(/^\d{2}$/, { message: 'must be a two-digit province code' })
  masterRegionCode!: string;

  @Field({
    description: 'Five-digit legal-dong code of the municipality (e.g. "11110" for 종로구).',
  })
  @Matches(/^\d{5}$/, { message: 'must be a five-digit municipality code' })
  subRegionCode!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Street address and details (≤ 200 characters).',
  })
  @IsOptional()
  @CharLength(0, 200)
  detail?: string | null;
}

@InputType({ description: 'Everything needed to create an account.' })
export class SignUpInput {
  @Field({ description: 'E-mail address; the log-in name (case-insensitive, unique).' })
  @CharLength(0, 254)
  @IsEmail({}, { message: 'must be an e-mail address' })
  email!: string;

  @Field({ description: 'Password, 10–128 characters.' })
  @IsPassword()
  password!: string;

  @Field({ description: 'Display name, 1–50 characters.' })
  @CharLength(1, 50)
  @IsNotBlank()
  name!: string;

  @Field(() => DateScalar, { description: 'Date of birth (between 1900-01-01 and yesterday).' })
  @IsBirthDate()
  birthDate!: string;

  @Field(() => Gender, { description: 'Gender.' })
  gender!: Gender;

  @Field(() => AddressInput, { description: 'Home address.' })
  @ValidateNested()
  address!: AddressInput;

  @Field({ description: 'Phone number, e.g. 010-1234-5678 or +82 10 1234 5678.' })
  @IsPhone()
  phone!: string;

  @Field(() => SignUpRole, {
    description: 'MAIN for the elder, MEMBER for family and care workers.',
  })
  @IsIn(Object.values(SignUpRole))
  role!: SignUpRole;
}

@InputType({ description: "Changes to one's own profile; omitted fields stay as they are." })
export class UpdateMeInput {
  @Field(() => String, { nullable: true, description: 'Display name, 1–50 characters.' })
  @IsOptional()
  @CharLength(1, 50)
  @IsNotBlank()
  name?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Date of birth.' })
  @IsOptional()
  @IsBirthDate()
  birthDate?: string | null;

  @Field(() => Gender, { nullable: true, description: 'Gender.' })
  @IsOptional()
  gender?: Gender | null;

  @Field(() => AddressInput, {
    nullable: true,
    description: 'Home address (replaces the whole address).',
  })
  @IsOptional()
  @ValidateNested()
  address?: AddressInput | null;

  @Field(() => String, { nullable: true, description: 'Phone number.' })
  @IsOptional()
  @IsPhone()
  phone?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Profile picture: an AVATAR upload of yours, verified by completeUpload; null removes it. A replaced or removed picture is deleted by the hourly cleanup once a day old.',
  })
  @IsOptional()
  @IsFileId()
  avatarId?: string | null;
}

@ArgsType()
export class LogInArgs {
  @Field({ description: 'E-mail address.' })
  @CharLength(0, 254)
  email!: string;

  @Field({ description: 'Password.' })
  @MaxLength(1024, { message: 'is too long' })
  password!: string;

  @Field({
    defaultValue: false,
    description:
      'Keep me signed in: 30 days idle / 90 days absolute instead of 30 minutes / 12 hours.',
  })
  remember!: boolean;
}

@ArgsType()
export class ChangePasswordArgs {
  @Field({ description: 'The current password.' })
  @MaxLength(1024, { message: 'is too long' })
  currentPassword!: string;

  @Field({ description: 'The new password, 10–128 characters.' })
  @IsPassword()
  newPassword!: string;
}

@ArgsType()
export class RequestPasswordResetArgs {
  @Field({ description: "The account's e-mail address." })
  @CharLength(0, 254)
  @IsEmail({}, { message: 'must be an e-mail address' })
  email!: string;
}

@ArgsType()
export class ResetPasswordArgs {
  @Field({ description: 'The token from the password reset e-mail.' })
  @MaxLength(100, { message: 'is invalid or has expired' })
  token!: string;

  @Field({ description: 'The new password, 10–128 characters.' })
  @IsPassword()
  newPassword!: string;
}

@ArgsType()
export class DeleteMeArgs {
  @Field({ description: "The account's password, to confirm." })
  @MaxLength(1024, { message: 'is too long' })
  password!: string;
}
