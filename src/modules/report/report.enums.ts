import { registerEnumType } from 'type-graphql';

export enum ActivityAction {
  WALKING = 'WALKING',
  SITTING = 'SITTING',
  LYING = 'LYING',
  SLEEPING = 'SLEEPING',
  EATING = 'EATING',
  EXERCISING = 'EXERCISING',
  TALKING = 'TALKING',
  OUTING = 'OUTING',
  FALL = 'FALL',
  OTHER = 'OTHER',
}
registerEnumType(ActivityAction, {
  name: 'ActivityAction',
  description: 'What the Carebot saw the elder doing.',
  valuesConfig: {
    WALKING: { description: 'Walking around.' },
    SITTING: { description: 'Sitting.' },
    LYING: { description: 'Lying down (awake).' },
    SLEEPING: { description: 'Sleeping.' },
    EATING: { description: 'Eating or drinking.' },
    EXERCISING: { description: 'Exercising.' },
    TALKING: { description: 'Talking (with the Carebot or someone).' },
    OUTING: { description: 'Left home.' },
    FALL: { description: 'A fall: raises a CRIT alert.' },
    OTHER: { description: 'Anything else.' },
  },
});

export enum Emotion {
  JOY = 'JOY',
  SADNESS = 'SADNESS',
  ANGER = 'ANGER',
  ANXIETY = 'ANXIETY',
  NEUTRAL = 'NEUTRAL',
}
registerEnumType(Emotion, {
  name: 'Emotion',
  description: 'The dominant emotion of a mental-state reading.',
  valuesConfig: {
    JOY: { description: 'Joy.' },
    SADNESS: { description: 'Sadness.' },
    ANGER: { description: 'Anger.' },
    ANXIETY: { description: 'Anxiety.' },
    NEUTRAL: { description: 'Neutral.' },
  },
});

export enum MentalSource {
  CONVERSATION = 'CONVERSATION',
  FACE = 'FACE',
  VOICE = 'VOICE',
  SELF_REPORT = 'SELF_REPORT',
}
registerEnumType(MentalSource, {
  name: 'MentalSource',
  description: 'Where a mental-state reading came from.',
  valuesConfig: {
    CONVERSATION: { description: 'Analysis of a conversation.' },
    FACE: { description: 'Facial expression.' },
    VOICE: { description: 'Tone of voice.' },
    SELF_REPORT: { description: 'The elder said how they feel.' },
  },
});

export enum RiskLevel {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(RiskLevel, {
  name: 'RiskLevel',
  description: 'Overall risk a mental report assesses.',
  valuesConfig: {
    LOW: { description: 'No concern.' },
    MEDIUM: { description: 'Worth watching.' },
    HIGH: { description: 'Needs attention soon.' },
    CRITICAL: { description: 'Needs attention now.' },
  },
});

export enum StatusKind {
  HOME = 'HOME',
  HEALTH = 'HEALTH',
  ACTIVITY = 'ACTIVITY',
  MENTAL = 'MENTAL',
}
registerEnumType(StatusKind, {
  name: 'StatusKind',
  description: 'A kind of device reading.',
  valuesConfig: {
    HOME: { description: 'Home environment.' },
    HEALTH: { description: 'Vital signs.' },
    ACTIVITY: { description: 'Activity.' },
    MENTAL: { description: 'Mental state.' },
  },
});
