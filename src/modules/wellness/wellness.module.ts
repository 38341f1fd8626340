import { defineModule } from '../module.js';
import { EmotionEntry } from './wellness.entities.js';
import { EmotionEntryResolver } from './wellness.resolver.js';
import { WellnessService } from './wellness.service.js';

/** The emotion journal and its statistics (seed 002 §3.1). */
export const wellnessModule = defineModule<{ wellness: WellnessService }>({
  name: 'wellness',
  entities: [EmotionEntry],
  resolvers: [EmotionEntryResolver],
  services: ({ clock }) => ({ wellness: new WellnessService({ clock }) }),
});
