import { defineModule } from '../module.js';
import { LiveResolver } from './live.resolver.js';

/** Subscriptions: notifications, messages, unread counts and settings, live. */
export const liveModule = defineModule({
  name: 'live',
  entities: [],
  resolvers: [LiveResolver],
});
