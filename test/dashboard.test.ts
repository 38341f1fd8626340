import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardSeed, seedDashboard } from '../bench/dashboard-seed.js';
import { Family } from '../src/modules/family/family.entity.js';
import { Membership } from '../src/modules/family/membership.entity.js';
import { Notification, NotificationRead } from '../src/modules/notification/notification.entity.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalStatus,
} from '../src/modules/report/report.entities.js';
import {
  DashboardDocument,
  DashboardFamilyDocument,
  type DashboardFamilyFragment,
} from './__generated__/graphql.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t.close();
});

const em = () => t.server.app.orm.em.fork();
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** What the dashboard must show for one family, read the plain ORM way. */
async function expected(familyId: number, viewerId: number) {
  const e = em();
  const family = await e.findOneOrFail(Family, { id: familyId }, { populate: ['mainUser'] });
  const members = await e.find(
    Membership,
    { family: familyId },
    { populate: ['user'], orderBy: { id: 'asc' } },
  );
  const newest = <T extends object>(entity: new () => T): Promise<T | null> =>
    e.findOne(
      entity,
      { family: familyId },
      {
        orderBy: { measuredAt: 'desc', id: 'desc' } as never,
      },
    ) as Promise<T | null>;
  const notifications = await e.find(
    Notification,
    { family: familyId },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 10 },
  );
  const reads = new Set(
    (await e.find(NotificationRead, { user: viewerId, notification: { family: familyId } })).map(
      (r) => r.notification.id,
    ),
  );
  const total = await e.count(Notification, { family: familyId });
  const home = await newest(HomeStatus);
  const health = await newest(HealthStatus);
  const activity = await newest(Activity);
  const mental = await newest(MentalStatus);
  return {
    id: String(family.id),
    familyName: family.familyName,
    mainUser: { id: String(family.mainUser.id), name: family.mainUser.getEntity().name },
    members: members.map((m) => ({
      id: String(m.id),
      role: m.role,
      status: m.status,
      user: { id: String(m.user.id), name: m.user.getEntity().name },
    })),
    latestHomeStatus: home && {
      id: String(home.id),
      temperature: home.temperature,
      humidity: home.humidity,
      dustDensity: home.dustDensity,
      gasLevel: home.gasLevel,
      measuredAt: home.measuredAt.toISOString(),
    },
    latestHealthStatus: health && {
      id: String(health.id),
      heartRate: health.heartRate,
      bloodOxygen: health.bloodOxygen,
      bodyTemperature: health.bodyTemperature,
      systolic: health.systolic,
      diastolic: health.diastolic,
      measuredAt: health.measuredAt.toISOString(),
    },
    latestActivity: activity && {
      id: String(activity.id),
      action: activity.action,
      score: activity.score,
      imageId: activity.imageId,
      measuredAt: activity.measuredAt.toISOString(),
    },
    latestMentalStatus: mental && {
      id: String(mental.id),
      emotion: mental.emotion,
      source: mental.source,
      scores: {
        joy: mental.joy,
        sadness: mental.sadness,
        anger: mental.anger,
        anxiety: mental.anxiety,
        neutral: mental.neutral,
      },
      measuredAt: mental.measuredAt.toISOString(),
    },
    unreadNotificationCount: total - reads.size,
    notifications: {
      totalCount: total,
      edges: notifications.map((n) => ({
        node: {
          id: String(n.id),
          grade: n.grade,
          kind: n.kind,
          message: n.message,
          read: reads.has(n.id),
          createdAt: n.createdAt.toISOString(),
        },
      })),
    },
  } satisfies DashboardFamilyFragment;
}

describe('the dashboard', () => {
  const seeds = new Map<number, DashboardSeed>();
  const counts = new Map<number, number>();
  const familyCounts = new Map<number, number>();

  for (const families of [1, 10, 100]) {
    it(`answers a care worker following ${families} families in at most 7 statements, right`, async () => {
      const seed = await seedDashboard(
        em(),
        { families, readings: 3, notifications: 12 },
        `${families}`,
      );
      seeds.set(families, seed);
      const headers = bearer(seed.careWorker.token);
      let data: unknown;
      const { count, statements } = await t.countQueries(async () => {
        data = await t.request(DashboardDocument, {}, headers);
      });
      const { myFamilies, unreadMessageCount } = data as {
        myFamilies: DashboardFamilyFragment[];
        unreadMessageCount: number;
      };
      expect(unreadMessageCount).toBe(0);
      expect(myFamilies.map((f) => Number(f.id))).toEqual(seed.familyIds);
      // the reference is slow (a dozen queries a family): check a sample of the families
      for (const index of [0, families - 1, Math.floor(families / 2)]) {
        const family = myFamilies[index]!;
        expect(family).toEqual(await expected(Number(family.id), seed.careWorker.userId));
      }
      expect(count, statements.join('\n')).toBeLessThanOrEqual(7);
      counts.set(families, count);

      const one = await t.countQueries(async () => {
        const { family } = await t.request(
          DashboardFamilyDocument,
          { id: String(seed.familyIds[0]) },
          headers,
        );
        expect(family).toEqual(await expected(seed.familyIds[0]!, seed.careWorker.userId));
      });
      expect(one.count, one.statements.join('\n')).toBeLessThanOrEqual(7);
      familyCounts.set(families, one.count);
    });
  }

  it('costs the same number of statements for 1, 10 and 100 families', () => {
    expect(counts.size).toBe(3);
    expect(new Set(counts.values()).size, JSON.stringify([...counts])).toBe(1);
  });

  it('checks the arguments of a field under the family list for every family, per variables', async () => {
    const seed = seeds.get(10)!;
    const headers = bearer(seed.careWorker.token);
    const document = parse(`
      query ($kinds: [NotificationKind!]) {
        myFamilies { id notifications(first: 1, kinds: $kinds) { totalCount } }
      }
    `) as TypedDocumentNode<{ myFamilies: { id: string }[] }, { kinds: string[] }>;
    // the same document: a verdict reached with one set of variables must not answer another
    const tooMany = await t.requestErrors(
      document,
      { kinds: Array<string>(21).fill('FALL') },
      headers,
    );
    expect(tooMany.length).toBeGreaterThan(0);
    for (const error of tooMany) {
      expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(error.extensions?.['fields']).toHaveProperty('kinds');
    }
    const fine = await t.request(document, { kinds: ['FALL', 'FIRE'] }, headers);
    expect(fine.myFamilies).toHaveLength(10);
    const again = await t.requestErrors(
      document,
      { kinds: Array<string>(21).fill('FIRE') },
      headers,
    );
    expect(again.map((error) => error.extensions?.['code'])).toEqual(
      tooMany.map(() => 'BAD_USER_INPUT'),
    );
  });

  it('answers null for a kind of reading a family has none of, and the other kinds as usual', async () => {
    const seed = await seedDashboard(em(), { families: 2, readings: 2, notifications: 1 }, 'gaps');
    const [first, second] = seed.familyIds as [number, number];
    // the four kinds share one statement: a missing kind must not hide the others
    await em().nativeDelete(Activity, { family: first });
    for (const entity of [HomeStatus, HealthStatus, Activity, MentalStatus] as const)
      await em().nativeDelete(entity as never, { family: second });
    const { myFamilies } = await t.request(DashboardDocument, {}, bearer(seed.careWorker.token));
    expect(myFamilies.map((family) => Number(family.id))).toEqual([first, second]);
    for (const family of myFamilies)
      expect(family).toEqual(await expected(Number(family.id), seed.careWorker.userId));
    expect(myFamilies[0]?.latestActivity).toBeNull();
    expect(myFamilies[0]?.latestHomeStatus).not.toBeNull();
    expect(myFamilies[0]?.latestMentalStatus).not.toBeNull();
    expect(myFamilies[1]?.latestHomeStatus).toBeNull();
  });

  it("answers the fields a page is asked through fragments, beyond the dashboard's, and its cursors", async () => {
    const seed = seeds.get(10)!;
    const headers = bearer(seed.careWorker.token);
    const familyId = seed.familyIds[0]!;
    type Page = {
      family: {
        notifications: {
          edges: { cursor: string; node: Record<string, unknown> }[];
          pageInfo: { hasNextPage: boolean; startCursor: string; endCursor: string };
        };
      };
    };
    const document = (fields: string) =>
      parse(`
          fragment Fields on Notification { ${fields} }
          query ($id: ID!, $after: String) {
            family(id: $id) {
              notifications(first: 5, after: $after) {
                edges { cursor node { ...Fields ... on Notification { kind } } }
                pageInfo { hasNextPage startCursor endCursor }
              }
            }
          }
        `) as TypedDocumentNode<Page, { id: string; after: string | null }>;
    const page = (after: string | null, fields: string): Promise<Page> =>
      t.request(document(fields), { id: String(familyId), after }, headers);
    const rows = await em().find(
      Notification,
      { family: familyId },
      { orderBy: { createdAt: 'desc', id: 'desc' } },
    );
    // a field outside the columns the page knows (occurrences) makes it read every column
    for (const fields of ['id message image', 'id message occurrences resolvedAt']) {
      const first = (await page(null, fields)).family.notifications;
      const next = (await page(first.pageInfo.endCursor, fields)).family.notifications;
      const nodes = [...first.edges, ...next.edges].map((edge) => edge.node);
      expect(nodes.map((node) => Number(node['id']))).toEqual(rows.slice(0, 10).map((r) => r.id));
      rows.slice(0, 10).forEach((row, index) => {
        const node = nodes[index]!;
        expect(node['message']).toBe(row.message);
        expect(node['kind']).toBe(row.kind);
        if ('image' in node) expect(node['image']).toBe(row.imageId);
        if ('occurrences' in node) expect(node['occurrences']).toBe(row.occurrences);
      });
      expect(first.pageInfo.startCursor).toBe(first.edges[0]!.cursor);
      expect(first.pageInfo.endCursor).toBe(first.edges[4]!.cursor);
      expect(first.pageInfo.hasNextPage).toBe(true);
    }
  });

  it('answers family(id) with the same fields in the same few statements', () => {
    expect(familyCounts.size).toBe(3);
    expect(new Set(familyCounts.values()).size, JSON.stringify([...familyCounts])).toBe(1);
    expect(Math.max(...familyCounts.values())).toBeLessThanOrEqual(7);
  });
});
