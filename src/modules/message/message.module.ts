import type { FileService } from '../file/file.service.js';
import { defineModule } from '../module.js';
import { Message } from './message.entity.js';
import { MessageResolver } from './message.resolver.js';
import { MessageService } from './message.service.js';

/** Direct messages between people who share a family. */
export const messageModule = defineModule<{ message: MessageService }, { file: FileService }>({
  name: 'message',
  entities: [Message],
  resolvers: [MessageResolver],
  services: ({ events, file }) => ({ message: new MessageService({ events, files: file }) }),
});
