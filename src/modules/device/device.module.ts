import { defineModule } from '../module.js';
import { Device } from './device.entity.js';
import { DeviceResolver } from './device.resolver.js';
import { DeviceService } from './device.service.js';

/** Carebot devices: registration, revocation, their settings. */
export const deviceModule = defineModule<{ device: DeviceService }>({
  name: 'device',
  entities: [Device],
  resolvers: [DeviceResolver],
  services: ({ events }) => ({ device: new DeviceService({ events }) }),
});
