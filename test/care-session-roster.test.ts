import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../src/modules/account/user.entity.js';
import {
  AssessmentResult,
  AssessmentStatus,
  ScoringModel,
} from '../src/modules/assessment/assessment.entities.js';
import { CareSession } from '../src/modules/care-session/care-session.entities.js';
import {
  CareSessionKind,
  CareSessionState,
} from '../src/modules/care-session/care-session.enums.js';
import { Device } from '../src/modules/device/device.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import {
  FamilyRole,
  Membership,
  MembershipStatus,
} from '../src/modules/family/membership.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import { AlertState } from '../src/modules/notification/alert.enums.js';
import { NotificationAudience } from '../src/modules/notification/notification.audience.js';
import { MyEldersDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser, type TestUser } from './factories/users.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;
/** The rosters, seeded before any request: no HTTP connection idles while a big one is written. */
const rosters = new Map<number, { worker: TestUser; familyIds: number[] }>();
beforeAll(async () => {
  t = await startTestServer();
  for (const count of [1, 10, 50, 8]) rosters.set(count, await roster(count));
});
afterAll(async () => {
  await t?.close();
});

/**
 * A care worker following `count` families. Family i: elder in municipality 11110 (even i) or
 * 26110; a CRIT alert when i % 5 = 0, a WARN when i % 3 = 0; a last session FAILED when i % 4 =
 * 1 (an older COMPLETED one before it) and a score 40 + i when i % 2 = 0.
 */
async function roster(count: number): Promise<{ worker: TestUser; familyIds: number[] }> {
  const worker = await createUser(t);
  const familyIds: number[] = [];
  const em = t.server.app.orm.em.fork();
  const model = await em.findOneOrFail(ScoringModel, { name: 'linear-v1' });
  for (let i = 0; i < count; i += 1) {
    const f = await createFamily(t, { mainName: `Elder ${i}` });
    const id = f.family.id;
    familyIds.push(id);
    em.create(Membership, {
      family: em.getReference(Family, id),
      user: em.getReference(User, worker.user.id),
      relation: 'care worker',
      role: FamilyRole.CAREGIVER,
      status: MembershipStatus.ACTIVE,
    });
    if (i % 2 === 1)
      await em.nativeUpdate(
        User,
        { id: f.main.user.id },
        { masterRegionCode: '26', subRegionCode: '26110' },
      );
    const alert = (grade: NotificationGrade, extra: Partial<Notification> = {}) =>
      em.create(Notification, {
        family: em.getReference(Family, id),
        grade,
        kind: NotificationKind.OTHER,
        message: grade,
        state: AlertState.OPEN,
        ...extra,
      });
    if (i % 5 === 0) alert(NotificationGrade.CRIT);
    if (i % 3 === 0) alert(NotificationGrade.WARN);
    // none of these is open to a care worker: answered, still in its grace window, or for the
    // family's managers only
    if (i === 0) {
      alert(NotificationGrade.CRIT, { state: AlertState.RESOLVED, resolvedAt: new Date() });
      alert(NotificationGrade.CRIT, { state: AlertState.CANCELLED, resolvedAt: new Date() });
      alert(NotificationGrade.WARN, { state: AlertState.ACKNOWLEDGED, acknowledgedAt: new Date() });
      alert(NotificationGrade.CRIT, { deviceOnly: true });
      alert(NotificationGrade.WARN, { audience: NotificationAudience.MANAGERS });
    }
    const session = (state: CareSessionState, at: number) =>
      em.create(CareSession, {
        family: em.getReference(Family, id),
        device: em.getReference(Device, f.device.device.id),
        kind: CareSessionKind.COGNITIVE_ASSESSMENT,
        state,
        parameters: {},
        createdAt: new Date(at),
        updatedAt: new Date(at),
      });
    if (i % 4 === 1) {
      session(CareSessionState.COMPLETED, Date.now() - 7_200_000);
      session(CareSessionState.FAILED, Date.now() - 3_600_000);
    }
    if (i % 2 === 0) {
      const scored = session(CareSessionState.COMPLETED, Date.now() - 60_000);
      await em.flush();
      em.create(AssessmentResult, {
        session: scored,
        family: em.getReference(Family, id),
        model,
        inputFileId: null,
        normalisedFileId: null,
        rowCount: 1,
        status: AssessmentStatus.DONE,
        score: 40 + i,
      });
    }
    await em.flush();
  }
  return { worker, familyIds };
}

describe('myElders', () => {
  const counts = new Map<number, number>();

  for (const families of [1, 10, 50]) {
    it(`lists ${families} families in a constant number of statements, sorted by urgency`, async () => {
      const { worker, familyIds } = rosters.get(families)!;
      let elders: Awaited<ReturnType<typeof run>>['myElders'] = [];
      const run = () => t.request(MyEldersDocument, {}, worker.headers);
      const { count, statements } = await t.countQueries(async () => {
        elders = (await run()).myElders;
      });
      counts.set(families, count);
      expect(count, statements.join('\n')).toBeLessThanOrEqual(3);
      expect(elders).toHaveLength(families);
      expect(new Set(elders.map((e) => Number(e.familyId)))).toEqual(new Set(familyIds));
      const urgencies = elders.map((e) => e.urgency);
      expect(urgencies).toEqual([...urgencies].sort((a, b) => b - a));
      const first = elders.find((e) => Number(e.familyId) === familyIds[0])!;
      expect(first).toMatchObject({
        elderName: 'Elder 0',
        openAlerts: 2,
        openCriticalAlerts: 1,
        urgency: 110,
        latestScore: 40,
        lastSession: { state: 'COMPLETED', kind: 'COGNITIVE_ASSESSMENT' },
      });
      if (families >= 10) {
        const second = elders.find((e) => Number(e.familyId) === familyIds[1])!;
        expect(second).toMatchObject({ openAlerts: 0, urgency: 5, latestScore: null });
        expect(second.lastSession?.state).toBe('FAILED');
      }
    });
  }

  it('costs the same number of statements for 1, 10 and 50 families', () => {
    expect(counts.size).toBe(3);
    expect(new Set(counts.values()).size, JSON.stringify([...counts])).toBe(1);
  });

  it('filters by region, open alerts and the last session’s state', async () => {
    const { worker, familyIds } = rosters.get(8)!;
    const ids = async (filter: Record<string, unknown>) =>
      (await t.request(MyEldersDocument, { filter }, worker.headers)).myElders
        .map((e) => familyIds.indexOf(Number(e.familyId)))
        .sort((a, b) => a - b);
    expect(await ids({ regionCode: '26' })).toEqual([1, 3, 5, 7]);
    expect(await ids({ regionCode: '11110' })).toEqual([0, 2, 4, 6]);
    expect(await ids({ hasOpenAlerts: true })).toEqual([0, 3, 5, 6]);
    expect(await ids({ lastSessionStates: ['FAILED'] })).toEqual([1, 5]);
    expect(await ids({ regionCode: '26', hasOpenAlerts: false })).toEqual([1, 7]);
    const errors = await t.requestErrors(
      MyEldersDocument,
      { filter: { regionCode: 'seoul' } },
      worker.headers,
    );
    expect(errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { 'filter.regionCode': expect.any(String) as string },
    });
    // a stranger follows nobody
    const stranger = await createUser(t);
    expect((await t.request(MyEldersDocument, {}, stranger.headers)).myElders).toEqual([]);
  });
});
