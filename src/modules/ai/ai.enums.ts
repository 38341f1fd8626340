import { registerEnumType } from 'type-graphql';

export enum ChatRole {
  USER = 'USER',
  ASSISTANT = 'ASSISTANT',
}
registerEnumType(ChatRole, {
  name: 'ChatRole',
  description: 'Who wrote a chat message.',
  valuesConfig: {
    USER: { description: 'The elder (typed or spoken to the Carebot).' },
    ASSISTANT: { description: 'The AI companion.' },
  },
});

export enum AiJobKind {
  CHAT_REPLY = 'CHAT_REPLY',
  MOOD = 'MOOD',
  MENTAL_REPORT = 'MENTAL_REPORT',
  CARE_SESSION_WATCHDOG = 'CARE_SESSION_WATCHDOG',
  ASSESSMENT_SCORE = 'ASSESSMENT_SCORE',
}
registerEnumType(AiJobKind, {
  name: 'AiJobKind',
  description: 'What a background AI job does.',
  valuesConfig: {
    CHAT_REPLY: { description: 'Replies to a chat message.' },
    MOOD: { description: 'Analyses a chat message into a mental status (source CONVERSATION).' },
    MENTAL_REPORT: {
      description: 'Writes a mental report of a period (requested, or the weekly one).',
    },
    CARE_SESSION_WATCHDOG: {
      description: 'Ends a care session the Carebot did not accept or stopped reporting on.',
    },
    ASSESSMENT_SCORE: { description: 'Scores an assessment result with a registered model.' },
  },
});

export enum AiJobStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}
registerEnumType(AiJobStatus, {
  name: 'AiJobStatus',
  description: 'Where a background AI job stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting to run (or to be retried).' },
    RUNNING: { description: 'A worker is running it.' },
    DONE: { description: 'Finished successfully.' },
    FAILED: { description: 'Gave up after its attempts; `error` says why.' },
  },
});
