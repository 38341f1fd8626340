import { defineModule } from '../module.js';
import { CarebotSettings } from './settings.entity.js';
import { SettingsResolver } from './settings.resolver.js';
import { SettingsService } from './settings.service.js';

/** Each family's Carebot settings and thresholds. */
export const settingsModule = defineModule<{ settings: SettingsService }>({
  name: 'settings',
  entities: [CarebotSettings],
  resolvers: [SettingsResolver],
  services: ({ events }) => ({ settings: new SettingsService({ events }) }),
});
