import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Activity, HealthStatus } from '../src/modules/report/report.entities.js';
import { ActivityAction } from '../src/modules/report/report.enums.js';
import {
  ActivitySeriesDocument,
  UpdateCareSettingsDocument,
  VitalsSeriesDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const em = () => t.server.app.orm.em.fork();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const SEOUL = 9 * HOUR;
/** Midnight of 2026-11-10 in Seoul. */
const START = Date.parse('2026-11-10T00:00:00Z') - SEOUL;

/** Deterministic readings: every 20 minutes for `days` days, heart rate varying with time. */
async function seed(f: TestFamily, days: number) {
  const rows: { at: number; heartRate: number; action: ActivityAction }[] = [];
  const actions = [ActivityAction.WALKING, ActivityAction.SITTING, ActivityAction.EATING];
  for (let i = 0; i < (days * DAY) / (20 * 60_000); i += 1) {
    const at = START + i * 20 * 60_000 + 7_000;
    rows.push({ at, heartRate: 60 + ((i * 7) % 31), action: actions[i % 3]! });
  }
  const e = em();
  await e.insertMany(
    HealthStatus,
    rows.map((row) => ({
      family: f.family.id,
      heartRate: row.heartRate,
      measuredAt: new Date(row.at),
      createdAt: new Date(row.at),
    })),
  );
  await e.insertMany(
    Activity,
    rows.map((row) => ({
      family: f.family.id,
      action: row.action,
      measuredAt: new Date(row.at),
      createdAt: new Date(row.at),
    })),
  );
  return rows;
}

/** The same buckets computed directly from the rows. */
function expected(
  rows: readonly { at: number; heartRate: number }[],
  from: number,
  to: number,
  width: number,
  offset: number,
) {
  const buckets = new Map<number, number[]>();
  for (const row of rows) {
    if (row.at < from || row.at >= to) continue;
    const start = Math.floor((row.at + offset) / width) * width - offset;
    buckets.set(start, [...(buckets.get(start) ?? []), row.heartRate]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, values]) => ({
      start: new Date(start).toISOString(),
      end: new Date(start + width).toISOString(),
      min: Math.min(...values),
      avg: values.reduce((sum, value) => sum + value, 0) / values.length,
      max: Math.max(...values),
      count: values.length,
    }));
}

describe('chart series', () => {
  it('buckets vitals by hour and day in the family time zone, as a direct computation does', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const rows = await seed(f, 3);
    // a range that starts and ends inside buckets
    const from = START + 5 * HOUR + 30 * 60_000;
    const to = START + 2 * DAY + 13 * HOUR;
    for (const [bucket, width] of [
      ['HOUR', HOUR],
      ['DAY', DAY],
    ] as const) {
      const data = await t.request(
        VitalsSeriesDocument,
        {
          id: String(f.family.id),
          metric: 'HEART_RATE',
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          bucket,
        },
        f.caregivers[0]!.headers,
      );
      const got = data.family!.vitalsSeries.map((b) => ({ ...b, avg: Number(b.avg.toFixed(6)) }));
      const want = expected(rows, from, to, width, SEOUL).map((b) => ({
        ...b,
        avg: Number(b.avg.toFixed(6)),
      }));
      expect(got).toEqual(want);
      if (bucket === 'DAY') {
        // days run midnight to midnight in Seoul
        expect(got.map((b) => b.start)).toEqual([
          '2026-11-09T15:00:00.000Z',
          '2026-11-10T15:00:00.000Z',
          '2026-11-11T15:00:00.000Z',
        ]);
      }
    }
  });

  it("follows the family's time zone setting", async () => {
    const f = await createFamily(t);
    const rows = await seed(f, 2);
    await t.request(
      UpdateCareSettingsDocument,
      { familyId: String(f.family.id), input: { timeZone: 'Europe/London' } },
      f.main.headers,
    );
    const from = START;
    const to = START + 2 * DAY;
    const data = await t.request(
      VitalsSeriesDocument,
      {
        id: String(f.family.id),
        metric: 'HEART_RATE',
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        bucket: 'DAY',
      },
      f.main.headers,
    );
    expect(data.family!.vitalsSeries.map((b) => b.start)).toEqual(
      expected(rows, from, to, DAY, 0).map((b) => b.start),
    );
    expect(data.family!.vitalsSeries[1]!.start).toBe('2026-11-10T00:00:00.000Z');
  });

  it('counts activities per bucket and activity', async () => {
    const f = await createFamily(t);
    const rows = await seed(f, 1);
    const data = await t.request(
      ActivitySeriesDocument,
      {
        id: String(f.family.id),
        from: new Date(START).toISOString(),
        to: new Date(START + DAY).toISOString(),
        bucket: 'HOUR',
      },
      f.main.headers,
    );
    const series = data.family!.activitySeries;
    expect(series).toHaveLength(24);
    for (const bucket of series) {
      const inside = rows.filter(
        (row) => row.at >= Date.parse(bucket.start) && row.at < Date.parse(bucket.end),
      );
      expect(bucket.count).toBe(inside.length);
      for (const { action, count } of bucket.byAction)
        expect(count).toBe(inside.filter((row) => (row.action as string) === action).length);
    }
  });

  it('costs the same statements for a day as for a month of data', async () => {
    const f = await createFamily(t);
    await seed(f, 31);
    const run = (days: number, bucket: 'HOUR' | 'DAY') =>
      t.countQueries(async () => {
        const variables = {
          id: String(f.family.id),
          from: new Date(START).toISOString(),
          to: new Date(START + days * DAY).toISOString(),
          bucket,
        };
        const vitals = await t.request(
          VitalsSeriesDocument,
          { ...variables, metric: 'HEART_RATE' },
          f.main.headers,
        );
        const activity = await t.request(ActivitySeriesDocument, variables, f.main.headers);
        expect(vitals.family!.vitalsSeries.length).toBeGreaterThan(0);
        expect(activity.family!.activitySeries.length).toBeGreaterThan(0);
      });
    const day = await run(1, 'HOUR');
    const month = await run(31, 'HOUR');
    const monthByDay = await run(31, 'DAY');
    expect(month.count).toBe(day.count);
    expect(monthByDay.count).toBe(day.count);
  });

  it('refuses bad ranges naming the argument, and hides other families', async () => {
    const f = await createFamily(t);
    const stranger = await createUser(t);
    const variables = {
      id: String(f.family.id),
      metric: 'HEART_RATE' as const,
      from: new Date(START).toISOString(),
      to: new Date(START).toISOString(),
      bucket: 'HOUR' as const,
    };
    const empty = await t.requestErrors(VitalsSeriesDocument, variables, f.main.headers);
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    expect(empty[0]!.extensions!['fields']).toEqual({ to: 'must be after from' });
    const tooLong = await t.requestErrors(
      VitalsSeriesDocument,
      { ...variables, to: new Date(START + 32 * DAY).toISOString() },
      f.main.headers,
    );
    expect(codeOf(tooLong)).toBe('BAD_USER_INPUT');
    const hidden = await t.requestErrors(
      VitalsSeriesDocument,
      { ...variables, to: new Date(START + DAY).toISOString() },
      stranger.headers,
    );
    expect(codeOf(hidden)).toBe('NOT_FOUND');
  });
});
