import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { Activity } from '../src/modules/report/report.entities.js';
import { ActivityAction } from '../src/modules/report/report.enums.js';
import { checkRoutines } from '../src/modules/routine/routine.rules.js';
import {
  CreateRoutineRuleDocument,
  DeleteRoutineRuleDocument,
  type RoutineRuleInput,
  RoutineRulesDocument,
} from './__generated__/graphql.js';
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
  const { orm, events, logger } = t.server.app;
  return checkRoutines(orm, events, logger, now);
};
const report = async (f: TestFamily, action: ActivityAction, measuredAt: Date) => {
  const e = em();
  e.create(Activity, { family: f.family.id, action, measuredAt });
  await e.flush();
};
const alertsOf = (f: TestFamily) =>
  em().find(Notification, { family: f.family.id }, { orderBy: { id: 'asc' } });

async function createRule(f: TestFamily, input: RoutineRuleInput, at: Date) {
  clockAt = at;
  const { createRoutineRule } = await t.request(
    CreateRoutineRuleDocument,
    { familyId: String(f.family.id), input },
    f.main.headers,
  );
  return createRoutineRule;
}

describe('routine rules', () => {
  it('"no breakfast 08:00–12:00" fires once per window, and not when the routine holds', async () => {
    const f = await createFamily(t);
    const rule = await createRule(
      f,
      {
        kind: 'NO_ACTIVITY',
        actions: ['EATING'],
        startTime: '08:00',
        endTime: '12:00',
        grade: 'WARN',
        message: 'Mother has not had breakfast.',
      },
      seoul(2, '07:00'),
    );
    expect(rule).toMatchObject({ startTime: '08:00', endTime: '12:00', minDurationMinutes: null });

    // day 2: walking only, no meal in the window (a meal at 12:30 is too late)
    await report(f, ActivityAction.WALKING, seoul(2, '09:00'));
    await report(f, ActivityAction.EATING, seoul(2, '12:30'));
    expect(await run(seoul(2, '11:59'))).not.toContain(Number(rule.id));
    expect(await run(seoul(2, '12:01'))).toContain(Number(rule.id));
    await run(seoul(2, '12:06'));
    await run(seoul(2, '23:59'));
    const alerts = await alertsOf(f);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      grade: 'WARN',
      kind: 'INACTIVITY',
      message: 'Mother has not had breakfast.',
    });

    // day 3: breakfast at 08:40 — the routine holds
    await report(f, ActivityAction.EATING, seoul(3, '08:40'));
    await run(seoul(3, '12:01'));
    await run(seoul(3, '15:00'));
    expect(await alertsOf(f)).toHaveLength(1);
    // day 4: none again, a second alert
    await run(seoul(4, '12:02'));
    expect(await alertsOf(f)).toHaveLength(2);
  });

  it('"up for more than 45 minutes 22:00–06:00" fires once per night, and not on a quiet night', async () => {
    const f = await createFamily(t);
    const rule = await createRule(
      f,
      {
        kind: 'LONG_ACTIVITY',
        actions: ['WALKING', 'SITTING'],
        startTime: '22:00',
        endTime: '06:00',
        minDurationMinutes: 45,
        grade: 'CRIT',
        message: 'Out of bed for a long time at night.',
      },
      seoul(5, '12:00'),
    );
    // night of the 5th: up at 21:40 (before the window), asleep at 22:30 — 30 minutes inside
    await report(f, ActivityAction.WALKING, seoul(5, '21:40'));
    await report(f, ActivityAction.SLEEPING, seoul(5, '22:30'));
    // up again at 02:00, sitting at 02:20, still up at 02:46
    await report(f, ActivityAction.WALKING, seoul(6, '02:00'));
    await report(f, ActivityAction.SITTING, seoul(6, '02:20'));
    expect(await run(seoul(5, '23:00'))).not.toContain(Number(rule.id));
    expect(await run(seoul(6, '02:40'))).not.toContain(Number(rule.id));
    expect(await run(seoul(6, '02:46'))).toContain(Number(rule.id));
    await report(f, ActivityAction.SLEEPING, seoul(6, '03:10'));
    await run(seoul(6, '03:30'));
    await run(seoul(6, '07:00'));
    const alerts = await alertsOf(f);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ grade: 'CRIT', kind: 'OTHER' });

    // night of the 6th: asleep from the window's start; short trips only
    await report(f, ActivityAction.WALKING, seoul(7, '01:00'));
    await report(f, ActivityAction.SLEEPING, seoul(7, '01:20'));
    await run(seoul(7, '01:30'));
    await run(seoul(7, '06:30'));
    expect(await alertsOf(f)).toHaveLength(1);
  });

  it('validates rules, naming the field, and stores nothing on a refusal', async () => {
    const f = await createFamily(t);
    const base: RoutineRuleInput = {
      kind: 'LONG_ACTIVITY',
      actions: ['WALKING'],
      startTime: '22:00',
      endTime: '06:00',
      minDurationMinutes: 45,
      grade: 'WARN',
      message: 'Up at night.',
    };
    const cases: [Partial<RoutineRuleInput>, string][] = [
      [{ minDurationMinutes: null }, 'input.minDurationMinutes'],
      [{ minDurationMinutes: 600 }, 'input.minDurationMinutes'],
      [{ kind: 'NO_ACTIVITY' }, 'input.minDurationMinutes'],
      [{ grade: 'NONE' }, 'input.grade'],
      [{ message: '   ' }, 'input.message'],
      [{ startTime: '24:00' }, 'input.startTime'],
      [{ actions: [] }, 'input.actions'],
    ];
    for (const [change, field] of cases) {
      const errors = await t.requestErrors(
        CreateRoutineRuleDocument,
        { familyId: String(f.family.id), input: { ...base, ...change } },
        f.main.headers,
      );
      expect(codeOf(errors)).toBe('BAD_USER_INPUT');
      expect(Object.keys(errors[0]!.extensions!['fields'] as object)).toContain(field);
    }
    const { family } = await t.request(
      RoutineRulesDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(family!.routineRules).toEqual([]);
  });

  it('role by role: managers write, members read, other families see nothing', async () => {
    const f = await createFamily(t, { managers: 1, caregivers: 1 });
    const other = await createFamily(t);
    const input: RoutineRuleInput = {
      kind: 'NO_ACTIVITY',
      actions: ['EATING'],
      startTime: '08:00',
      endTime: '12:00',
      grade: 'INFO',
      message: 'No breakfast.',
    };
    const familyId = String(f.family.id);
    const create = (headers?: Record<string, string>) =>
      t.requestErrors(CreateRoutineRuleDocument, { familyId, input }, headers);
    expect(codeOf(await create(f.caregivers[0]!.headers))).toBe('FORBIDDEN');
    expect(codeOf(await create(f.device.headers))).toBe('FORBIDDEN');
    expect(codeOf(await create(other.main.headers))).toBe('NOT_FOUND');
    expect(codeOf(await create())).toBe('UNAUTHENTICATED');
    const { createRoutineRule: rule } = await t.request(
      CreateRoutineRuleDocument,
      { familyId, input },
      f.managers[0]!.headers,
    );
    const read = await t.request(RoutineRulesDocument, { id: familyId }, f.caregivers[0]!.headers);
    expect(read.family!.routineRules.map((r) => r.id)).toEqual([rule.id]);
    expect(
      codeOf(await t.requestErrors(RoutineRulesDocument, { id: familyId }, other.main.headers)),
    ).toBe('NOT_FOUND');
    // a rule id of another family is NOT_FOUND, even to that family's own manager
    expect(
      codeOf(
        await t.requestErrors(
          DeleteRoutineRuleDocument,
          { familyId: String(other.family.id), ruleId: rule.id },
          other.main.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.requestErrors(
          DeleteRoutineRuleDocument,
          { familyId, ruleId: rule.id },
          f.caregivers[0]!.headers,
        ),
      ),
    ).toBe('FORBIDDEN');
    const deleted = await t.request(
      DeleteRoutineRuleDocument,
      { familyId, ruleId: rule.id },
      f.main.headers,
    );
    expect(deleted.deleteRoutineRule).toBe(true);
  });
});
