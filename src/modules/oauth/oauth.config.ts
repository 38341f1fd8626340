import { z } from 'zod';

/** The social sign-in providers we know how to talk to. */
export const OAUTH_PROVIDERS = ['google', 'kakao'] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

/** One configured provider (an OpenID Connect issuer and our client there). */
export interface OAuthProviderConfig {
  name: OAuthProviderName;
  /** The issuer; its discovery document is `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Kakao's client secret is optional (off unless enabled in its console). */
  clientSecret: string | undefined;
  /** Our callback, exactly as registered at the provider. */
  redirectUrl: string;
  scopes: string;
}

/** Only the providers whose client id is set: a provider without one is not offered. */
export type OAuthConfig = Partial<Record<OAuthProviderName, OAuthProviderConfig>>;

const DEFAULTS: Record<OAuthProviderName, { issuer: string; scopes: string; secret: boolean }> = {
  google: { issuer: 'https://accounts.google.com', scopes: 'openid email profile', secret: true },
  // Kakao Login's OIDC mode; e-mail needs the account_email consent item (business apps only)
  kakao: {
    issuer: 'https://kauth.kakao.com',
    scopes: 'openid profile_nickname account_email',
    secret: false,
  },
};

const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** The `OAUTH_<PROVIDER>_…` variables, merged into the configuration's schema. */
export const OAUTH_ENV = Object.fromEntries(
  OAUTH_PROVIDERS.flatMap((name) => {
    const p = `OAUTH_${name.toUpperCase()}_`;
    return [
      [`${p}CLIENT_ID`, z.string().min(1).max(255).optional()],
      [`${p}CLIENT_SECRET`, z.string().min(1).max(255).optional()],
      [`${p}ISSUER`, url.optional()],
      [`${p}REDIRECT_URL`, url.optional()],
      [
        `${p}SCOPES`,
        z
          .string()
          .regex(/^[\w:./-]+( [\w:./-]+)*$/)
          .optional(),
      ],
    ];
  }),
) as Record<string, z.ZodOptional<z.ZodString | typeof url>>;

/**
 * The configured providers. A client id without its redirect URL (or Google's secret) is a
 * mistake worth stopping for, named by variable; so is a plain-http issuer in production.
 */
export function oauthFrom(
  env: Record<string, string | undefined>,
  production: boolean,
): { config: OAuthConfig; problems: string[] } {
  const config: OAuthConfig = {};
  const problems: string[] = [];
  for (const name of OAUTH_PROVIDERS) {
    const p = `OAUTH_${name.toUpperCase()}_`;
    const clientId = env[`${p}CLIENT_ID`];
    if (clientId === undefined) continue;
    const defaults = DEFAULTS[name];
    const issuer = (env[`${p}ISSUER`] ?? defaults.issuer).replace(/\/+$/, '');
    const redirectUrl = env[`${p}REDIRECT_URL`];
    const clientSecret = env[`${p}CLIENT_SECRET`];
    if (redirectUrl === undefined) problems.push(`${p}REDIRECT_URL: required with ${p}CLIENT_ID`);
    if (defaults.secret && clientSecret === undefined)
      problems.push(`${p}CLIENT_SECRET: required with ${p}CLIENT_ID`);
    if (production && !issuer.startsWith('https://'))
      problems.push(`${p}ISSUER: must be https:// in production`);
    if (redirectUrl === undefined) continue;
    config[name] = {
      name,
      issuer,
      clientId,
      clientSecret,
      redirectUrl,
      scopes: env[`${p}SCOPES`] ?? defaults.scopes,
    };
  }
  return { config, problems };
}
