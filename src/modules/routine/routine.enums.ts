import { registerEnumType } from 'type-graphql';

export enum SeriesBucket {
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(SeriesBucket, {
  name: 'SeriesBucket',
  description: "How wide a chart bucket is, in the family's time zone.",
  valuesConfig: {
    HOUR: { description: 'One hour.' },
    DAY: { description: 'One calendar day (midnight to midnight, family time zone).' },
  },
});

export enum VitalMetric {
  HEART_RATE = 'HEART_RATE',
  BLOOD_OXYGEN = 'BLOOD_OXYGEN',
  BODY_TEMPERATURE = 'BODY_TEMPERATURE',
  SYSTOLIC = 'SYSTOLIC',
  DIASTOLIC = 'DIASTOLIC',
}
registerEnumType(VitalMetric, {
  name: 'VitalMetric',
  description: 'A vital sign of the health readings.',
  valuesConfig: {
    HEART_RATE: { description: 'Heart rate, beats per minute.' },
    BLOOD_OXYGEN: { description: 'Blood oxygen saturation, %.' },
    BODY_TEMPERATURE: { description: 'Body temperature, °C.' },
    SYSTOLIC: { description: 'Systolic blood pressure, mmHg.' },
    DIASTOLIC: { description: 'Diastolic blood pressure, mmHg.' },
  },
});

/** The column of each metric in `health_status`. */
export const METRIC_COLUMN: Readonly<Record<VitalMetric, string>> = {
  HEART_RATE: 'heart_rate',
  BLOOD_OXYGEN: 'blood_oxygen',
  BODY_TEMPERATURE: 'body_temperature',
  SYSTOLIC: 'systolic',
  DIASTOLIC: 'diastolic',
};

export enum RoutineRuleKind {
  NO_ACTIVITY = 'NO_ACTIVITY',
  LONG_ACTIVITY = 'LONG_ACTIVITY',
}
registerEnumType(RoutineRuleKind, {
  name: 'RoutineRuleKind',
  description: 'What a routine rule watches for.',
  valuesConfig: {
    NO_ACTIVITY: {
      description: 'None of the activities was reported in the window (checked when it ends).',
    },
    LONG_ACTIVITY: {
      description:
        'One of the activities lasted longer than `minDurationMinutes` inside the window (checked while it runs).',
    },
  },
});

export enum BaselineMetric {
  HEART_RATE = 'HEART_RATE',
  BLOOD_OXYGEN = 'BLOOD_OXYGEN',
  BODY_TEMPERATURE = 'BODY_TEMPERATURE',
  ACTIVITY = 'ACTIVITY',
}
registerEnumType(BaselineMetric, {
  name: 'BaselineMetric',
  description: 'What a personal baseline learns.',
  valuesConfig: {
    HEART_RATE: { description: 'Heart rate readings, beats per minute.' },
    BLOOD_OXYGEN: { description: 'Blood oxygen readings, %.' },
    BODY_TEMPERATURE: { description: 'Body temperature readings, °C.' },
    ACTIVITY: {
      description: 'Activity reports per day (the band) and per hour of the day (`hours`).',
    },
  },
});

export enum BaselineStatus {
  LEARNING = 'LEARNING',
  READY = 'READY',
}
registerEnumType(BaselineStatus, {
  name: 'BaselineStatus',
  description: 'Whether a baseline has learned enough to judge readings.',
  valuesConfig: {
    LEARNING: { description: 'Fewer days of data than the learning period: no band yet.' },
    READY: { description: 'Learned: readings (or days) outside the band raise a WARN.' },
  },
});
