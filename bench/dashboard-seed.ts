import { openSession } from '../src/auth/sessions.js';
import type { EntityManager } from '../src/database/orm.js';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import {
  FamilyRole,
  Membership,
  MembershipStatus,
} from '../src/modules/family/membership.entity.js';
import { Notification, NotificationRead } from '../src/modules/notification/notification.entity.js';
import {
  NotificationGrade,
  NotificationKind,
} from '../src/modules/notification/notification.enums.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalStatus,
} from '../src/modules/report/report.entities.js';
import { ActivityAction, Emotion, MentalSource } from '../src/modules/report/report.enums.js';
import { CarebotSettings } from '../src/modules/settings/settings.entity.js';

/** What {@link seedDashboard} writes per family. */
export interface DashboardSeedSize {
  /** Families the care worker follows. */
  families: number;
  /** Readings of each kind (home, health, activity, mental) per family. */
  readings: number;
  /** Notifications per family; every third one is read by the care worker. */
  notifications: number;
}

/** Who watches the seeded families, with session tokens. */
export interface DashboardSeed {
  familyIds: number[];
  /** A care worker following every seeded family (CAREGIVER of each). */
  careWorker: { userId: number; token: string };
  /** A relative who is a CAREGIVER of the first family only. */
  caregiver: { userId: number; token: string };
}

// a fixed password hash: nobody logs in as these users, they hold sessions made here
const NO_PASSWORD =
  '$argon2id$v=19$m=19456,t=2,p=1$c2VlZHNlZWRzZWVk$bm90LWEtcmVhbC1oYXNoLWF0LWFsbA';

const GRADES = [NotificationGrade.INFO, NotificationGrade.WARN, NotificationGrade.CRIT];
const KINDS = [NotificationKind.HEALTH, NotificationKind.ENVIRONMENT, NotificationKind.SYSTEM];
const ACTIONS = [ActivityAction.WALKING, ActivityAction.SITTING, ActivityAction.EATING];
const EMOTIONS = [Emotion.JOY, Emotion.NEUTRAL, Emotion.SADNESS];

/**
 * Dashboard-shaped data: families each with a main user, a manager, the care worker and
 * readings of every kind (the newest two of each kind share their `measuredAt`, so the id
 * decides), notifications partly read. Bulk inserts: a few statements per table.
 */
export async function seedDashboard(
  em: EntityManager,
  size: DashboardSeedSize,
  tag = `${Date.now()}`,
): Promise<DashboardSeed> {
  const user = (name: string, role: UserRole, i: number) =>
    em.create(User, {
      email: `${name.toLowerCase().replace(/\W+/g, '.')}.${i}.${tag}@bench.carebot.local`,
      passwordHash: NO_PASSWORD,
      name,
      role,
      birthDate: '1948-03-01',
      masterRegionCode: '11',
      subRegionCode: '11110',
    });
  const careWorker = user('Care Worker', UserRole.MEMBER, 0);
  const caregiver = user('Relative', UserRole.MEMBER, 0);
  const families: Family[] = [];
  for (let i = 0; i < size.families; i += 1) {
    const main = user(`Elder ${i}`, UserRole.MAIN, i);
    const manager = user(`Son ${i}`, UserRole.MEMBER, i);
    const family = em.create(Family, { familyName: `Family ${i}`, mainUser: main });
    em.create(CarebotSettings, { family });
    const member = (who: User, role: FamilyRole, relation: string) =>
      em.create(Membership, {
        family,
        user: who,
        role,
        relation,
        status: MembershipStatus.ACTIVE,
      });
    member(manager, FamilyRole.MANAGER, 'son');
    member(careWorker, FamilyRole.CAREGIVER, 'care worker');
    if (i === 0) member(caregiver, FamilyRole.CAREGIVER, 'daughter');
    families.push(family);
  }
  const careWorkerSession = openSession(em, careWorker, { remember: true });
  const caregiverSession = openSession(em, caregiver, { remember: true });
  await em.flush();

  const now = Date.now();
  const minutesAgo = (n: number) => new Date(now - n * 60_000);
  // the newest two readings (r = 0 and 1) share a time: "latest" must break the tie by id
  const at = (r: number) => minutesAgo(r <= 1 ? 1 : r * 5);
  const home: object[] = [];
  const health: object[] = [];
  const activities: object[] = [];
  const mental: object[] = [];
  const notifications: object[] = [];
  for (const [f, family] of families.entries()) {
    for (let r = size.readings - 1; r >= 0; r -= 1) {
      const base = { family: family.id, measuredAt: at(r), createdAt: new Date(now) };
      home.push({
        ...base,
        temperature: 20 + ((f + r) % 7) * 0.5,
        humidity: 40 + (r % 20),
        dustDensity: 10 + (r % 9),
        gasLevel: 1 + (r % 4) * 0.25,
      });
      health.push({
        ...base,
        heartRate: 60 + ((f + r) % 30),
        bloodOxygen: 95 + (r % 5),
        bodyTemperature: r % 2 === 0 ? 36.5 : null,
        systolic: 110 + (r % 20),
        diastolic: 70 + (r % 10),
      });
      activities.push({ ...base, action: ACTIONS[r % 3], score: r % 2 === 0 ? 0.75 : null });
      mental.push({
        ...base,
        emotion: EMOTIONS[(f + r) % 3],
        joy: 0.5,
        sadness: 0.125,
        anger: 0,
        anxiety: 0.125,
        neutral: 0.25,
        source: MentalSource.FACE,
      });
    }
    for (let n = size.notifications - 1; n >= 0; n -= 1) {
      notifications.push({
        family: family.id,
        grade: GRADES[n % 3],
        kind: KINDS[n % 3],
        message: `Notice ${n} for family ${f}`,
        createdAt: minutesAgo(n <= 1 ? 2 : n * 7),
      });
    }
  }
  const chunks = async (entity: new () => object, rows: object[]) => {
    for (let i = 0; i < rows.length; i += 500) await em.insertMany(entity, rows.slice(i, i + 500));
  };
  await chunks(HomeStatus, home);
  await chunks(HealthStatus, health);
  await chunks(Activity, activities);
  await chunks(MentalStatus, mental);
  await chunks(Notification, notifications);
  const ids = await em
    .createQueryBuilder(Notification, 'n')
    .select('n.id')
    .where({ family: { $in: families.map((f) => f.id) } })
    .orderBy({ id: 'asc' })
    .execute<{ id: number }[]>('all', true);
  await chunks(
    NotificationRead,
    ids
      .filter((_, i) => i % 3 === 0)
      .map(({ id }) => ({ notification: id, user: careWorker.id, readAt: new Date(now) })),
  );
  return {
    familyIds: families.map((f) => f.id),
    careWorker: { userId: careWorker.id, token: careWorkerSession.token },
    caregiver: { userId: caregiver.id, token: caregiverSession.token },
  };
}
