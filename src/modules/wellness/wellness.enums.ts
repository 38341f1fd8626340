import { registerEnumType } from 'type-graphql';

export enum StatsBucket {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(StatsBucket, {
  name: 'StatsBucket',
  description: 'How emotion statistics group days.',
  valuesConfig: {
    DAY: { description: 'One bucket per local date.' },
    WEEK: { description: 'One bucket per week, Monday to Sunday.' },
    MONTH: { description: 'One bucket per calendar month.' },
  },
});

export enum MoodSource {
  JOURNAL = 'JOURNAL',
  CAREBOT = 'CAREBOT',
}
registerEnumType(MoodSource, {
  name: 'MoodSource',
  description: 'Where an emotion in the statistics came from.',
  valuesConfig: {
    JOURNAL: { description: 'Written in the emotion journal.' },
    CAREBOT: {
      description:
        'A Carebot mood analysis (MentalStatus) of the family whose main user keeps the journal.',
    },
  },
});

/** Emotions whose intensity the negative trend follows. */
export const NEGATIVE_EMOTIONS = ['SADNESS', 'ANGER', 'ANXIETY'] as const;
