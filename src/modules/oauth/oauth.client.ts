import * as oidc from 'openid-client';
import type { OAuthProviderConfig } from './oauth.config.js';

/** What a provider told us about the person who signed in. */
export interface ProviderProfile {
  subject: string;
  email: string | null;
  /** Only an explicit `email_verified: true` counts (Kakao sends no claim for unverified ones). */
  emailVerified: boolean;
  name: string | null;
}

/** Why the code could not be turned into a profile (mapped to the redirect's error code). */
export class ProviderExchangeError extends Error {
  override readonly name = 'ProviderExchangeError';
}

/**
 * One OpenID Connect client (openid-client): discovery on first use and cached, so a provider
 * that is down delays no server start; a failed discovery is retried on the next sign-in.
 */
export class OidcClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(readonly provider: OAuthProviderConfig) {}

  private discover(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret } = this.provider;
    const insecure = issuer.startsWith('http://');
    this.configuration ??= oidc
      .discovery(
        new URL(issuer),
        clientId,
        clientSecret === undefined ? {} : { client_secret: clientSecret },
        clientSecret === undefined ? oidc.None() : oidc.ClientSecretPost(clientSecret),
        // only a local test or development issuer is plain http (refused in production by config)
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  /** The provider's authorization URL for one flow (code + S256 PKCE + state + nonce). */
  async authorizationUrl(checks: { state: string; nonce: string; codeVerifier: string }) {
    const configuration = await this.discover();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.provider.redirectUrl,
      scope: this.provider.scopes,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Checks the authorization response against the flow, redeems the code and reads the
   * profile from the ID token, completed by the userinfo endpoint when the provider has one.
   */
  async exchange(
    callbackQuery: URLSearchParams,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<ProviderProfile> {
    const configuration = await this.discover();
    const current = new URL(this.provider.redirectUrl);
    current.search = callbackQuery.toString();
    let claims: Record<string, unknown>;
    let accessToken: string;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      claims = { ...tokens.claims() };
      accessToken = tokens.access_token;
    } catch (error) {
      throw new ProviderExchangeError('The provider did not accept the authorization code.', {
        cause: error,
      });
    }
    const subject = String(claims['sub']);
    if (configuration.serverMetadata().userinfo_endpoint !== undefined) {
      try {
        // the subject must match the ID token's, or the answer is about someone else
        Object.assign(claims, await oidc.fetchUserInfo(configuration, accessToken, subject));
      } catch (error) {
        throw new ProviderExchangeError('The provider did not answer the profile request.', {
          cause: error,
        });
      }
    }
    const email = typeof claims['email'] === 'string' ? claims['email'].trim().toLowerCase() : '';
    const name =
      typeof claims['name'] === 'string'
        ? claims['name']
        : typeof claims['nickname'] === 'string'
          ? claims['nickname']
          : '';
    return {
      subject,
      email: email === '' ? null : email,
      emailVerified: email !== '' && claims['email_verified'] === true,
      name: name.trim() === '' ? null : [...name.trim()].slice(0, 50).join(''),
    };
  }
}
