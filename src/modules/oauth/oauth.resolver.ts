import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Public, SignedIn } from '../../auth/operation-access.js';
import { openData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import { AuthPayload } from '../account/account.types.js';
import {
  CompleteSocialSignUpInput,
  ConfirmSocialLinkArgs,
  UnlinkSocialIdentityArgs,
} from './oauth.inputs.js';
import { AuthProviderInfo, LoginMethods } from './oauth.types.js';

@Resolver()
export class OAuthResolver {
  @Public('lists the configured sign-in providers')
  @Query(() => [AuthProviderInfo], {
    description: 'The social sign-in providers this server offers (the configured ones).',
  })
  authProviders(@Ctx() ctx: Context): AuthProviderInfo[] {
    return ctx.app.services.oauth.providers();
  }

  @Public('needs the completion token of a social sign-in; rate limited per IP')
  @Mutation(() => AuthPayload, {
    description:
      'Creates the account of a first social sign-in with the chosen role and signs it in (cookie set). Rate limited per IP like signUp.',
  })
  completeSocialSignUp(
    @Arg('input', () => CompleteSocialSignUpInput, { description: 'The completion step.' })
    input: CompleteSocialSignUpInput,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    return ctx.app.services.oauth.completeSignUp(ctx, input);
  }

  @Public("needs the link token and the matched account's password; rate limited like logIn")
  @Mutation(() => AuthPayload, {
    description:
      "Links a provider account to the existing account its verified e-mail matched, once that account's password is confirmed, and signs it in.",
  })
  confirmSocialLink(
    @Args() { token, password }: ConfirmSocialLinkArgs,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    return ctx.app.services.oauth.confirmLink(ctx, token, password);
  }

  @SignedIn()
  @Query(() => LoginMethods, { description: 'The ways the viewer can sign in.' })
  myLoginMethods(@Ctx() ctx: Context): Promise<LoginMethods> {
    return ctx.app.services.oauth.loginMethods(ctx);
  }

  @SignedIn()
  @Mutation(() => Boolean, {
    description:
      'Unlinks a provider from the viewer; CONFLICT when it is the last way to sign in (no password, no other provider).',
  })
  unlinkSocialIdentity(
    @Args() { provider }: UnlinkSocialIdentityArgs,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.oauth.unlink(ctx, provider);
  }
}

openData(AuthProviderInfo, 'server configuration, the same for everyone');
openData(LoginMethods, "the viewer's own sign-in methods");
openData('SocialIdentity', "the viewer's own linked provider accounts");
