import { defineModule } from '../module.js';
import { ServerInfoResolver } from './server-info.resolver.js';

/** Server information and the live-delivery ping. */
export const serverModule = defineModule({
  name: 'server',
  entities: [],
  resolvers: [ServerInfoResolver],
});
