import { defineModule } from '../module.js';
import { AiJob, ChatMessage, Conversation, MoodWatch } from './ai.entities.js';
import { queueWeeklyMentalReports, WEEKLY_REPORT_CHECK_INTERVAL_MS } from './ai.jobs.js';
import { AiJobResolver, ChatMessageResolver, ConversationResolver } from './ai.resolver.js';
import { AiService } from './ai.service.js';

/** The AI companion: conversations, mood analysis, mental reports, background AI jobs. */
export const aiModule = defineModule<{ ai: AiService }>({
  name: 'ai',
  entities: [Conversation, ChatMessage, AiJob, MoodWatch],
  resolvers: [ConversationResolver, ChatMessageResolver, AiJobResolver],
  services: ({ jobs }) => ({ ai: new AiService({ jobs }) }),
  periodic: ({ config, orm, logger, jobs }) =>
    config.weeklyMentalReports
      ? [
          {
            name: 'weekly-mental-reports',
            intervalMs: WEEKLY_REPORT_CHECK_INTERVAL_MS,
            // also at start: a cluster restarted every hour would otherwise never get to it
            runAtStart: true,
            run: async (now) => {
              if ((await queueWeeklyMentalReports(orm, logger, now)) > 0) jobs.wake();
            },
          },
        ]
      : [],
});
