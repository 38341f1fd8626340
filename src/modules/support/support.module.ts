import type { AuditService } from '../admin/audit.service.js';
import { defineModule } from '../module.js';
import { SupportConversation, SupportMessage } from './support.entities.js';
import { SupportMessageResolver, SupportResolver } from './support.resolver.js';
import { SupportService } from './support.service.js';

/** Support chat between users and operator staff, stored and live over graphql-ws. */
export const supportModule = defineModule<{ support: SupportService }, { audit: AuditService }>({
  name: 'support',
  entities: [SupportConversation, SupportMessage],
  resolvers: [SupportResolver, SupportMessageResolver],
  services: ({ events, audit, clock }) => ({
    support: new SupportService({ events, audit, clock }),
  }),
});
