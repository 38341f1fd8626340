import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { Activity, HealthStatus } from '../src/modules/report/report.entities.js';
import { ActivityAction } from '../src/modules/report/report.enums.js';
import { robustBand, updateBaselines } from '../src/modules/routine/routine.baseline.js';
import { seededRandom } from './helpers/seeded-random.js';
import { BaselinesDocument, UpdateCareSettingsDocument } from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
let clockAt: Date | undefined;
beforeAll(async () => {
  t = await startTestServer({}, { clock: () => clockAt ?? new Date() });
});
afterEach(() => {
  clockAt = undefined;
});
afterAll(async () => {
  await t?.close();
});

const em = () => t.server.app.orm.em.fork();
/** An instant given as Seoul wall-clock time on a day of November 2026. */
const seoul = (day: number, time: string) =>
  new Date(Date.parse(`2026-11-${String(day).padStart(2, '0')}T${time}:00+09:00`));
const run = (now: Date) => {
  clockAt = now;
  const { orm, events, logger } = t.server.app;
  return updateBaselines(orm.em, events, logger, now);
};

/**
 * Stores simulated ordinary days (Seoul): vitals every 30 minutes (heart rate 56–64 asleep,
 * 64–78 awake; SpO₂ 95–99; temperature 36.3–36.9 every two hours) and an activity report every
 * 30 minutes awake (07:00–21:30) plus 0–3 extra. Returns how many of each it stored.
 */
async function simulate(f: TestFamily, days: readonly number[], seed: number) {
  const random = seededRandom(seed);
  const between = (min: number, max: number) => min + random() * (max - min);
  const e = em();
  let health = 0;
  let activity = 0;
  for (const day of days) {
    for (let slot = 0; slot < 48; slot += 1) {
      const hour = slot / 2;
      const at = new Date(seoul(day, '00:00').getTime() + slot * 30 * 60_000);
      const awake = hour >= 7 && hour < 22;
      e.create(HealthStatus, {
        family: f.family.id,
        heartRate: Math.round(awake ? between(64, 78) : between(56, 64)),
        bloodOxygen: Math.round(between(95, 99)),
        bodyTemperature: slot % 4 === 0 ? Math.round(between(36.3, 36.9) * 10) / 10 : null,
        measuredAt: at,
      });
      health += 1;
      if (awake) {
        e.create(Activity, {
          family: f.family.id,
          action: ActivityAction.SITTING,
          measuredAt: at,
        });
        activity += 1;
      }
    }
    const extra = Math.floor(between(0, 4));
    for (let i = 0; i < extra; i += 1) {
      e.create(Activity, {
        family: f.family.id,
        action: ActivityAction.WALKING,
        measuredAt: new Date(seoul(day, '10:10').getTime() + i * 60_000),
      });
      activity += 1;
    }
  }
  await e.flush();
  return { health, activity };
}

const baselinesOf = async (f: TestFamily, now: Date) => {
  clockAt = now;
  const data = await t.request(BaselinesDocument, { id: String(f.family.id) }, f.main.headers);
  return Object.fromEntries(data.family!.baselines.map((b) => [b.metric, b]));
};
const warnings = (f: TestFamily) =>
  em().find(Notification, { family: f.family.id }, { orderBy: { id: 'asc' } });
const days = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('personal baselines', () => {
  it('learns 14 days incrementally, then flags an outlier reading and an unusual day, not a normal day', async () => {
    const f = await createFamily(t);
    await run(seoul(1, '00:00')); // whatever other tests left

    const first = await simulate(f, days(1, 7), 1);
    const r1 = await run(seoul(8, '00:30'));
    expect(r1.read).toEqual(first);
    const learning = await baselinesOf(f, seoul(8, '00:30'));
    for (const metric of ['HEART_RATE', 'BLOOD_OXYGEN', 'BODY_TEMPERATURE', 'ACTIVITY'])
      expect(learning[metric]).toMatchObject({
        status: 'LEARNING',
        daysOfData: 7,
        daysRequired: 14,
        median: null,
        low: null,
        high: null,
        samples: 0,
        hours: [],
      });

    // the second batch: only its own rows are read, the watermarks move past them
    const second = await simulate(f, days(8, 14), 2);
    const r2 = await run(seoul(15, '00:30'));
    expect(r2.read).toEqual(second);
    expect(r2.watermarks.health).toBeGreaterThan(r1.watermarks.health);
    expect(r2.watermarks.activity).toBeGreaterThan(r1.watermarks.activity);
    expect(r2.alerts).toBe(0);
    const idle = await run(seoul(15, '00:35'));
    expect(idle.read).toEqual({ health: 0, activity: 0 });
    expect(idle.more).toBe(false);
    expect(idle.watermarks).toEqual(r2.watermarks);

    const ready = await baselinesOf(f, seoul(15, '01:00'));
    const heart = ready['HEART_RATE']!;
    expect(heart).toMatchObject({ status: 'READY', daysOfData: 14, samples: 14 * 48, unit: 'bpm' });
    expect(heart.low!).toBeLessThan(heart.median!);
    expect(heart.high!).toBeGreaterThan(heart.median!);
    expect(heart.high!).toBeLessThan(128);
    expect(ready['BODY_TEMPERATURE']).toMatchObject({ status: 'READY', samples: 14 * 12 });
    expect(ready['BLOOD_OXYGEN']!.status).toBe('READY');
    const activity = ready['ACTIVITY']!;
    expect(activity).toMatchObject({ status: 'READY', samples: 14, unit: 'reports' });
    expect(activity.hours).toHaveLength(24);
    expect(activity.hours[3]).toMatchObject({ hour: 3, median: 0 });
    expect(activity.hours[12]).toMatchObject({ hour: 12, median: 2 });

    // a normal day (same generator, another seed) raises nothing, neither readings nor the day
    await simulate(f, [15], 3);
    expect((await run(seoul(15, '23:59'))).alerts).toBe(0);
    expect((await run(seoul(16, '00:30'))).alerts).toBe(0);
    expect(await warnings(f)).toHaveLength(0);

    // an outlier: one WARN naming the metric, the value and the usual range (learned from the
    // 14 days before the 16th), once that day
    const before16 = await baselinesOf(f, seoul(16, '08:00'));
    const e = em();
    e.create(HealthStatus, { family: f.family.id, heartRate: 128, measuredAt: seoul(16, '09:00') });
    await e.flush();
    expect((await run(seoul(16, '09:05'))).alerts).toBe(1);
    e.create(HealthStatus, { family: f.family.id, heartRate: 131, measuredAt: seoul(16, '09:30') });
    await e.flush();
    expect((await run(seoul(16, '09:35'))).alerts).toBe(0);
    const [warning] = await warnings(f);
    expect(await warnings(f)).toHaveLength(1);
    expect(warning).toMatchObject({
      grade: 'WARN',
      kind: 'HEALTH',
      message: `Heart rate 128 bpm is outside the usual ${before16['HEART_RATE']!.low}–${before16['HEART_RATE']!.high} bpm.`,
    });

    // an unusual day: five activity reports on the 16th instead of about thirty
    for (const time of ['08:00', '09:00', '12:00', '15:00', '19:00'])
      e.create(Activity, {
        family: f.family.id,
        action: ActivityAction.SITTING,
        measuredAt: seoul(16, time),
      });
    await e.flush();
    expect((await run(seoul(16, '23:00'))).alerts).toBe(0);
    expect((await run(seoul(17, '00:10'))).alerts).toBe(1);
    expect((await run(seoul(17, '00:15'))).alerts).toBe(0);
    const all = await warnings(f);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({
      grade: 'WARN',
      kind: 'OTHER',
      message: `Activity 5 reports on 2026-11-16 is outside the usual ${before16['ACTIVITY']!.low}–${before16['ACTIVITY']!.high} reports a day.`,
    });
  });

  it('follows the learning period of the care settings, and keeps other families out', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t);
    const set = (input: { baselineLearningDays: number }, headers = f.main.headers) =>
      t.requestErrors(
        UpdateCareSettingsDocument,
        { familyId: String(f.family.id), input },
        headers,
      );
    const tooShort = await set({ baselineLearningDays: 3 });
    expect(codeOf(tooShort)).toBe('BAD_USER_INPUT');
    expect(Object.keys(tooShort[0]!.extensions!['fields'] as object)).toEqual([
      'input.baselineLearningDays',
    ]);
    expect(codeOf(await set({ baselineLearningDays: 7 }, f.caregivers[0]!.headers))).toBe(
      'FORBIDDEN',
    );
    const { updateCareSettings } = await t.request(
      UpdateCareSettingsDocument,
      { familyId: String(f.family.id), input: { baselineLearningDays: 7 } },
      f.main.headers,
    );
    expect(updateCareSettings.baselineLearningDays).toBe(7);

    await simulate(f, days(1, 7), 4);
    await run(seoul(8, '00:30'));
    const ready = await baselinesOf(f, seoul(8, '01:00'));
    expect(ready['HEART_RATE']).toMatchObject({ status: 'READY', daysOfData: 7, daysRequired: 7 });
    // caregivers read it (VIEW); another family's viewer gets NOT_FOUND
    clockAt = seoul(8, '01:00');
    const seen = await t.request(
      BaselinesDocument,
      { id: String(f.family.id) },
      f.caregivers[0]!.headers,
    );
    expect(seen.family!.baselines).toHaveLength(4);
    expect(
      codeOf(
        await t.requestErrors(BaselinesDocument, { id: String(f.family.id) }, other.main.headers),
      ),
    ).toBe('NOT_FOUND');
    // a family without data is learning, 0 of its days
    const empty = await baselinesOf(other, seoul(8, '01:00'));
    expect(empty['HEART_RATE']).toMatchObject({
      status: 'LEARNING',
      daysOfData: 0,
      updatedAt: null,
    });
  });

  it('takes median ± 3 × 1.4826 × MAD, robust to outliers, widened to the step', () => {
    // 1–9 and one wild value: median 5.5, MAD 2.5 → ± 11.1 (the 500 moves neither)
    const weights = new Map([1, 2, 3, 4, 5, 6, 7, 8, 9, 500].map((v) => [v, 1]));
    expect(robustBand(weights, 1, 1)).toEqual({ median: 5.5, low: -6, high: 17 });
    expect(robustBand(new Map([[36.5, 10]]), 0.3, 10)).toEqual({
      median: 36.5,
      low: 36.2,
      high: 36.8,
    });
  });
});
