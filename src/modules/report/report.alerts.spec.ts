import { describe, expect, it } from 'vitest';
import type { CarebotThresholds } from '../settings/settings.types.js';
import { activityAlerts, healthAlerts, homeAlerts } from './report.alerts.js';
import { ActivityAction } from './report.enums.js';

const t: CarebotThresholds = {
  temperatureMin: 10,
  temperatureMax: 35,
  gasMax: 1000,
  dustMax: 75,
  heartRateMin: 45,
  heartRateMax: 120,
  bloodOxygenMin: 92,
};
const calm = { temperature: 22, dustDensity: 20, gasLevel: 100 };

describe('alert rules', () => {
  it('raises nothing for readings within the thresholds, including exactly at them', () => {
    expect(homeAlerts(calm, t)).toEqual([]);
    expect(homeAlerts({ temperature: 35, dustDensity: 75, gasLevel: 1000 }, t)).toEqual([]);
    expect(healthAlerts({ heartRate: 120, bloodOxygen: 92 }, t)).toEqual([]);
    expect(healthAlerts({ heartRate: null, bloodOxygen: null }, t)).toEqual([]);
    expect(activityAlerts({ action: ActivityAction.WALKING })).toEqual([]);
  });

  it('grades each breach', () => {
    expect(homeAlerts({ ...calm, gasLevel: 1001 }, t).map((a) => [a.grade, a.kind])).toEqual([
      ['CRIT', 'FIRE'],
    ]);
    expect(homeAlerts({ ...calm, temperature: 36 }, t).map((a) => [a.grade, a.kind])).toEqual([
      ['WARN', 'ENVIRONMENT'],
    ]);
    expect(homeAlerts({ ...calm, temperature: 9 }, t).map((a) => [a.grade, a.kind])).toEqual([
      ['WARN', 'ENVIRONMENT'],
    ]);
    expect(homeAlerts({ ...calm, temperature: 61 }, t).map((a) => [a.grade, a.kind])).toEqual([
      ['CRIT', 'FIRE'],
    ]);
    expect(homeAlerts({ ...calm, dustDensity: 80 }, t).map((a) => [a.grade, a.kind])).toEqual([
      ['INFO', 'ENVIRONMENT'],
    ]);
    expect(healthAlerts({ heartRate: 130, bloodOxygen: 95 }, t).map((a) => a.grade)).toEqual([
      'WARN',
    ]);
    expect(healthAlerts({ heartRate: 160, bloodOxygen: 85 }, t).map((a) => a.grade)).toEqual([
      'CRIT',
      'CRIT',
    ]);
    expect(activityAlerts({ action: ActivityAction.FALL })).toMatchObject([
      { grade: 'CRIT', kind: 'FALL' },
    ]);
  });

  it('raises one alert per breached rule', () => {
    expect(homeAlerts({ temperature: 40, dustDensity: 200, gasLevel: 5000 }, t)).toHaveLength(3);
  });
});
