import type { FileService } from '../file/file.service.js';
import { defineModule } from '../module.js';
import { FamilyBackground } from './family-background.entity.js';
import { FamilyInvite } from './family-invite.entity.js';
import { Family } from './family.entity.js';
import { FamilyResolver } from './family.resolver.js';
import { FamilyService } from './family.service.js';
import { Membership } from './membership.entity.js';
import { MembershipResolver } from './membership.resolver.js';

/** Families, memberships, invitations and background pictures. */
export const familyModule = defineModule<{ family: FamilyService }, { file: FileService }>({
  name: 'family',
  entities: [Family, Membership, FamilyInvite, FamilyBackground],
  resolvers: [FamilyResolver, MembershipResolver],
  services: ({ rateLimiter, file, events }) => ({
    family: new FamilyService({ rateLimiter, files: file, events }),
  }),
});
