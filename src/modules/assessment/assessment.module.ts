import { AiJobKind } from '../ai/ai.enums.js';
import type { CareSessionService } from '../care-session/care-session.service.js';
import { defineModule } from '../module.js';
import { AssessmentBand, AssessmentResult, ScoringModel } from './assessment.entities.js';
import {
  AssessmentResultResolver,
  CareSessionResultResolver,
  FamilyAssessmentsResolver,
  ScoringModelResolver,
} from './assessment.resolver.js';
import { AssessmentService } from './assessment.service.js';

/**
 * Assessment results: validation and normalisation of a care session's uploaded table, the
 * registry of scoring models, scoring as durable jobs with their run log, history and trend.
 */
export const assessmentModule = defineModule<
  { assessment: AssessmentService },
  { careSession: CareSessionService }
>({
  name: 'assessment',
  entities: [ScoringModel, AssessmentResult, AssessmentBand],
  resolvers: [
    CareSessionResultResolver,
    AssessmentResultResolver,
    FamilyAssessmentsResolver,
    ScoringModelResolver,
  ],
  services: ({ careSession, fileStorage, events, jobs, clock, config, logger }) => ({
    assessment: new AssessmentService({
      careSession,
      storage: fileStorage,
      events,
      jobs,
      clock,
      config: config.careSessions,
      logger,
    }),
  }),
  jobHandlers: ({ assessment }) => ({
    [AiJobKind.ASSESSMENT_SCORE]: (attempt) => assessment.score(attempt),
  }),
});
