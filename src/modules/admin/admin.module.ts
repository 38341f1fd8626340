import { defineModule } from '../module.js';
import { AdminResolver, AuditEntryResolver } from './admin.resolver.js';
import { AdminService } from './admin.service.js';
import { AuditEntry } from './audit.entity.js';
import { AuditService } from './audit.service.js';

/**
 * The admin console (SPEC §1 ADMIN) and the audit log every admin action writes. Listed before
 * the modules whose admin actions it records (they take `audit`).
 */
export const adminModule = defineModule<{ admin: AdminService; audit: AuditService }>({
  name: 'admin',
  entities: [AuditEntry],
  resolvers: [AdminResolver, AuditEntryResolver],
  services: ({ events, clock }) => {
    const audit = new AuditService({ clock });
    return { audit, admin: new AdminService({ events, audit, clock }) };
  },
});
