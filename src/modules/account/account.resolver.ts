import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Public, SignedIn } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import { parseId } from '../../graphql/ids.js';
import {
  ChangePasswordArgs,
  DeleteMeArgs,
  LogInArgs,
  RequestPasswordResetArgs,
  ResetPasswordArgs,
  SignUpInput,
  UpdateMeInput,
} from './account.inputs.js';
import { AuthPayload, SessionInfo } from './account.types.js';
import { User } from './user.entity.js';
import { openData } from '../../auth/type-access.js';

@Resolver()
export class AccountResolver {
  @Public('creates an account (rate limited per IP)')
  @Mutation(() => AuthPayload, {
    description:
      'Creates an account and signs it in (the token is also set as an HttpOnly cookie). Rate limited per IP.',
  })
  signUp(
    @Arg('input', () => SignUpInput, { description: 'The new account.' }) input: SignUpInput,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    return ctx.app.services.account.signUp(ctx, input);
  }

  @Public('checks a password (rate limited per account and IP)')
  @Mutation(() => AuthPayload, {
    description:
      'Signs in. A wrong e-mail or password is one UNAUTHENTICATED error; 5 failures per 15 minutes per account and IP are RATE_LIMITED.',
  })
  logIn(@Args() args: LogInArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.app.services.account.logIn(ctx, args);
  }

  @Public("ends the caller's own session, if any")
  @Mutation(() => Boolean, {
    description: 'Ends the current session and clears the cookie; false when there was none.',
  })
  logOut(@Ctx() ctx: Context): Promise<boolean> {
    return ctx.app.services.account.logOut(ctx);
  }

  @SignedIn()
  @Mutation(() => Int, {
    description: 'Ends every session of the viewer, this one included; returns how many.',
  })
  logOutEverywhere(@Ctx() ctx: Context): Promise<number> {
    return ctx.app.services.account.logOutEverywhere(ctx);
  }

  @SignedIn()
  @Query(() => [SessionInfo], {
    description: "The viewer's live sessions, most recently used first.",
  })
  mySessions(@Ctx() ctx: Context): Promise<SessionInfo[]> {
    return ctx.app.services.account.mySessions(ctx);
  }

  @SignedIn()
  @Mutation(() => Boolean, { description: "Ends one of the viewer's sessions." })
  revokeSession(
    @Arg('id', () => ID, { description: 'The session to end.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.account.revokeSession(ctx, parseId(id, 'Session'));
  }

  @Public('the signed-in user, or null')
  @Query(() => User, { nullable: true, description: 'The signed-in user, or null.' })
  me(@Ctx() ctx: Context): Promise<User | null> {
    return ctx.app.services.account.me(ctx);
  }

  @SignedIn()
  @Mutation(() => User, { description: "Changes the viewer's profile." })
  updateMe(
    @Arg('input', () => UpdateMeInput, { description: 'The fields to change.' })
    input: UpdateMeInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return ctx.app.services.account.updateMe(ctx, input);
  }

  @SignedIn()
  @Mutation(() => Boolean, {
    description: "Deletes the viewer's account and everything that is only theirs.",
  })
  deleteMe(@Args() { password }: DeleteMeArgs, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.app.services.account.deleteMe(ctx, password);
  }

  @SignedIn()
  @Mutation(() => Boolean, {
    description: 'Changes the password and ends every other session of the viewer.',
  })
  changePassword(
    @Args() { currentPassword, newPassword }: ChangePasswordArgs,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.account.changePassword(ctx, currentPassword, newPassword);
  }

  @Public('always answers true; mails the owner of the address (rate limited)')
  @Mutation(() => Boolean, {
    description:
      'E-mails a password reset link valid for 30 minutes if the account exists. Always true. Rate limited per IP.',
  })
  requestPasswordReset(
    @Args() { email }: RequestPasswordResetArgs,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.account.requestPasswordReset(ctx, email);
  }

  @Public('needs the token mailed to the account owner')
  @Mutation(() => Boolean, {
    description: 'Sets a new password with a reset token (single use) and ends every session.',
  })
  resetPassword(
    @Args() { token, newPassword }: ResetPasswordArgs,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.app.services.account.resetPassword(ctx, token, newPassword);
  }
}

openData(AuthPayload, "the caller's own new session");
openData('Session', "the caller's own sessions");
