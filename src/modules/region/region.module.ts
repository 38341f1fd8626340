import { defineModule } from '../module.js';
import { Region } from './region.entity.js';
import { RegionResolver } from './region.resolver.js';

/** Korea's administrative regions (reference data). */
export const regionModule = defineModule({
  name: 'region',
  entities: [Region],
  resolvers: [RegionResolver],
});
