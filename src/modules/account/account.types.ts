import { Field, ID, ObjectType } from 'type-graphql';
import { User } from './user.entity.js';

@ObjectType({
  description: 'A new session: the token (also set as an HttpOnly cookie) and its user.',
})
export class AuthPayload {
  @Field({ description: 'Session token for `Authorization: Bearer <token>`; shown only now.' })
  token!: string;

  @Field(() => Date, { description: 'When the session expires unless used (it slides with use).' })
  expiresAt!: Date;

  @Field(() => User, { description: 'The signed-in user.' })
  user!: User;
}

@ObjectType('Session', { description: 'One of the signed-in browsers or apps of the viewer.' })
export class SessionInfo {
  @Field(() => ID, { description: 'Identifier, for `revokeSession`.' })
  id!: number;

  @Field(() => Date, { description: 'When the user logged in.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'Last time the session was used (to the minute).' })
  lastSeenAt!: Date;

  @Field(() => Date, { description: 'When the session expires unless used.' })
  expiresAt!: Date;

  @Field({ description: 'Whether it was opened with "keep me signed in".' })
  remember!: boolean;

  @Field(() => String, { nullable: true, description: 'The browser or app that opened it.' })
  userAgent!: string | null;

  @Field({ description: 'True for the session making this request.' })
  current!: boolean;
}

@ObjectType({ description: 'A Korean address.' })
export class Address {
  @Field({ description: 'Two-digit province code.' })
  masterRegionCode!: string;

  @Field(() => String, { nullable: true, description: 'Province name (Korean).' })
  masterRegionName!: string | null;

  @Field({ description: 'Five-digit municipality code.' })
  subRegionCode!: string;

  @Field(() => String, { nullable: true, description: 'Municipality name (Korean).' })
  subRegionName!: string | null;

  @Field(() => String, { nullable: true, description: 'Street address and details.' })
  detail!: string | null;
}
