import { defineModule } from '../module.js';
import { AiJob, ChatMessage, Conversation, MoodWatch } from './ai.entities.js';
import { AiJobResolver, ChatMessageResolver, ConversationResolver } from './ai.resolver.js';
import { AiService } from './ai.service.js';

/** The AI companion: conversations, mood analysis, mental reports, background AI jobs. */
export const aiModule = defineModule<{ ai: AiService }>({
  name: 'ai',
  entities: [Conversation, ChatMessage, AiJob, MoodWatch],
  resolvers: [ConversationResolver, ChatMessageResolver, AiJobResolver],
  services: ({ jobs }) => ({ ai: new AiService({ jobs }) }),
});
