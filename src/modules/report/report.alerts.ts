import type { CarebotThresholds } from '../settings/settings.types.js';
import { NotificationGrade, NotificationKind } from '../notification/notification.enums.js';
import { ActivityAction } from './report.enums.js';

/** A notification an alert rule wants raised. */
export interface Alert {
  grade: NotificationGrade;
  kind: NotificationKind;
  message: string;
}

/** Readings so far past a threshold that they are emergencies whatever the family set. */
const CRITICAL = {
  temperature: 60,
  heartRateLow: 40,
  heartRateHigh: 150,
  bloodOxygen: 88,
} as const;

/** The alerts a home environment reading raises (one per breached rule). */
export function homeAlerts(
  reading: { temperature: number; dustDensity: number; gasLevel: number },
  t: CarebotThresholds,
): Alert[] {
  const alerts: Alert[] = [];
  if (reading.gasLevel > t.gasMax) {
    alerts.push({
      grade: NotificationGrade.CRIT,
      kind: NotificationKind.FIRE,
      message: `Gas level ${reading.gasLevel} ppm is above ${t.gasMax} ppm.`,
    });
  }
  if (reading.temperature >= CRITICAL.temperature) {
    alerts.push({
      grade: NotificationGrade.CRIT,
      kind: NotificationKind.FIRE,
      message: `Room temperature ${reading.temperature} °C: possible fire.`,
    });
  } else if (reading.temperature > t.temperatureMax) {
    alerts.push({
      grade: NotificationGrade.WARN,
      kind: NotificationKind.ENVIRONMENT,
      message: `Room temperature ${reading.temperature} °C is above ${t.temperatureMax} °C.`,
    });
  } else if (reading.temperature < t.temperatureMin) {
    alerts.push({
      grade: NotificationGrade.WARN,
      kind: NotificationKind.ENVIRONMENT,
      message: `Room temperature ${reading.temperature} °C is below ${t.temperatureMin} °C.`,
    });
  }
  if (reading.dustDensity > t.dustMax) {
    alerts.push({
      grade: NotificationGrade.INFO,
      kind: NotificationKind.ENVIRONMENT,
      message: `Fine dust ${reading.dustDensity} µg/m³ is above ${t.dustMax} µg/m³.`,
    });
  }
  return alerts;
}

/** The alerts a vital-signs reading raises. */
export function healthAlerts(
  reading: { heartRate: number | null; bloodOxygen: number | null },
  t: CarebotThresholds,
): Alert[] {
  const alerts: Alert[] = [];
  const { heartRate, bloodOxygen } = reading;
  if (heartRate !== null && (heartRate < t.heartRateMin || heartRate > t.heartRateMax)) {
    const critical = heartRate < CRITICAL.heartRateLow || heartRate > CRITICAL.heartRateHigh;
    alerts.push({
      grade: critical ? NotificationGrade.CRIT : NotificationGrade.WARN,
      kind: NotificationKind.HEALTH,
      message: `Heart rate ${heartRate} bpm is outside ${t.heartRateMin}–${t.heartRateMax} bpm.`,
    });
  }
  if (bloodOxygen !== null && bloodOxygen < t.bloodOxygenMin) {
    alerts.push({
      grade: bloodOxygen < CRITICAL.bloodOxygen ? NotificationGrade.CRIT : NotificationGrade.WARN,
      kind: NotificationKind.HEALTH,
      message: `Blood oxygen ${bloodOxygen} % is below ${t.bloodOxygenMin} %.`,
    });
  }
  return alerts;
}

/** The alerts an activity raises: a fall is always critical. */
export function activityAlerts(reading: { action: ActivityAction }): Alert[] {
  return reading.action === ActivityAction.FALL
    ? [
        {
          grade: NotificationGrade.CRIT,
          kind: NotificationKind.FALL,
          message: 'A fall was detected.',
        },
      ]
    : [];
}
