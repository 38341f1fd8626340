import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRole } from '../src/modules/account/user.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import { MentalStatus } from '../src/modules/report/report.entities.js';
import { Emotion, MentalSource } from '../src/modules/report/report.enums.js';
import { EmotionEntry } from '../src/modules/wellness/wellness.entities.js';
import { User } from '../src/modules/account/user.entity.js';
import { seoulDate } from '../src/util/seoul-time.js';
import {
  CreateEmotionEntryDocument,
  DeleteEmotionEntryDocument,
  EmotionEntriesDocument,
  EmotionEntryDocument,
  type Emotion as EmotionName,
  EmotionStatsDocument,
  type EmotionStatsQuery,
  ShareJournalDocument,
  type StatsBucket,
  UpdateEmotionEntryDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { callersOf, type MatrixRow, roleMatrix } from './helpers/role-matrix.js';
import { seededRandom } from './helpers/seeded-random.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
/** The server's clock: Monday 2026-11-30, 12:00 in Seoul. */
let now = new Date('2026-11-30T03:00:00Z');
const em = () => t.server.app.orm.em.fork();

beforeAll(async () => {
  t = await startTestServer({}, { clock: () => now });
});
afterAll(async () => {
  await t.close();
});

const entry = (date: string, emotion: EmotionName = 'JOY', intensity = 5) => ({
  emotion,
  intensity,
  date,
});

async function fieldsOf(promise: Promise<readonly { extensions?: Record<string, unknown> }[]>) {
  const errors = await promise;
  expect(codeOf(errors)).toBe('BAD_USER_INPUT');
  return Object.keys(errors[0]!.extensions!['fields'] as object);
}

describe('the emotion journal, for its writer', () => {
  it('creates, reads, edits and deletes an entry', async () => {
    const me = await createUser(t);
    const { createEmotionEntry: created } = await t.request(
      CreateEmotionEntryDocument,
      {
        input: {
          emotion: 'SADNESS',
          intensity: 7,
          note: '비가 와서 울적했다',
          tags: [' rain ', 'rain', 'home'],
          date: '2026-11-29',
        },
      },
      me.headers,
    );
    expect(created).toMatchObject({
      emotion: 'SADNESS',
      intensity: 7,
      note: '비가 와서 울적했다',
      tags: ['rain', 'home'],
      date: '2026-11-29',
      createdAt: now.toISOString(),
    });
    const { emotionEntry: read } = await t.request(
      EmotionEntryDocument,
      { id: created.id },
      me.headers,
    );
    expect(read).toEqual(created);

    now = new Date(now.getTime() + 60_000);
    const { updateEmotionEntry: updated } = await t.request(
      UpdateEmotionEntryDocument,
      { id: created.id, input: { intensity: 3, tags: [], date: '2026-11-30' } },
      me.headers,
    );
    expect(updated).toMatchObject({
      emotion: 'SADNESS',
      intensity: 3,
      tags: [],
      date: '2026-11-30',
      note: '비가 와서 울적했다',
      updatedAt: now.toISOString(),
    });

    const { deleteEmotionEntry } = await t.request(
      DeleteEmotionEntryDocument,
      { id: created.id },
      me.headers,
    );
    expect(deleteEmotionEntry).toBe(created.id);
    expect(await em().count(EmotionEntry, { id: Number(created.id) })).toBe(0);
    const errors = await t.requestErrors(EmotionEntryDocument, { id: created.id }, me.headers);
    expect(codeOf(errors)).toBe('NOT_FOUND');
  });

  it('refuses bad input, naming the field, and stores nothing', async () => {
    const me = await createUser(t);
    const create = (input: Record<string, unknown>) =>
      t.requestErrors(
        CreateEmotionEntryDocument,
        { input: { ...entry('2026-11-29'), ...input } as never },
        me.headers,
      );
    expect(await fieldsOf(create({ intensity: 0 }))).toEqual(['input.intensity']);
    expect(await fieldsOf(create({ intensity: 11 }))).toEqual(['input.intensity']);
    expect(await fieldsOf(create({ note: 'x'.repeat(1001) }))).toEqual(['input.note']);
    expect(await fieldsOf(create({ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }))).toEqual(
      ['input.tags'],
    );
    expect(await fieldsOf(create({ tags: ['x'.repeat(31)] }))).toEqual(['input.tags']);
    expect(await fieldsOf(create({ tags: ['  '] }))).toEqual(['input.tags']);
    expect(await fieldsOf(create({ date: '2026-12-05' }))).toEqual(['input.date']);
    expect(await fieldsOf(create({ date: '1899-12-31' }))).toEqual(['input.date']);
    // an unknown emotion or an impossible date never reach the service
    expect(codeOf(await create({ emotion: 'BORED' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await create({ date: '2026-02-30' }))).toBe('BAD_USER_INPUT');
    expect(await em().count(EmotionEntry, { owner: me.user.id })).toBe(0);

    // a note of exactly 1,000 characters (code points) and 10 tags of 30 are fine
    const { createEmotionEntry: ok } = await t.request(
      CreateEmotionEntryDocument,
      {
        input: {
          ...entry('2026-11-29'),
          note: '😀'.repeat(1000),
          tags: Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(30, 'x')),
        },
      },
      me.headers,
    );
    const before = await em().findOneOrFail(EmotionEntry, { id: Number(ok.id) });
    const update = (input: Record<string, unknown>) =>
      t.requestErrors(UpdateEmotionEntryDocument, { id: ok.id, input: input as never }, me.headers);
    expect(await fieldsOf(update({ intensity: 0, note: 'changed' }))).toEqual(['input.intensity']);
    expect(await fieldsOf(update({ date: '2027-01-01', note: 'changed' }))).toEqual(['input.date']);
    const after = await em().findOneOrFail(EmotionEntry, { id: Number(ok.id) });
    expect(after).toEqual(before);
    // a malformed id names no entry, like any other unknown one
    expect(codeOf(await t.requestErrors(EmotionEntryDocument, { id: 'nope' }, me.headers))).toBe(
      'NOT_FOUND',
    );
  });

  it('lists by date with from, to, order and cursors', async () => {
    const me = await createUser(t);
    const dates = ['2026-11-20', '2026-11-22', '2026-11-21', '2026-11-25', '2026-11-23'];
    for (const date of dates)
      await t.request(CreateEmotionEntryDocument, { input: entry(date) }, me.headers);
    const list = async (vars: Record<string, unknown>) =>
      (await t.request(EmotionEntriesDocument, vars, me.headers)).emotionEntries;

    const all = await list({});
    expect(all.totalCount).toBe(5);
    expect(all.edges.map((e) => e.node.date)).toEqual([
      '2026-11-25',
      '2026-11-23',
      '2026-11-22',
      '2026-11-21',
      '2026-11-20',
    ]);
    const ranged = await list({ from: '2026-11-21', to: '2026-11-23', order: 'ASC' });
    expect(ranged.totalCount).toBe(3);
    expect(ranged.edges.map((e) => e.node.date)).toEqual([
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
    ]);

    const first = await list({ first: 2, order: 'ASC' });
    expect(first.edges.map((e) => e.node.date)).toEqual(['2026-11-20', '2026-11-21']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await list({ first: 2, order: 'ASC', after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.date)).toEqual(['2026-11-22', '2026-11-23']);
    const last = await list({ last: 1 });
    expect(last.edges.map((e) => e.node.date)).toEqual(['2026-11-20']);

    const errors = await t.requestErrors(
      EmotionEntriesDocument,
      { from: '2026-11-23', to: '2026-11-21' },
      me.headers,
    );
    expect(Object.keys(errors[0]!.extensions!['fields'] as object)).toEqual(['to']);
    const bad = await t.requestErrors(EmotionEntriesDocument, { after: 'garbage' }, me.headers);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });

  it("keeps a member's own journal private to them", async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const caregiver = f.caregivers[0]!;
    const { createEmotionEntry: mine } = await t.request(
      CreateEmotionEntryDocument,
      { input: entry('2026-11-28') },
      caregiver.headers,
    );
    await t.request(
      ShareJournalDocument,
      { familyId: String(f.family.id), share: true },
      f.main.headers,
    );
    // sharing concerns the main user's journal only
    for (const headers of [f.main.headers, (await createUser(t)).headers]) {
      const errors = await t.requestErrors(EmotionEntryDocument, { id: mine.id }, headers);
      expect(codeOf(errors)).toBe('NOT_FOUND');
    }
    const { emotionEntries } = await t.request(EmotionEntriesDocument, {}, caregiver.headers);
    expect(emotionEntries.edges.map((e) => e.node.id)).toEqual([mine.id]);
  });
});

describe('sharing the main user’s journal with the family', () => {
  let f: TestFamily;
  let other: TestFamily;
  let entryId: string;
  const familyId = () => String(f.family.id);

  beforeAll(async () => {
    f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    other = await createFamily(t, { caregivers: 1 });
    entryId = (
      await t.request(
        CreateEmotionEntryDocument,
        { input: { ...entry('2026-11-29', 'ANXIETY', 8), note: 'private' } },
        f.main.headers,
      )
    ).createEmotionEntry.id;
  });

  const share = (on: boolean) =>
    t.request(ShareJournalDocument, { familyId: familyId(), share: on }, f.main.headers);

  it('is off by default: members read nothing', async () => {
    const caregiver = f.caregivers[0]!.headers;
    for (const errors of [
      await t.requestErrors(EmotionEntriesDocument, { familyId: familyId() }, caregiver),
      await t.requestErrors(EmotionEntryDocument, { id: entryId }, caregiver),
      await t.requestErrors(
        EmotionStatsDocument,
        { familyId: familyId(), from: '2026-11-01', to: '2026-11-30', bucket: 'DAY' },
        caregiver,
      ),
    ])
      expect(codeOf(errors)).toBe('FORBIDDEN');
    // without familyId a caregiver gets their own (empty) journal, never the elder's
    const { emotionEntries } = await t.request(EmotionEntriesDocument, {}, caregiver);
    expect(emotionEntries.totalCount).toBe(0);
  });

  it('is the main user’s to turn on: a manager gets FORBIDDEN', async () => {
    const errors = await t.requestErrors(
      ShareJournalDocument,
      { familyId: familyId(), share: true },
      f.managers[0]!.headers,
    );
    expect(codeOf(errors)).toBe('FORBIDDEN');
  });

  it('lets ACTIVE members read, never write; others get NOT_FOUND', async () => {
    await share(true);
    for (const member of [f.caregivers[0]!, f.managers[0]!]) {
      const { emotionEntries } = await t.request(
        EmotionEntriesDocument,
        { familyId: familyId() },
        member.headers,
      );
      expect(emotionEntries.edges.map((e) => [e.node.id, e.node.note])).toEqual([
        [entryId, 'private'],
      ]);
      const { emotionEntry } = await t.request(
        EmotionEntryDocument,
        { id: entryId },
        member.headers,
      );
      expect(emotionEntry?.intensity).toBe(8);
      const { emotionStats } = await t.request(
        EmotionStatsDocument,
        { familyId: familyId(), from: '2026-11-01', to: '2026-11-30', bucket: 'MONTH' },
        member.headers,
      );
      expect(emotionStats.counts).toEqual([{ source: 'JOURNAL', emotion: 'ANXIETY', count: 1 }]);

      for (const errors of [
        await t.requestErrors(
          UpdateEmotionEntryDocument,
          { id: entryId, input: { note: 'changed' } },
          member.headers,
        ),
        await t.requestErrors(DeleteEmotionEntryDocument, { id: entryId }, member.headers),
      ])
        expect(codeOf(errors)).toBe('FORBIDDEN');
    }
    const stored = await em().findOneOrFail(EmotionEntry, { id: Number(entryId) });
    expect(stored.note).toBe('private');

    const outsiders = [
      other.caregivers[0]!.headers,
      other.main.headers,
      f.pending[0]!.headers,
      (await createUser(t)).headers,
      (await createUser(t, { role: UserRole.ADMIN })).headers,
    ];
    for (const headers of outsiders) {
      for (const errors of [
        await t.requestErrors(EmotionEntriesDocument, { familyId: familyId() }, headers),
        await t.requestErrors(EmotionEntryDocument, { id: entryId }, headers),
        await t.requestErrors(
          EmotionStatsDocument,
          { familyId: familyId(), from: '2026-11-01', to: '2026-11-30', bucket: 'DAY' },
          headers,
        ),
        await t.requestErrors(
          UpdateEmotionEntryDocument,
          { id: entryId, input: { note: 'x' } },
          headers,
        ),
        await t.requestErrors(DeleteEmotionEntryDocument, { id: entryId }, headers),
      ])
        expect(codeOf(errors)).toBe('NOT_FOUND');
    }
  });

  it('stops at once when the main user turns it off', async () => {
    await share(true);
    await share(false);
    const errors = await t.requestErrors(
      EmotionEntryDocument,
      { id: entryId },
      f.caregivers[0]!.headers,
    );
    expect(codeOf(errors)).toBe('FORBIDDEN');
  });

  it('role matrix: each operation for each caller (journal shared)', async () => {
    await share(true);
    const rows: (Omit<MatrixRow, 'run'> & {
      run: (headers: Record<string, string>, id: string) => Promise<unknown>;
    })[] = [
      {
        name: 'emotionEntry',
        expected: {
          main: 'ok',
          manager: 'ok',
          caregiver: 'ok',
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h, id) => t.request(EmotionEntryDocument, { id }, h),
      },
      {
        name: 'emotionEntries(familyId)',
        expected: {
          main: 'ok',
          manager: 'ok',
          caregiver: 'ok',
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) => t.request(EmotionEntriesDocument, { familyId: familyId() }, h),
      },
      {
        name: 'emotionStats(familyId)',
        expected: {
          main: 'ok',
          manager: 'ok',
          caregiver: 'ok',
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) =>
          t.request(
            EmotionStatsDocument,
            { familyId: familyId(), from: '2026-11-01', to: '2026-11-30', bucket: 'WEEK' },
            h,
          ),
      },
      {
        name: 'updateEmotionEntry',
        expected: {
          main: 'ok',
          manager: 'FORBIDDEN',
          caregiver: 'FORBIDDEN',
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h, id) => t.request(UpdateEmotionEntryDocument, { id, input: { intensity: 2 } }, h),
      },
      {
        name: 'deleteEmotionEntry',
        expected: {
          main: 'ok',
          manager: 'FORBIDDEN',
          caregiver: 'FORBIDDEN',
          pending: 'NOT_FOUND',
          otherMember: 'NOT_FOUND',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h, id) => t.request(DeleteEmotionEntryDocument, { id }, h),
      },
      {
        name: 'createEmotionEntry (own journal)',
        expected: {
          main: 'ok',
          manager: 'ok',
          caregiver: 'ok',
          pending: 'ok',
          otherMember: 'ok',
          device: 'FORBIDDEN',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) => t.request(CreateEmotionEntryDocument, { input: entry('2026-11-01') }, h),
      },
    ];
    // each call gets an entry of its own (an update or a delete must not meet an earlier one's work)
    const fresh = async () =>
      (await t.request(CreateEmotionEntryDocument, { input: entry('2026-11-02') }, f.main.headers))
        .createEmotionEntry.id;
    const { got, want } = await roleMatrix(
      callersOf(f, other),
      rows.map((row) => ({ ...row, run: async (h) => row.run(h, await fresh()) })),
    );
    expect(got).toEqual(want);
  });
});

const EMOTIONS = ['JOY', 'SADNESS', 'ANGER', 'ANXIETY', 'NEUTRAL'] as const;
const NEGATIVE = new Set(['SADNESS', 'ANGER', 'ANXIETY']);
const DAY = 86_400_000;
const dayNo = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOfNo = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);

interface Point {
  source: 'JOURNAL' | 'CAREBOT';
  emotion: string;
  intensity: number;
  date: string;
}

/** The statistics computed directly, the way the schema describes them. */
function expectedStats(
  points: Point[],
  from: string,
  to: string,
  bucket: StatsBucket,
  today: string,
): EmotionStatsQuery['emotionStats'] {
  const inRange = points.filter((p) => p.date >= from && p.date <= to);
  const keyOf = (date: string): string => {
    if (bucket === 'DAY') return date;
    if (bucket === 'MONTH') return `${date.slice(0, 7)}-01`;
    const n = dayNo(date);
    return dateOfNo(n - ((n + 3) % 7));
  };
  const counts = new Map<string, number>();
  const buckets = new Map<string, { n: number; sum: number }>();
  for (const p of inRange) {
    counts.set(`${p.source}|${p.emotion}`, (counts.get(`${p.source}|${p.emotion}`) ?? 0) + 1);
    const k = `${keyOf(p.date)}|${p.source}`;
    const b = buckets.get(k) ?? { n: 0, sum: 0 };
    b.n += 1;
    b.sum += p.intensity;
    buckets.set(k, b);
  }
  const days = [
    ...new Set(inRange.filter((p) => p.source === 'JOURNAL').map((p) => dayNo(p.date))),
  ].sort((a, b) => a - b);
  let longest = 0;
  let current = 0;
  const anchor = Math.min(dayNo(to), dayNo(today));
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j += 1;
    const len = j - i + 1;
    longest = Math.max(longest, len);
    if (days[j]! >= anchor - 1) current = Math.max(current, len);
    i = j + 1;
  }
  // slope of per-bucket means of negative journal entries over the bucket's index
  const neg = new Map<number, { n: number; sum: number }>();
  const indexOf = (date: string): number => {
    const k = keyOf(date);
    if (bucket === 'MONTH')
      return (
        (Number(k.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
        Number(k.slice(5, 7)) -
        Number(from.slice(5, 7))
      );
    return (dayNo(k) - dayNo(keyOf(from))) / (bucket === 'WEEK' ? 7 : 1);
  };
  for (const p of inRange)
    if (p.source === 'JOURNAL' && NEGATIVE.has(p.emotion)) {
      const x = indexOf(p.date);
      const b = neg.get(x) ?? { n: 0, sum: 0 };
      b.n += 1;
      b.sum += p.intensity;
      neg.set(x, b);
    }
  const xs = [...neg.keys()];
  const ys = [...neg.values()].map((b) => b.sum / b.n);
  let slope: number | null = null;
  if (xs.length >= 2) {
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let num = 0;
    let den = 0;
    xs.forEach((x, i) => {
      num += (x - mx) * (ys[i]! - my);
      den += (x - mx) ** 2;
    });
    slope = num / den;
  }
  return {
    from,
    to,
    bucket,
    counts: [...counts]
      .map(([k, count]) => {
        const [source, emotion] = k.split('|') as [Point['source'], Point['emotion']];
        return { source, emotion: emotion as Emotion, count };
      })
      .sort((a, b) => a.source.localeCompare(b.source) || a.emotion.localeCompare(b.emotion)),
    buckets: [...buckets]
      .map(([k, b]) => {
        const [start, source] = k.split('|') as [string, Point['source']];
        return { start, source, count: b.n, meanIntensity: b.sum / b.n };
      })
      .sort((a, b) => a.start.localeCompare(b.start) || a.source.localeCompare(b.source)),
    longestStreak: longest,
    currentStreak: current,
    negativeTrend: slope,
  };
}

describe('emotionStats', () => {
  it('matches a direct computation over generated data, journal and Carebot side by side', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const next = seededRandom(17);
    const points: Point[] = [];
    const e = em();
    // ten weeks ending on the clock's date, with gaps; some days several entries
    const end = dayNo('2026-11-30');
    for (let d = end - 70; d <= end; d += 1) {
      if (next() < 0.25 && d < end - 3) continue;
      const perDay = next() < 0.2 ? 2 : 1;
      for (let i = 0; i < perDay; i += 1) {
        const emotion = EMOTIONS[Math.floor(next() * EMOTIONS.length)]!;
        const intensity = 1 + Math.floor(next() * 10);
        points.push({ source: 'JOURNAL', emotion, intensity, date: dateOfNo(d) });
        e.create(EmotionEntry, {
          owner: e.getReference(User, f.main.user.id),
          emotion: emotion as Emotion,
          intensity,
          day: new Date(d * DAY),
        });
      }
      if (next() < 0.5) {
        // a Carebot analysis at a random time of the Seoul day (some late at night, UTC's next day)
        const scores = {
          joy: next(),
          sadness: next(),
          anger: next(),
          anxiety: next(),
          neutral: next(),
        };
        const total = Object.values(scores).reduce((a, b) => a + b, 0);
        for (const key of Object.keys(scores) as (keyof typeof scores)[]) scores[key] /= total;
        const emotion = EMOTIONS[Math.floor(next() * EMOTIONS.length)]!;
        const measuredAt = new Date(d * DAY - 9 * 3600_000 + Math.floor(next() * DAY));
        points.push({
          source: 'CAREBOT',
          emotion,
          intensity: scores[emotion.toLowerCase() as keyof typeof scores] * 10,
          date: seoulDate(measuredAt),
        });
        e.create(MentalStatus, {
          family: e.getReference(Family, f.family.id),
          emotion: emotion as Emotion,
          ...scores,
          source: MentalSource.CONVERSATION,
          measuredAt,
        });
      }
    }
    // another user's entries and another family's analyses stay out
    const stranger = await createUser(t);
    e.create(EmotionEntry, {
      owner: e.getReference(User, stranger.user.id),
      emotion: Emotion.ANGER,
      intensity: 9,
      day: new Date(end * DAY),
    });
    await e.flush();

    await t.request(
      ShareJournalDocument,
      { familyId: String(f.family.id), share: true },
      f.main.headers,
    );
    const cases: [string, string, StatsBucket][] = [
      ['2026-09-21', '2026-11-30', 'DAY'],
      ['2026-09-21', '2026-11-30', 'WEEK'],
      ['2026-09-01', '2026-11-30', 'MONTH'],
      ['2026-10-03', '2026-11-17', 'WEEK'],
      ['2026-10-10', '2026-12-31', 'MONTH'],
      ['2026-11-05', '2026-11-05', 'DAY'],
    ];
    for (const [from, to, bucket] of cases) {
      const expected = expectedStats(points, from, to, bucket, '2026-11-30');
      for (const headers of [f.main.headers, f.caregivers[0]!.headers]) {
        const { emotionStats } = await t.request(
          EmotionStatsDocument,
          {
            from,
            to,
            bucket,
            ...(headers === f.main.headers ? {} : { familyId: String(f.family.id) }),
          },
          headers,
        );
        const { negativeTrend, buckets, ...rest } = emotionStats;
        const { negativeTrend: trend, buckets: expectedBuckets, ...expectedRest } = expected;
        expect(rest, `${from}..${to} ${bucket}`).toEqual(expectedRest);
        expect(buckets.map((b) => ({ ...b, meanIntensity: undefined }))).toEqual(
          expectedBuckets.map((b) => ({ ...b, meanIntensity: undefined })),
        );
        buckets.forEach((b, i) =>
          expect(b.meanIntensity).toBeCloseTo(expectedBuckets[i]!.meanIntensity, 9),
        );
        if (trend === null) expect(negativeTrend).toBeNull();
        else expect(negativeTrend).toBeCloseTo(trend, 9);
      }
    }
    // sanity: the generated period really has streaks, a trend and both sources
    const full = expectedStats(points, '2026-09-21', '2026-11-30', 'WEEK', '2026-11-30');
    expect(full.longestStreak).toBeGreaterThan(3);
    expect(full.currentStreak).toBeGreaterThanOrEqual(4);
    expect(full.negativeTrend).not.toBeNull();
    expect(new Set(full.counts.map((c) => c.source))).toEqual(new Set(['JOURNAL', 'CAREBOT']));
  });

  it('counts the current streak up to today when the period runs past it', async () => {
    const me = await createUser(t);
    for (const date of ['2026-11-25', '2026-11-26', '2026-11-28', '2026-11-29'])
      await t.request(CreateEmotionEntryDocument, { input: entry(date) }, me.headers);
    const stats = async (to: string) =>
      (await t.request(EmotionStatsDocument, { from: '2026-11-01', to, bucket: 'DAY' }, me.headers))
        .emotionStats;
    // today (the 30th) has no entry yet: the run up to yesterday still counts
    expect(await stats('2026-12-31')).toMatchObject({ longestStreak: 2, currentStreak: 2 });
    expect(await stats('2026-11-27')).toMatchObject({ longestStreak: 2, currentStreak: 2 });
    expect(await stats('2026-11-24')).toMatchObject({ longestStreak: 0, currentStreak: 0 });
    const saved = now;
    now = new Date('2026-12-02T03:00:00Z');
    expect(await stats('2026-12-31')).toMatchObject({ currentStreak: 0 });
    now = saved;
  });

  it('refuses a reversed or too long period, naming the field', async () => {
    const me = await createUser(t);
    const errors = async (from: string, to: string) =>
      Object.keys(
        (await t.requestErrors(EmotionStatsDocument, { from, to, bucket: 'DAY' }, me.headers))[0]!
          .extensions!['fields'] as object,
      );
    expect(await errors('2026-11-02', '2026-11-01')).toEqual(['to']);
    expect(await errors('2025-01-01', '2026-11-01')).toEqual(['to']);
    const bad = await t.requestErrors(
      EmotionStatsDocument,
      { from: '2026-11-01', to: '2026-11-30', bucket: 'YEAR' as StatsBucket },
      me.headers,
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });
});
