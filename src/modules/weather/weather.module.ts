import { defineModule } from '../module.js';
import { createWeatherProvider } from './weather.provider.js';
import { FamilyWeatherResolver } from './weather.resolver.js';
import { WeatherService } from './weather.service.js';

/** Current weather at the elder's municipality. */
export const weatherModule = defineModule<{ weather: WeatherService }>({
  name: 'weather',
  entities: [],
  resolvers: [FamilyWeatherResolver],
  services: ({ config, logger }) => ({
    weather: new WeatherService({ provider: createWeatherProvider(config), logger }),
  }),
});
