import { type Opt, OptionalProps, type Ref } from '@mikro-orm/core';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../account/user.entity.js';

/** A social sign-in provider, as the API names it. */
export enum AuthProvider {
  GOOGLE = 'GOOGLE',
  KAKAO = 'KAKAO',
}
registerEnumType(AuthProvider, {
  name: 'AuthProvider',
  description: 'A social sign-in provider.',
  valuesConfig: {
    GOOGLE: { description: 'Google (OpenID Connect).' },
    KAKAO: { description: 'Kakao Login (OpenID Connect).' },
  },
});

/** A user's account at a provider, by the provider's stable subject id: a way to sign in. */
@Entity({ tableName: 'user_identity' })
@Unique({ properties: ['provider', 'subject'] })
@Unique({ properties: ['user', 'provider'] })
@ObjectType('SocialIdentity', { description: 'A provider account linked to the viewer.' })
export class UserIdentity {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt';

  @PrimaryKey({ autoincrement: true })
  @Field(() => ID, { description: 'Stable identifier.' })
  id!: number;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Enum({ items: () => AuthProvider })
  @Field(() => AuthProvider, { description: 'The provider.' })
  provider!: AuthProvider;

  /** The provider's `sub`: e-mail addresses change hands, this does not. */
  @Property({ length: 255 })
  subject!: string;

  @Property({ length: 254, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'The e-mail address the provider gave at the last sign-in, if any.',
  })
  email: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'When the provider account was linked.' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3 })
  @Field(() => Date, { description: 'The last sign-in through it.' })
  lastUsedAt: Date & Opt = new Date();
}

/**
 * One authorization request in flight (server-side, so the PKCE verifier never reaches the
 * browser): found by the hash of its `state`, which the browser also holds in an HttpOnly
 * cookie, and spent by the first callback that presents it, so a replayed callback is refused.
 */
@Entity({ tableName: 'oauth_flow' })
@Index({ properties: ['expiresAt'] })
export class OAuthFlow {
  [OptionalProps]?: 'usedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 64, unique: true })
  stateHash!: string;

  @Enum({ items: () => AuthProvider })
  provider!: AuthProvider;

  @Property({ length: 128 })
  codeVerifier!: string;

  @Property({ length: 64 })
  nonce!: string;

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  usedAt: Date | null = null;
}

/**
 * A provider account that signed in but has no user yet: it waits for the completion step
 * (`completeSocialSignUp`) or, when its verified e-mail matches an account (`linkUser`), for
 * that account's password (`confirmSocialLink`). Single use, short-lived, found by token hash.
 */
@Entity({ tableName: 'oauth_pending' })
@Index({ properties: ['expiresAt'] })
export class OAuthPending {
  [OptionalProps]?: 'usedAt' | 'linkUser';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Enum({ items: () => AuthProvider })
  provider!: AuthProvider;

  @Property({ length: 255 })
  subject!: string;

  @Property({ length: 254, nullable: true })
  email: string | null = null;

  @Property()
  emailVerified!: boolean;

  @Property({ length: 50, nullable: true })
  name: string | null = null;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'cascade' })
  linkUser: Ref<User> | null = null;

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  usedAt: Date | null = null;
}
