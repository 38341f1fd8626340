import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../src/modules/device/device.entity.js';
import { Notification } from '../src/modules/notification/notification.entity.js';
import { checkInactivity } from '../src/modules/notification/notification.jobs.js';
import { NotificationKind } from '../src/modules/notification/notification.enums.js';
import { ActivityAction } from '../src/modules/report/report.enums.js';
import {
  checkDeviceHealth,
  familiesWithDevicesOffline,
} from '../src/modules/routine/routine.device-health.js';
import { RoutineRule } from '../src/modules/routine/routine.entities.js';
import { RoutineRuleKind } from '../src/modules/routine/routine.enums.js';
import { checkRoutines } from '../src/modules/routine/routine.rules.js';
import { NotificationGrade } from '../src/modules/notification/notification.enums.js';
import { DeviceHealthDocument, UpdateCareSettingsDocument } from './__generated__/graphql.js';
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
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-20T01:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);
const health = (minutes: number) => {
  clockAt = at(minutes);
  const { orm, events, logger } = t.server.app;
  return checkDeviceHealth(orm, events, logger, at(minutes));
};
/** The device's sign of life, as device authentication records it (`lastSeenAt`). */
const seen = (f: TestFamily, minutes: number) =>
  em().nativeUpdate(Device, { id: f.device.device.id }, { lastSeenAt: at(minutes) });
const systemAlerts = (f: TestFamily) =>
  em().find(Notification, { family: f.family.id, kind: NotificationKind.SYSTEM });

describe('device health', () => {
  it("records the Carebot's sign of life on the app clock, over HTTP and WebSocket", async () => {
    const f = await createFamily(t);
    await seen(f, -100);
    clockAt = at(5);
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...f.device.headers },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect((await em().findOneOrFail(Device, f.device.device.id)).lastSeenAt).toEqual(at(5));
    clockAt = at(30);
    const socket = t.ws({ authorization: f.device.headers.authorization });
    await socket.iterate({ query: '{ __typename }' }).next();
    expect((await em().findOneOrFail(Device, f.device.device.id)).lastSeenAt).toEqual(at(30));
  });

  it('raises one SYSTEM alert when the Carebot falls silent, and records its return', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const quiet = await createFamily(t);
    await seen(f, 0);
    await seen(quiet, 0);
    await t.request(
      UpdateCareSettingsDocument,
      { familyId: String(quiet.family.id), input: { deviceOfflineMinutes: 30 } },
      quiet.main.headers,
    );

    await health(10);
    expect(await systemAlerts(f)).toHaveLength(0);
    const first = await health(16);
    expect(first.wentOffline).toContain(f.device.device.id);
    expect(first.wentOffline).not.toContain(quiet.device.device.id);
    await health(20);
    await health(25);
    const alerts = await systemAlerts(f);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.grade).toBe(NotificationGrade.WARN);
    expect(alerts[0]!.message).toContain('offline');
    expect(await systemAlerts(quiet)).toHaveLength(0);

    const offline = await t.request(
      DeviceHealthDocument,
      { id: String(f.family.id) },
      f.caregivers[0]!.headers,
    );
    expect(offline.family!.careSettings).toEqual({
      timeZone: 'Asia/Seoul',
      deviceOfflineMinutes: 15,
    });
    expect(offline.family!.devices[0]).toMatchObject({
      online: false,
      lastSeenAt: at(0).toISOString(),
      offlinePeriods: [
        { startedAt: at(0).toISOString(), detectedAt: at(16).toISOString(), endedAt: null },
      ],
    });

    await seen(f, 40);
    const back = await health(41);
    expect(back.cameBack).toEqual([f.device.device.id]);
    const online = await t.request(
      DeviceHealthDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(online.family!.devices[0]).toMatchObject({
      online: true,
      offlinePeriods: [{ startedAt: at(0).toISOString(), endedAt: at(40).toISOString() }],
    });
    // the next silence is a new period with its own alert
    await health(60);
    expect(await systemAlerts(f)).toHaveLength(2);
  });

  it('holds inactivity alerts of a family whose Carebot is offline', async () => {
    const f = await createFamily(t);
    const e = em();
    // "someone eats between 00:00 and 01:00 (Seoul)": nobody does, but the Carebot was offline
    e.create(RoutineRule, {
      family: f.family.id,
      kind: RoutineRuleKind.NO_ACTIVITY,
      actions: [ActivityAction.EATING],
      startMinute: 0,
      endMinute: 60,
      grade: NotificationGrade.WARN,
      message: 'No meal at midnight.',
      createdAt: new Date(T0 - 24 * 60 * MINUTE),
    });
    await e.flush();
    await seen(f, -600);
    await health(-500);
    expect(await familiesWithDevicesOffline(em(), [f.family.id])).toEqual(new Set([f.family.id]));
    const { orm, events, logger } = t.server.app;
    // 01:00Z is 10:00 in Seoul: the window 00:00–01:00 Seoul ended at 16:00Z the day before
    expect(await checkRoutines(orm, events, logger, at(0))).not.toContain(
      (await e.findOneOrFail(RoutineRule, { family: f.family.id })).id,
    );
    expect(
      await em().count(Notification, { family: f.family.id, kind: NotificationKind.INACTIVITY }),
    ).toBe(0);

    // back online: that window still proves nothing, the next one (online throughout) alerts
    await seen(f, 0);
    await health(1);
    expect(await familiesWithDevicesOffline(em(), [f.family.id])).toEqual(new Set());
    await checkRoutines(orm, events, logger, at(1));
    const inactivity = () =>
      em().count(Notification, { family: f.family.id, kind: NotificationKind.INACTIVITY });
    expect(await inactivity()).toBe(0);
    await seen(f, 890);
    await health(891);
    await checkRoutines(orm, events, logger, at(901));
    expect(await inactivity()).toBe(1);
  });

  it('holds the hours-long inactivity warning while the Carebot is offline', async () => {
    const offline = await createFamily(t);
    await seen(offline, -600);
    await health(-500);
    const online = await createFamily(t);
    const { orm, events, logger } = t.server.app;
    // both families have been quiet since they were created: 13 hours on, the default 12 passed
    const warned = await checkInactivity(orm, events, logger, new Date(Date.now() + 13 * 3600_000));
    expect(warned).toContain(online.family.id);
    expect(warned).not.toContain(offline.family.id);
  });

  it('keeps device health of other families hidden, and settings to managers', async () => {
    const f = await createFamily(t, { caregivers: 1 });
    const other = await createFamily(t);
    expect(
      codeOf(
        await t.requestErrors(
          DeviceHealthDocument,
          { id: String(f.family.id) },
          other.main.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    const input = { deviceOfflineMinutes: 20 };
    expect(
      codeOf(
        await t.requestErrors(
          UpdateCareSettingsDocument,
          { familyId: String(f.family.id), input },
          f.caregivers[0]!.headers,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(
        await t.requestErrors(
          UpdateCareSettingsDocument,
          { familyId: String(f.family.id), input },
          other.main.headers,
        ),
      ),
    ).toBe('NOT_FOUND');
    const tooShort = await t.requestErrors(
      UpdateCareSettingsDocument,
      { familyId: String(f.family.id), input: { deviceOfflineMinutes: 1 } },
      f.main.headers,
    );
    expect(codeOf(tooShort)).toBe('BAD_USER_INPUT');
    const badZone = await t.requestErrors(
      UpdateCareSettingsDocument,
      { familyId: String(f.family.id), input: { timeZone: 'Mars/Olympus' } },
      f.main.headers,
    );
    expect(badZone[0]!.extensions!['fields']).toEqual({
      'input.timeZone': 'is not an IANA time zone',
    });
  });
});
