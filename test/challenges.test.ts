import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Challenge, ChallengeCheckIn } from '../src/modules/wellness/challenge.entities.js';
import {
  ChallengeDocument,
  type ChallengeInput,
  ChallengesDocument,
  CheckInChallengeDocument,
  CreateChallengeDocument,
  DeleteChallengeDocument,
  ProposeChallengeDocument,
  RespondToChallengeDocument,
  SetChallengeStatusDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
/** The server's clock: Monday 2026-11-30, 12:00 in Seoul. */
let now = new Date('2026-11-30T03:00:00Z');
const em = () => t.server.app.orm.em.fork();
const closeJob = () => t.server.app.periodicJobs.find((j) => j.name === 'close-challenges')!;

beforeAll(async () => {
  t = await startTestServer({}, { clock: () => now });
});
afterAll(async () => {
  await t.close();
});

const daily = (over: Partial<ChallengeInput> = {}): ChallengeInput => ({
  title: '아침 산책',
  description: '30분',
  period: 'DAILY',
  targetCount: 1,
  startDate: '2026-11-30',
  endDate: '2026-12-02',
  ...over,
});

async function fieldOf(promise: Promise<readonly { extensions?: Record<string, unknown> }[]>) {
  const errors = await promise;
  expect(codeOf(errors)).toBe('BAD_USER_INPUT');
  return Object.keys(errors[0]!.extensions!['fields'] as object);
}

describe('personal challenges', () => {
  it('creates, checks in once a day, shows progress and streak, and completes at the end', async () => {
    now = new Date('2026-11-30T03:00:00Z');
    const me = await createUser(t);
    const { createChallenge: c } = await t.request(
      CreateChallengeDocument,
      { input: daily() },
      me.headers,
    );
    expect(c).toMatchObject({ status: 'ACTIVE', requiredCheckIns: 3, checkInDates: [], streak: 0 });
    const checkIn = (date?: string) =>
      t.request(CheckInChallengeDocument, { id: c.id, ...(date ? { date } : {}) }, me.headers);
    expect((await checkIn()).checkInChallenge).toMatchObject({
      checkInDates: ['2026-11-30'],
      streak: 1,
    });
    const again = await t.requestErrors(CheckInChallengeDocument, { id: c.id }, me.headers);
    expect(codeOf(again)).toBe('CONFLICT');
    expect(
      await fieldOf(
        t.requestErrors(CheckInChallengeDocument, { id: c.id, date: '2026-12-01' }, me.headers),
      ),
    ).toEqual(['date']);
    expect(
      await fieldOf(
        t.requestErrors(CheckInChallengeDocument, { id: c.id, date: '2026-11-29' }, me.headers),
      ),
    ).toEqual(['date']);

    now = new Date('2026-12-01T03:00:00Z');
    await checkIn();
    now = new Date('2026-12-02T14:00:00Z'); // 23:00 in Seoul, still the 2nd
    const { checkInChallenge } = await checkIn();
    expect(checkInChallenge).toMatchObject({ streak: 3, status: 'ACTIVE' });

    // the job closes it only once its last day is over, in Seoul time
    await closeJob().run(now);
    expect((await em().findOneOrFail(Challenge, { id: Number(c.id) })).status).toBe('ACTIVE');
    now = new Date('2026-12-02T15:00:00Z'); // 00:00 on the 3rd in Seoul
    await closeJob().run(now);
    const { challenge } = await t.request(ChallengeDocument, { id: c.id }, me.headers);
    // today (the 3rd) is outside it; the run up to yesterday still shows
    expect(challenge).toMatchObject({ status: 'COMPLETED', streak: 3 });
    const closed = await t.requestErrors(CheckInChallengeDocument, { id: c.id }, me.headers);
    expect(codeOf(closed)).toBe('CONFLICT');
  });

  it('abandons at the end a challenge whose target was missed; WEEKLY counts per 7-day block', async () => {
    now = new Date('2026-11-30T03:00:00Z');
    const me = await createUser(t);
    const { createChallenge: weekly } = await t.request(
      CreateChallengeDocument,
      { input: daily({ period: 'WEEKLY', targetCount: 3, endDate: '2026-12-09' }) },
      me.headers,
    );
    // 7 days asking 3, then 3 days asking 3
    expect(weekly.requiredCheckIns).toBe(6);
    await t.request(CheckInChallengeDocument, { id: weekly.id }, me.headers);
    now = new Date('2026-12-10T03:00:00Z');
    await closeJob().run(now);
    expect((await em().findOneOrFail(Challenge, { id: Number(weekly.id) })).status).toBe(
      'ABANDONED',
    );
    const { challenges } = await t.request(ChallengesDocument, { status: 'ABANDONED' }, me.headers);
    expect(challenges.map((c) => c.id)).toEqual([weekly.id]);
  });

  it('lets the owner end or delete it; refuses bad input naming the field', async () => {
    now = new Date('2026-11-30T03:00:00Z');
    const me = await createUser(t);
    const create = (input: ChallengeInput) =>
      t.requestErrors(CreateChallengeDocument, { input }, me.headers);
    expect(await fieldOf(create(daily({ title: '  ' })))).toEqual(['input.title']);
    expect(await fieldOf(create(daily({ title: 'x'.repeat(101) })))).toEqual(['input.title']);
    expect(await fieldOf(create(daily({ description: 'x'.repeat(1001) })))).toEqual([
      'input.description',
    ]);
    expect(await fieldOf(create(daily({ targetCount: 2 })))).toEqual(['input.targetCount']);
    expect(await fieldOf(create(daily({ period: 'WEEKLY', targetCount: 8 })))).toEqual([
      'input.targetCount',
    ]);
    expect(await fieldOf(create(daily({ startDate: '2026-12-03' })))).toEqual(['input.endDate']);
    expect(
      await fieldOf(create(daily({ startDate: '2026-11-01', endDate: '2026-11-29' }))),
    ).toEqual(['input.endDate']);
    expect(await fieldOf(create(daily({ endDate: '2027-12-31' })))).toEqual(['input.endDate']);
    expect(await em().count(Challenge, { owner: me.user.id })).toBe(0);

    const { createChallenge: c } = await t.request(
      CreateChallengeDocument,
      { input: daily() },
      me.headers,
    );
    const badStatus = await t.requestErrors(
      SetChallengeStatusDocument,
      { id: c.id, status: 'PROPOSED' },
      me.headers,
    );
    expect(Object.keys(badStatus[0]!.extensions!['fields'] as object)).toEqual(['status']);
    const { setChallengeStatus } = await t.request(
      SetChallengeStatusDocument,
      { id: c.id, status: 'ABANDONED' },
      me.headers,
    );
    expect(setChallengeStatus.status).toBe('ABANDONED');
    const twice = await t.requestErrors(
      SetChallengeStatusDocument,
      { id: c.id, status: 'COMPLETED' },
      me.headers,
    );
    expect(codeOf(twice)).toBe('CONFLICT');

    const stranger = await createUser(t);
    for (const errors of [
      await t.requestErrors(ChallengeDocument, { id: c.id }, stranger.headers),
      await t.requestErrors(DeleteChallengeDocument, { id: c.id }, stranger.headers),
      await t.requestErrors(CheckInChallengeDocument, { id: c.id }, stranger.headers),
    ])
      expect(codeOf(errors)).toBe('NOT_FOUND');
    expect(codeOf(await t.requestErrors(ChallengeDocument, { id: c.id }, {}))).toBe(
      'UNAUTHENTICATED',
    );

    const { createChallenge: done } = await t.request(
      CreateChallengeDocument,
      { input: daily() },
      me.headers,
    );
    await t.request(CheckInChallengeDocument, { id: done.id }, me.headers);
    expect(await t.request(DeleteChallengeDocument, { id: done.id }, me.headers)).toEqual({
      deleteChallenge: done.id,
    });
    expect(await em().count(Challenge, { id: Number(done.id) })).toBe(0);
    expect(await em().count(ChallengeCheckIn, { challenge: Number(done.id) })).toBe(0);
    expect(await em().count(Challenge, { id: Number(c.id) })).toBe(1);
  });
});

describe('proposals from caregivers', () => {
  let f: TestFamily;
  let other: TestFamily;
  beforeAll(async () => {
    f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    other = await createFamily(t, { caregivers: 1 });
  });

  it('a caregiver proposes, the elder accepts or declines; only the elder changes it', async () => {
    now = new Date('2026-11-30T03:00:00Z');
    const familyId = String(f.family.id);
    const propose = (headers: Record<string, string>) =>
      t.request(ProposeChallengeDocument, { familyId, input: daily() }, headers);
    const { proposeChallenge: p } = await propose(f.caregivers[0]!.headers);
    expect(p.status).toBe('PROPOSED');
    // the elder sees it among their challenges; the proposer can read it
    const { challenges } = await t.request(
      ChallengesDocument,
      { status: 'PROPOSED' },
      f.main.headers,
    );
    expect(challenges.map((c) => c.id)).toEqual([p.id]);
    expect(
      (await t.request(ChallengeDocument, { id: p.id }, f.caregivers[0]!.headers)).challenge?.id,
    ).toBe(p.id);
    const checkIn = await t.requestErrors(CheckInChallengeDocument, { id: p.id }, f.main.headers);
    expect(codeOf(checkIn)).toBe('CONFLICT');
    for (const errors of [
      await t.requestErrors(
        RespondToChallengeDocument,
        { id: p.id, accept: true },
        f.caregivers[0]!.headers,
      ),
      await t.requestErrors(DeleteChallengeDocument, { id: p.id }, f.caregivers[0]!.headers),
    ])
      expect(codeOf(errors)).toBe('FORBIDDEN');
    // another member of the family did not propose it: it is not theirs to know
    expect(
      codeOf(await t.requestErrors(ChallengeDocument, { id: p.id }, f.managers[0]!.headers)),
    ).toBe('NOT_FOUND');

    const { respondToChallenge } = await t.request(
      RespondToChallengeDocument,
      { id: p.id, accept: true },
      f.main.headers,
    );
    expect(respondToChallenge.status).toBe('ACTIVE');
    const again = await t.requestErrors(
      RespondToChallengeDocument,
      { id: p.id, accept: false },
      f.main.headers,
    );
    expect(codeOf(again)).toBe('CONFLICT');

    const { proposeChallenge: q } = await propose(f.managers[0]!.headers);
    expect(
      (await t.request(RespondToChallengeDocument, { id: q.id, accept: false }, f.main.headers))
        .respondToChallenge.status,
    ).toBe('DECLINED');

    // an unanswered proposal lapses at its end
    const { proposeChallenge: r } = await propose(f.caregivers[0]!.headers);
    await closeJob().run(new Date('2026-12-03T03:00:00Z'));
    expect((await em().findOneOrFail(Challenge, { id: Number(r.id) })).status).toBe('DECLINED');
  });

  it('role matrix: proposeChallenge', async () => {
    const familyId = String(f.family.id);
    const expected: [string, Record<string, string>, string][] = [
      ['manager', f.managers[0]!.headers, 'ok'],
      ['caregiver', f.caregivers[0]!.headers, 'ok'],
      ['main', f.main.headers, 'FORBIDDEN'],
      ['device', f.device.headers, 'FORBIDDEN'],
      ['pending', f.pending[0]!.headers, 'NOT_FOUND'],
      ['otherMember', other.caregivers[0]!.headers, 'NOT_FOUND'],
      ['stranger', (await createUser(t)).headers, 'NOT_FOUND'],
      ['anonymous', {}, 'UNAUTHENTICATED'],
    ];
    const before = await em().count(Challenge, { owner: f.main.user.id });
    let made = 0;
    for (const [who, headers, outcome] of expected) {
      const errors = await t
        .request(ProposeChallengeDocument, { familyId, input: daily() }, headers)
        .then(() => {
          made += 1;
          return [];
        })
        .catch(
          (error: { response?: { errors?: { extensions?: Record<string, unknown> }[] } }) =>
            error.response?.errors ?? [],
        );
      expect(outcome === 'ok' ? 'ok' : codeOf(errors), who).toBe(outcome);
    }
    expect(await em().count(Challenge, { owner: f.main.user.id })).toBe(before + made);
  });
});
