import { registerEnumType } from 'type-graphql';

export enum NotificationGrade {
  NONE = 'NONE',
  INFO = 'INFO',
  WARN = 'WARN',
  CRIT = 'CRIT',
}
registerEnumType(NotificationGrade, {
  name: 'NotificationGrade',
  description: 'How urgent a notification is (NONE < INFO < WARN < CRIT).',
  valuesConfig: {
    NONE: { description: 'A record only.' },
    INFO: { description: 'For information.' },
    WARN: { description: 'Needs attention.' },
    CRIT: { description: 'Needs attention now (fire, fall, emergency).' },
  },
});

/** Order of grades, for `minGrade` filters. */
export const GRADE_RANK: Readonly<Record<NotificationGrade, number>> = {
  NONE: 0,
  INFO: 1,
  WARN: 2,
  CRIT: 3,
};

/** The grades at or above `min`. */
export function gradesFrom(min: NotificationGrade): NotificationGrade[] {
  return Object.values(NotificationGrade).filter((grade) => GRADE_RANK[grade] >= GRADE_RANK[min]);
}

export enum NotificationKind {
  FIRE = 'FIRE',
  FALL = 'FALL',
  DISASTER = 'DISASTER',
  HEALTH = 'HEALTH',
  ENVIRONMENT = 'ENVIRONMENT',
  INACTIVITY = 'INACTIVITY',
  EMERGENCY = 'EMERGENCY',
  SYSTEM = 'SYSTEM',
  MOOD = 'MOOD',
  REPORT = 'REPORT',
  OTHER = 'OTHER',
}
registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What a notification is about.',
  valuesConfig: {
    FIRE: { description: 'Fire or gas.' },
    FALL: { description: 'A fall.' },
    DISASTER: { description: 'A public disaster alert.' },
    HEALTH: { description: 'Vital signs out of range.' },
    ENVIRONMENT: { description: 'Home environment out of range.' },
    INACTIVITY: { description: 'No activity for too long.' },
    EMERGENCY: { description: 'The elder asked for help.' },
    SYSTEM: { description: 'About the Carebot itself.' },
    MOOD: { description: 'A sustained low mood read from the conversations.' },
    REPORT: { description: 'A new mental report is ready.' },
    OTHER: { description: 'Anything else.' },
  },
});
