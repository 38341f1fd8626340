import { defineModule } from '../module.js';
import { Challenge, ChallengeCheckIn } from './challenge.entities.js';
import { ChallengeResolver } from './challenge.resolver.js';
import { ChallengeService, closeEndedChallenges } from './challenge.service.js';
import { EmotionEntry } from './wellness.entities.js';
import { EmotionEntryResolver } from './wellness.resolver.js';
import { WellnessService } from './wellness.service.js';

/** How often challenges past their last day are closed. */
export const CHALLENGE_CLOSE_INTERVAL_MS = 15 * 60_000;

/** The emotion journal and its statistics (seed 002 §3.1), and personal challenges (§4.3). */
export const wellnessModule = defineModule<{
  wellness: WellnessService;
  challenge: ChallengeService;
}>({
  name: 'wellness',
  entities: [EmotionEntry, Challenge, ChallengeCheckIn],
  resolvers: [EmotionEntryResolver, ChallengeResolver],
  services: ({ clock }) => ({
    wellness: new WellnessService({ clock }),
    challenge: new ChallengeService({ clock }),
  }),
  periodic: ({ orm, logger }) => [
    {
      name: 'close-challenges',
      intervalMs: CHALLENGE_CLOSE_INTERVAL_MS,
      runAtStart: true,
      run: async (now) => {
        const closed = await closeEndedChallenges(orm, now);
        if (closed > 0) logger.info({ closed }, 'ended challenges closed');
      },
    },
  ],
});
