import { defineModule } from '../module.js';
import { Digest, DigestDelivery, DigestPreference } from './digest.entities.js';
import { DIGEST_INTERVAL_MS, runDigests } from './digest.job.js';
import { DigestResolver, DigestSectionsResolver, FamilyDigestResolver } from './digest.resolver.js';
import { DigestService } from './digest.service.js';

/** The daily digest: each morning, the family's previous day by e-mail and over GraphQL. */
export const digestModule = defineModule<{ digest: DigestService }>({
  name: 'digest',
  entities: [DigestPreference, Digest, DigestDelivery],
  resolvers: [DigestResolver, FamilyDigestResolver, DigestSectionsResolver],
  services: ({ clock }) => ({ digest: new DigestService({ clock }) }),
  periodic: ({ orm, mailer, logger }) => [
    {
      name: 'daily-digest',
      intervalMs: DIGEST_INTERVAL_MS,
      run: (now) => runDigests(orm, mailer, logger, now).then(() => undefined),
    },
  ],
});
