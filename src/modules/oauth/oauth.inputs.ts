import { IsEmail, IsIn, IsOptional } from 'class-validator';
import { ArgsType, Field, InputType } from 'type-graphql';
import { CharLength, IsNotBlank } from '../../graphql/validators.js';
import { SignUpRole } from '../account/account.inputs.js';
import { AuthProvider } from './oauth.entities.js';

@InputType({ description: 'The completion step of a first social sign-in.' })
export class CompleteSocialSignUpInput {
  @Field({
    description: 'The completion token from the web redirect (`#token=…`), valid 15 minutes.',
  })
  @CharLength(1, 100)
  token!: string;

  @Field(() => SignUpRole, {
    description: 'MAIN for the elder, MEMBER for family and care workers (never ADMIN).',
  })
  @IsIn(Object.values(SignUpRole))
  role!: SignUpRole;

  @Field(() => String, {
    nullable: true,
    description: "Display name, 1–50 characters; omitted: the provider's name.",
  })
  @IsOptional()
  @CharLength(1, 50)
  @IsNotBlank()
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "E-mail address; omitted: the provider's verified address (required when it gave none).",
  })
  @IsOptional()
  @CharLength(3, 254)
  @IsEmail({}, { message: 'is not an e-mail address' })
  email?: string | null;
}

@ArgsType()
export class ConfirmSocialLinkArgs {
  @Field({ description: 'The link token from the web redirect (`#token=…`), valid 15 minutes.' })
  @CharLength(1, 100)
  token!: string;

  @Field({ description: 'The password of the account the provider e-mail matched.' })
  @CharLength(1, 128)
  password!: string;
}

@ArgsType()
export class UnlinkSocialIdentityArgs {
  @Field(() => AuthProvider, { description: 'The provider to unlink.' })
  @IsIn(Object.values(AuthProvider))
  provider!: AuthProvider;
}
