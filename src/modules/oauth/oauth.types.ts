import { Field, ObjectType } from 'type-graphql';
import { AuthProvider, UserIdentity } from './oauth.entities.js';

@ObjectType({ description: 'A social sign-in provider this server offers.' })
export class AuthProviderInfo {
  @Field(() => AuthProvider, { description: 'The provider.' })
  provider!: AuthProvider;

  @Field({
    description:
      'Where the browser goes to sign in with it, relative to the API (e.g. `/auth/google`).',
  })
  startPath!: string;
}

@ObjectType({ description: 'The ways the viewer can sign in.' })
export class LoginMethods {
  @Field({
    description:
      'Whether the account has a password (an account made by social sign-in has none until one is set by password reset).',
  })
  hasPassword!: boolean;

  @Field(() => [UserIdentity], { description: 'The linked provider accounts, oldest first.' })
  identities!: UserIdentity[];
}
