import type { FileService } from '../file/file.service.js';
import { defineModule } from '../module.js';
import { PURGE_INTERVAL_MS, purgeAccounts } from './account.jobs.js';
import { AccountResolver } from './account.resolver.js';
import { AccountService } from './account.service.js';
import { PasswordReset } from './password-reset.entity.js';
import { Session } from './session.entity.js';
import { User } from './user.entity.js';
import { UserResolver } from './user.resolver.js';

/** Accounts, sessions and passwords. */
export const accountModule = defineModule<{ account: AccountService }, { file: FileService }>({
  name: 'account',
  entities: [User, Session, PasswordReset],
  resolvers: [AccountResolver, UserResolver],
  services: ({ config, rateLimiter, mailer, logger, orm, file, events, clock }) => ({
    account: new AccountService({
      config,
      rateLimiter,
      mailer,
      logger,
      orm,
      files: file,
      events,
      clock,
    }),
  }),
  periodic: ({ orm, logger }) => [
    {
      name: 'purge-accounts',
      intervalMs: PURGE_INTERVAL_MS,
      run: (now) => purgeAccounts(orm, logger, now).then(() => undefined),
    },
  ],
});
