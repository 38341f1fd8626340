import { registerEnumType } from 'type-graphql';

export enum CheckInKind {
  QUESTION = 'QUESTION',
  MEASUREMENT = 'MEASUREMENT',
}
registerEnumType(CheckInKind, {
  name: 'CheckInKind',
  description: 'What a check-in asks of the elder.',
  valuesConfig: {
    QUESTION: { description: 'A yes/no question (e.g. "Did you take your blood pressure pill?").' },
    MEASUREMENT: { description: 'A measurement with a unit (blood pressure, weight, …).' },
  },
});

export enum CheckInSchedule {
  DAILY = 'DAILY',
  WEEKDAYS = 'WEEKDAYS',
}
registerEnumType(CheckInSchedule, {
  name: 'CheckInSchedule',
  description: 'On which days a check-in falls due.',
  valuesConfig: {
    DAILY: { description: 'Every day.' },
    WEEKDAYS: { description: 'On the listed days of the week only (`weekdays`).' },
  },
});

export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}
registerEnumType(Weekday, {
  name: 'Weekday',
  description: "A day of the week, in the family's time zone.",
  valuesConfig: {
    MONDAY: { description: 'Monday.' },
    TUESDAY: { description: 'Tuesday.' },
    WEDNESDAY: { description: 'Wednesday.' },
    THURSDAY: { description: 'Thursday.' },
    FRIDAY: { description: 'Friday.' },
    SATURDAY: { description: 'Saturday.' },
    SUNDAY: { description: 'Sunday.' },
  },
});

/** Monday first: a day's bit in `CheckIn.weekdayMask` is 1 << its index here. */
export const WEEKDAYS: readonly Weekday[] = Object.values(Weekday);

export enum MeasurementKind {
  BLOOD_PRESSURE = 'BLOOD_PRESSURE',
  WEIGHT = 'WEIGHT',
  GLUCOSE = 'GLUCOSE',
  TEMPERATURE = 'TEMPERATURE',
  HEART_RATE = 'HEART_RATE',
  BLOOD_OXYGEN = 'BLOOD_OXYGEN',
}
registerEnumType(MeasurementKind, {
  name: 'MeasurementKind',
  description: 'What a MEASUREMENT check-in measures (the unit follows from it).',
  valuesConfig: {
    BLOOD_PRESSURE: { description: 'Systolic blood pressure, mmHg (40–300).' },
    WEIGHT: { description: 'Body weight, kg (10–400).' },
    GLUCOSE: { description: 'Blood glucose, mg/dL (10–1000).' },
    TEMPERATURE: { description: 'Body temperature, °C (30–45).' },
    HEART_RATE: { description: 'Heart rate, beats per minute (20–250).' },
    BLOOD_OXYGEN: { description: 'Blood oxygen saturation, % (50–100).' },
  },
});

/**
 * Each measurement's unit and the values a device may report for it: a reading outside is a
 * typo or a broken sensor, refused rather than stored.
 */
export const MEASUREMENTS: Readonly<
  Record<MeasurementKind, { unit: string; min: number; max: number; label: string }>
> = {
  [MeasurementKind.BLOOD_PRESSURE]: { unit: 'mmHg', min: 40, max: 300, label: 'Blood pressure' },
  [MeasurementKind.WEIGHT]: { unit: 'kg', min: 10, max: 400, label: 'Weight' },
  [MeasurementKind.GLUCOSE]: { unit: 'mg/dL', min: 10, max: 1000, label: 'Blood glucose' },
  [MeasurementKind.TEMPERATURE]: { unit: '°C', min: 30, max: 45, label: 'Body temperature' },
  [MeasurementKind.HEART_RATE]: { unit: 'bpm', min: 20, max: 250, label: 'Heart rate' },
  [MeasurementKind.BLOOD_OXYGEN]: { unit: '%', min: 50, max: 100, label: 'Blood oxygen' },
};

export enum OccurrenceState {
  PENDING = 'PENDING',
  ANSWERED = 'ANSWERED',
  MISSED = 'MISSED',
}
registerEnumType(OccurrenceState, {
  name: 'CheckInOccurrenceState',
  description: 'Where one due check-in stands.',
  valuesConfig: {
    PENDING: { description: 'Due and waiting for the answer (until the grace period ends).' },
    ANSWERED: { description: 'The Carebot answered it.' },
    MISSED: { description: 'Not answered within the grace period.' },
  },
});
