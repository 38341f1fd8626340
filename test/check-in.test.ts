import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CheckIn, CheckInOccurrence } from '../src/modules/check-in/check-in.entities.js';
import { OccurrenceState } from '../src/modules/check-in/check-in.enums.js';
import { runCheckIns } from '../src/modules/check-in/check-in.jobs.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  AnswerCheckInDocument,
  type CheckInInput,
  CheckInAdherenceDocument,
  CheckInOccurrencesDocument,
  CheckInsDocument,
  CreateCheckInDocument,
  DeleteCheckInDocument,
  PendingCheckInsDocument,
  UpdateCheckInDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { codeOf } from './helpers/assertions.js';
import { callersOf, type MatrixRow, roleMatrix } from './helpers/role-matrix.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
let clockAt: Date | undefined;
const clock = () => clockAt ?? new Date();
beforeAll(async () => {
  t = await startTestServer({}, { clock });
});
afterEach(() => {
  clockAt = undefined;
});
afterAll(async () => {
  await t?.close();
});

const em = () => t.server.app.orm.em.fork();
/** An instant given as Seoul wall-clock time on a day of November 2026 (the 2nd is a Monday). */
const seoul = (day: number, time: string) =>
  new Date(Date.parse(`2026-11-${String(day).padStart(2, '0')}T${time}:00+09:00`));
/** One run of the `check-ins` job on a server (default: the first node) at `now`. */
const run = (now: Date, server: TestServer = t) => {
  clockAt = now;
  const { orm, events, logger } = server.server.app;
  return runCheckIns(orm, events, logger, now);
};
const alertsOf = (f: TestFamily) =>
  em().find(Notification, { family: f.family.id }, { orderBy: { id: 'asc' } });

const MEDICATION: CheckInInput = {
  kind: 'QUESTION',
  prompt: 'Did you take your blood pressure pill?',
  medication: true,
  time: '09:00',
};

async function createCheckIn(
  f: TestFamily,
  input: CheckInInput,
  at: Date,
  headers = f.caregivers[0]?.headers ?? f.main.headers,
) {
  clockAt = at;
  const { createCheckIn: created } = await t.request(
    CreateCheckInDocument,
    { familyId: String(f.family.id), input },
    headers,
  );
  return created;
}

async function answer(f: TestFamily, occurrenceId: string, at: Date, value: object) {
  clockAt = at;
  return t.request(AnswerCheckInDocument, { occurrenceId, answer: value }, f.device.headers);
}

const occurrencesOf = (f: TestFamily) =>
  em().find(CheckInOccurrence, { family: f.family.id }, { orderBy: { id: 'asc' } });

const DUE =
  'subscription($after: ID) { checkInDue(after: $after) { id localDate time dueAt state checkIn { id prompt medication kind } } }';
type DueResult = {
  data?: {
    checkInDue?: {
      id: string;
      localDate: string;
      time: string;
      dueAt: string;
      state: string;
      checkIn: { id: string; prompt: string; medication: boolean; kind: string };
    };
  };
  errors?: { extensions?: { code?: string } }[];
};

/** Starts a graphql-ws operation and resolves once the server has it live. */
async function wsLive<T>(authorization: string, query: string, variables: object = {}) {
  const before = await t.subscriptionsStarted();
  const events = t.ws({ authorization }).iterate({ query, variables: { ...variables } });
  const iterator = events[Symbol.asyncIterator]() as AsyncIterator<T>;
  const first = iterator.next();
  await t.waitForSubscriptions(before + 1);
  return { iterator, first };
}

/** The value of an iterator's result (undefined once it is done). */
async function valueOf<T>(result: Promise<IteratorResult<T>>): Promise<T | undefined> {
  const settled = await result;
  return settled.done === true ? undefined : settled.value;
}

/** One operation over graphql-ws (a query or mutation): its single result. */
async function overWs<T>(authorization: string, query: string, variables: object): Promise<T> {
  const events = t.ws({ authorization }).iterate({ query, variables: { ...variables } });
  const iterator = events[Symbol.asyncIterator]() as AsyncIterator<T>;
  const result = await iterator.next();
  await iterator.return?.();
  return result.value as T;
}

describe('check-ins and medication', () => {
  it('a daily 09:00 Seoul medication check-in: pushed live, YES is quiet, a miss and a NO alert once', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const checkIn = await createCheckIn(f, MEDICATION, seoul(2, '08:00'));
    expect(checkIn).toMatchObject({
      kind: 'QUESTION',
      medication: true,
      time: '09:00',
      schedule: 'DAILY',
      graceMinutes: 30,
      active: true,
      measurement: null,
      unit: null,
    });
    expect(checkIn.weekdays).toHaveLength(7);
    const due = await wsLive<DueResult>(f.device.headers.authorization, DUE);

    // day 2: nothing before 09:00; at 09:00 the occurrence is stored and pushed
    await run(seoul(2, '08:59'));
    expect(await occurrencesOf(f)).toHaveLength(0);
    await run(seoul(2, '09:00'));
    const pushed = (await valueOf(due.first))?.data?.checkInDue;
    expect(pushed).toMatchObject({
      localDate: '2026-11-02',
      time: '09:00',
      dueAt: seoul(2, '09:00').toISOString(),
      state: 'PENDING',
      checkIn: { id: checkIn.id, prompt: MEDICATION.prompt, medication: true },
    });
    // the device can also ask
    clockAt = seoul(2, '09:03');
    const { pendingCheckIns } = await t.request(PendingCheckInsDocument, {}, f.device.headers);
    expect(pendingCheckIns.map((o) => o.id)).toEqual([pushed!.id]);
    const { answerCheckIn: yes } = await answer(f, pushed!.id, seoul(2, '09:05'), { yes: true });
    expect(yes).toMatchObject({ state: 'ANSWERED', yes: true, negative: false });
    expect(
      codeOf(
        await t.requestErrors(
          AnswerCheckInDocument,
          { occurrenceId: pushed!.id, answer: { yes: false } },
          f.device.headers,
        ),
      ),
    ).toBe('CONFLICT');
    await run(seoul(2, '09:40'));
    expect(await alertsOf(f)).toHaveLength(0);

    // day 3: no answer — nothing during the grace period, one WARN after it, however many runs
    // and nodes see it
    await run(seoul(3, '09:01'));
    const [, missed] = await occurrencesOf(f);
    await run(seoul(3, '09:29'));
    expect(await alertsOf(f)).toHaveLength(0);
    const second = await startTestServer({}, { shareDatabaseWith: t, clock });
    try {
      await Promise.all([run(seoul(3, '09:31')), run(seoul(3, '09:31'), second)]);
      await run(seoul(3, '09:32'), second);
      await run(seoul(3, '10:00'));
    } finally {
      await second.close();
    }
    const afterMiss = await alertsOf(f);
    expect(afterMiss).toHaveLength(1);
    expect(afterMiss[0]).toMatchObject({ grade: 'WARN', kind: 'HEALTH' });
    expect(afterMiss[0]!.message).toBe(
      'Medication check-in missed: "Did you take your blood pressure pill?" (due 09:00) was not answered within 30 minutes.',
    );
    const late = await t.requestErrors(
      AnswerCheckInDocument,
      { occurrenceId: String(missed!.id), answer: { yes: true } },
      f.device.headers,
    );
    expect(codeOf(late)).toBe('CONFLICT');

    // day 4: NO — an alert at once, not repeated by the job
    await run(seoul(4, '09:00'));
    const [, , today] = await occurrencesOf(f);
    // a Carebot resuming after day 3's occurrence gets day 4's replayed
    const resumed = await wsLive<DueResult>(f.device.headers.authorization, DUE, {
      after: String(missed!.id),
    });
    expect((await valueOf(resumed.first))?.data?.checkInDue?.id).toBe(String(today!.id));
    const { answerCheckIn: no } = await answer(f, String(today!.id), seoul(4, '09:10'), {
      yes: false,
    });
    expect(no).toMatchObject({ state: 'ANSWERED', yes: false, negative: true });
    await run(seoul(4, '09:45'));
    const alerts = await alertsOf(f);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ grade: 'WARN', kind: 'HEALTH' });
    expect(alerts[1]!.message).toContain('Medication not taken');

    // members see the occurrences and answers
    const { family } = await t.request(
      CheckInOccurrencesDocument,
      { id: String(f.family.id), from: '2026-11-02', to: '2026-11-04' },
      f.main.headers,
    );
    expect(family!.checkInOccurrences.map((o) => [o.localDate, o.state, o.yes])).toEqual([
      ['2026-11-02', 'ANSWERED', true],
      ['2026-11-03', 'MISSED', null],
      ['2026-11-04', 'ANSWERED', false],
    ]);
  });

  it('weekly adherence over two weeks equals a direct count, in one statement whatever the range', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const pill = await createCheckIn(f, MEDICATION, seoul(1, '12:00'));
    const pressure = await createCheckIn(
      f,
      {
        kind: 'MEASUREMENT',
        prompt: 'Please measure your blood pressure.',
        measurement: 'BLOOD_PRESSURE',
        alertAbove: 140,
        time: '20:00',
        schedule: 'WEEKDAYS',
        weekdays: ['MONDAY', 'WEDNESDAY', 'FRIDAY'],
        graceMinutes: 60,
      },
      seoul(1, '12:00'),
    );
    expect(pressure).toMatchObject({ unit: 'mmHg', schedule: 'WEEKDAYS', graceMinutes: 60 });
    for (let day = 2; day <= 15; day += 1) {
      await run(seoul(day, '09:00'));
      const [pillToday] = await em().find(CheckInOccurrence, {
        checkIn: Number(pill.id),
        localDay: Math.round(Date.parse(`2026-11-${String(day).padStart(2, '0')}`) / 86_400_000),
      });
      // a pattern: missed, yes, no, …
      if (day % 3 !== 0)
        await answer(f, String(pillToday!.id), seoul(day, '09:10'), { yes: day % 3 === 1 });
      const { created } = await run(seoul(day, '20:00'));
      const pressureToday = created.length === 1 ? created[0] : undefined;
      if (pressureToday !== undefined && day % 5 !== 0)
        await answer(f, String(pressureToday), seoul(day, '20:15'), {
          value: day % 2 === 0 ? 150 : 120,
        });
      await run(seoul(day, '23:00'));
    }

    const direct = await occurrencesOf(f);
    const weekOf = (o: CheckInOccurrence) => (o.dueAt < seoul(9, '00:00') ? 0 : 1);
    const expected = [0, 1].map((week) => {
      const rows = direct.filter((o) => weekOf(o) === week);
      const count = (test: (o: CheckInOccurrence) => boolean) => rows.filter(test).length;
      const answered = count((o) => o.state === OccurrenceState.ANSWERED);
      const missed = count((o) => o.state === OccurrenceState.MISSED);
      const negative = count((o) => o.negative);
      return {
        scheduled: rows.length,
        answered,
        missed,
        negative,
        rate: (answered - negative) / (answered + missed),
      };
    });
    expect(expected[0]!.scheduled).toBe(7 + 3);
    const { family } = await t.request(
      CheckInAdherenceDocument,
      { id: String(f.family.id), from: '2026-11-02', to: '2026-11-15' },
      f.main.headers,
    );
    const adherence = family!.checkInAdherence;
    expect(adherence.weeks.map((w) => w.weekStart)).toEqual(['2026-11-02', '2026-11-09']);
    expect(adherence.weeks.map((w) => w.total)).toEqual(expected);
    for (const week of adherence.weeks) {
      expect(week.checkIns.map((c) => c.checkInId)).toEqual([pill.id, pressure.id]);
      expect(week.checkIns.reduce((sum, c) => sum + c.scheduled, 0)).toBe(week.total.scheduled);
    }
    expect(adherence.total.scheduled).toBe(direct.length);
    // the pill's first week by hand: days 2–8, missed on 3 and 6, NO on 2, 5 and 8
    expect(adherence.weeks[0]!.checkIns[0]).toMatchObject({
      prompt: MEDICATION.prompt,
      scheduled: 7,
      answered: 5,
      missed: 2,
      negative: 3,
      rate: 2 / 7,
    });

    const cost = async (to: string) =>
      (
        await t.countQueries(() =>
          t.request(
            CheckInAdherenceDocument,
            { id: String(f.family.id), from: '2026-11-02', to },
            f.main.headers,
          ),
        )
      ).count;
    expect(await cost('2026-11-08')).toBe(await cost('2026-12-31'));
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const familyId = String(f.family.id);
    const cases: [Partial<CheckInInput>, string][] = [
      [{ time: '25:00' }, 'input.time'],
      [{ graceMinutes: 1000 }, 'input.graceMinutes'],
      [{ graceMinutes: 1 }, 'input.graceMinutes'],
      [{ prompt: '   ' }, 'input.prompt'],
      [{ kind: 'MEASUREMENT' }, 'input.measurement'],
      [{ measurement: 'WEIGHT' }, 'input.measurement'],
      [{ schedule: 'WEEKDAYS' }, 'input.weekdays'],
      [{ weekdays: ['MONDAY'] }, 'input.weekdays'],
      [{ alertAbove: 150 }, 'input.alertAbove'],
      [
        { kind: 'MEASUREMENT', measurement: 'TEMPERATURE', medication: false, alertAbove: 90 },
        'input.alertAbove',
      ],
      [
        {
          kind: 'MEASUREMENT',
          measurement: 'WEIGHT',
          medication: false,
          alertBelow: 60,
          alertAbove: 50,
        },
        'input.alertAbove',
      ],
      [{ kind: 'MEASUREMENT', measurement: 'WEIGHT' }, 'input.medication'],
    ];
    for (const [change, field] of cases) {
      const errors = await t.requestErrors(
        CreateCheckInDocument,
        { familyId, input: { ...MEDICATION, ...change } },
        f.caregivers[0]!.headers,
      );
      expect(codeOf(errors), field).toBe('BAD_USER_INPUT');
      expect(Object.keys(errors[0]!.extensions!['fields'] as object)).toContain(field);
    }
    expect(await em().count(CheckIn, { family: f.family.id })).toBe(0);

    // an update is checked as a whole too, and changes nothing when refused
    const weight = await createCheckIn(
      f,
      { kind: 'MEASUREMENT', prompt: 'Step on the scale.', measurement: 'WEIGHT', time: '07:30' },
      seoul(2, '06:00'),
    );
    const badUpdate = await t.requestErrors(
      UpdateCheckInDocument,
      { familyId, checkInId: weight.id, input: { time: '7:30 am' } },
      f.caregivers[0]!.headers,
    );
    expect(codeOf(badUpdate)).toBe('BAD_USER_INPUT');
    expect(Object.keys(badUpdate[0]!.extensions!['fields'] as object)).toContain('input.time');

    // answers: a measurement needs a value in the sane range; a question needs yes
    await run(seoul(2, '07:30'));
    const [occurrence] = await occurrencesOf(f);
    const answerCases: [object, string][] = [
      [{}, 'answer.value'],
      [{ yes: true }, 'answer.value'],
      [{ value: 5000 }, 'answer.value'],
      [{ value: 70, yes: true }, 'answer.yes'],
    ];
    clockAt = seoul(2, '07:35');
    for (const [value, field] of answerCases) {
      const errors = await t.requestErrors(
        AnswerCheckInDocument,
        { occurrenceId: String(occurrence!.id), answer: value },
        f.device.headers,
      );
      expect(codeOf(errors), field).toBe('BAD_USER_INPUT');
      expect(Object.keys(errors[0]!.extensions!['fields'] as object)).toContain(field);
    }
    const [still] = await occurrencesOf(f);
    expect(still).toMatchObject({ state: 'PENDING', value: null, answeredAt: null });
    const { answerCheckIn } = await answer(f, String(occurrence!.id), seoul(2, '07:36'), {
      value: 71.5,
    });
    expect(answerCheckIn).toMatchObject({ state: 'ANSWERED', value: 71.5, negative: false });
  });

  it("another family's caregiver and Carebot get NOT_FOUND, over HTTP and WebSocket", async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const checkIn = await createCheckIn(f, MEDICATION, seoul(2, '08:00'));
    const otherDue = await wsLive<DueResult>(other.device.headers.authorization, DUE);
    await createCheckIn(other, { ...MEDICATION, time: '09:10' }, seoul(2, '08:00'));
    await run(seoul(2, '09:00'));
    await run(seoul(2, '09:10'));
    const [occurrence] = await occurrencesOf(f);
    // the other Carebot hears only of its own family's check-in
    expect((await valueOf(otherDue.first))?.data?.checkInDue?.time).toBe('09:10');

    const stranger = other.caregivers[0]!.headers;
    const familyId = String(f.family.id);
    expect(
      codeOf(
        await t.requestErrors(CreateCheckInDocument, { familyId, input: MEDICATION }, stranger),
      ),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.requestErrors(
          UpdateCheckInDocument,
          { familyId, checkInId: checkIn.id, input: { active: false } },
          stranger,
        ),
      ),
    ).toBe('NOT_FOUND');
    // the check-in under the stranger's own family: still not found
    expect(
      codeOf(
        await t.requestErrors(
          DeleteCheckInDocument,
          { familyId: String(other.family.id), checkInId: checkIn.id },
          other.main.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.requestErrors(
          CheckInAdherenceDocument,
          { id: familyId, from: '2026-11-02', to: '2026-11-08' },
          stranger,
        ),
      ),
    ).toBe('NOT_FOUND');
    clockAt = seoul(2, '09:15');
    const answerOther = { occurrenceId: String(occurrence!.id), answer: { yes: true } };
    expect(
      codeOf(await t.requestErrors(AnswerCheckInDocument, answerOther, other.device.headers)),
    ).toBe('NOT_FOUND');
    const ANSWER =
      'mutation($occurrenceId: ID!, $answer: CheckInAnswerInput!) { answerCheckIn(occurrenceId: $occurrenceId, answer: $answer) { id state } }';
    const wsAnswer = await overWs<DueResult>(
      other.device.headers.authorization,
      ANSWER,
      answerOther,
    );
    expect(codeOf(wsAnswer.errors ?? [])).toBe('NOT_FOUND');
    const wsRead = await overWs<DueResult>(
      stranger.authorization,
      'query($id: ID!) { family(id: $id) { checkIns { id } } }',
      { id: familyId },
    );
    expect(codeOf(wsRead.errors ?? [])).toBe('NOT_FOUND');
    const [untouched] = await occurrencesOf(f);
    expect(untouched!.state).toBe('PENDING');
    expect(await em().count(CheckIn, { id: Number(checkIn.id), active: true })).toBe(1);
  });

  it('role matrix: each operation for each caller', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1, pending: 1 });
    const other = await createFamily(t, { caregivers: 1 });
    const familyId = String(f.family.id);
    const base = await createCheckIn(f, MEDICATION, seoul(2, '08:00'), f.main.headers);
    await run(seoul(2, '09:00'));
    const [occurrence] = await occurrencesOf(f);
    clockAt = seoul(2, '09:01');
    const members = { main: 'ok', manager: 'ok', caregiver: 'ok' } as const;
    const outsiders = {
      otherMember: 'NOT_FOUND',
      anonymous: 'UNAUTHENTICATED',
    } as const;
    const rows: MatrixRow[] = [
      {
        name: 'createCheckIn',
        expected: { ...members, ...outsiders, pending: 'NOT_FOUND', device: 'FORBIDDEN' },
        run: (h) => t.request(CreateCheckInDocument, { familyId, input: MEDICATION }, h),
      },
      {
        name: 'updateCheckIn',
        expected: { ...members, ...outsiders, pending: 'NOT_FOUND', device: 'FORBIDDEN' },
        run: (h) =>
          t.request(
            UpdateCheckInDocument,
            { familyId, checkInId: base.id, input: { graceMinutes: 45 } },
            h,
          ),
      },
      {
        name: 'Family.checkIns',
        expected: { ...members, ...outsiders, pending: 'NOT_FOUND', device: 'FORBIDDEN' },
        run: (h) => t.request(CheckInsDocument, { id: familyId }, h),
      },
      {
        name: 'Family.checkInOccurrences',
        expected: { ...members, ...outsiders, pending: 'NOT_FOUND', device: 'FORBIDDEN' },
        run: (h) =>
          t.request(
            CheckInOccurrencesDocument,
            { id: familyId, from: '2026-11-02', to: '2026-11-02' },
            h,
          ),
      },
      {
        name: 'Family.checkInAdherence',
        expected: { ...members, ...outsiders, pending: 'NOT_FOUND', device: 'FORBIDDEN' },
        run: (h) =>
          t.request(
            CheckInAdherenceDocument,
            { id: familyId, from: '2026-11-02', to: '2026-11-08' },
            h,
          ),
      },
      {
        name: 'pendingCheckIns',
        expected: {
          main: 'FORBIDDEN',
          manager: 'FORBIDDEN',
          caregiver: 'FORBIDDEN',
          pending: 'FORBIDDEN',
          otherMember: 'FORBIDDEN',
          device: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) => t.request(PendingCheckInsDocument, {}, h),
      },
      {
        name: 'answerCheckIn',
        expected: {
          main: 'FORBIDDEN',
          manager: 'FORBIDDEN',
          caregiver: 'FORBIDDEN',
          pending: 'FORBIDDEN',
          otherMember: 'FORBIDDEN',
          device: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
        run: (h) =>
          t.request(
            AnswerCheckInDocument,
            { occurrenceId: String(occurrence!.id), answer: { yes: true } },
            h,
          ),
      },
    ];
    const { got, want } = await roleMatrix(callersOf(f, other), rows);
    expect(got).toEqual(want);

    // the family's members delete; a stranger cannot
    const doomed = await createCheckIn(f, MEDICATION, seoul(2, '10:00'), f.managers[0]!.headers);
    const { deleteCheckIn } = await t.request(
      DeleteCheckInDocument,
      { familyId, checkInId: doomed.id },
      f.caregivers[0]!.headers,
    );
    expect(deleteCheckIn).toBe(true);
    expect(await em().count(CheckIn, { id: Number(doomed.id) })).toBe(0);
  });
});
