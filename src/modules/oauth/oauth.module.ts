import { defineModule } from '../module.js';
import { OAuthFlow, OAuthPending, UserIdentity } from './oauth.entities.js';
import { OAuthResolver } from './oauth.resolver.js';
import { OAuthService, PURGE_INTERVAL_MS } from './oauth.service.js';

/** Social sign-in with Google and Kakao (OpenID Connect), linked to our own accounts. */
export const oauthModule = defineModule<{ oauth: OAuthService }>({
  name: 'oauth',
  entities: [UserIdentity, OAuthFlow, OAuthPending],
  resolvers: [OAuthResolver],
  services: ({ config, orm, logger, rateLimiter, clock }) => ({
    oauth: new OAuthService({ config, orm, logger, rateLimiter, clock }),
  }),
  periodic: ({ oauth, logger }) => [
    {
      name: 'purge-oauth',
      intervalMs: PURGE_INTERVAL_MS,
      run: async (now) => {
        const purged = await oauth.purge(now);
        if (purged > 0) logger.info({ purged }, 'purged expired social sign-in flows');
      },
    },
  ],
});
