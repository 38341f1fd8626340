import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/modules/account/user.entity.js';
import { Family } from '../../src/modules/family/family.entity.js';
import {
  FamilyRole,
  Membership,
  MembershipStatus,
} from '../../src/modules/family/membership.entity.js';
import { PROJECT_ROOT } from '../../src/util/project-root.js';
import {
  RaiseNotificationDocument,
  ReportHealthStatusDocument,
  ReportHomeStatusDocument,
} from '../__generated__/graphql.js';
import { createFamily, type TestFamily } from '../factories/families.js';
import {
  type Browser,
  browserRequired,
  closeBrowsers,
  haveChromium,
  logIn,
  openBrowser,
  prepareBrowserTests,
  PHONE,
  shot,
} from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe.skipIf(!haveChromium && !browserRequired)('the web dashboard in headless Chromium', () => {
  let t: TestServer;
  let origin: string;
  let home: TestFamily;
  let other: TestFamily;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    prepareBrowserTests();
    t = await startTestServer();
    origin = new URL(t.url).origin;
    // a caregiver following two families; the one that will raise a CRIT sorts last by name
    other = await createFamily(t, { familyName: '가 김순자 어르신 댁', caregivers: 1 });
    home = await createFamily(t, {
      familyName: '나 박영희 어르신 댁',
      managers: 1,
      caregivers: 1,
    });
    const em = t.server.app.orm.em.fork();
    em.create(Membership, {
      family: em.getReference(Family, other.family.id),
      user: em.getReference(User, home.caregivers[0]!.user.id),
      relation: 'care worker',
      role: FamilyRole.CAREGIVER,
      status: MembershipStatus.ACTIVE,
    });
    await em.flush();
    for (const f of [home, other]) {
      await t.request(
        ReportHealthStatusDocument,
        { input: { heartRate: 74, bloodOxygen: 97, bodyTemperature: 36.5 } },
        f.device.headers,
      );
      await t.request(
        ReportHomeStatusDocument,
        { input: { temperature: 23.5, humidity: 41, dustDensity: 12, gasLevel: 0.1 } },
        f.device.headers,
      );
    }
  }, 120_000);

  afterAll(async () => {
    await closeBrowsers(browsers);
    await t?.close();
  });

  it('logs a caregiver in, shows the family cards, and a CRIT live with banner and title, first in the list', async () => {
    const caregiver = await openBrowser(origin);
    browsers.push(caregiver);
    const { page } = caregiver;
    await logIn(page, origin, home.caregivers[0]!.email, home.caregivers[0]!.password);
    const cards = page.getByTestId('family-card');
    await expect.poll(() => cards.count()).toBe(2);
    await expect.poll(() => cards.first().textContent()).toContain('가 김순자');
    await expect.poll(() => cards.nth(1).textContent()).toContain('74 bpm');
    await shot(page, 'my-elders');

    const raised = Date.now();
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'CRIT', kind: 'FIRE', message: '부엌에서 연기 감지' } },
      home.device.headers,
    );
    await page.getByTestId('crit-banner').waitFor({ timeout: 5_000 });
    const seenAfter = Date.now() - raised;
    expect(seenAfter).toBeLessThan(1_000);
    expect(await page.getByTestId('crit-banner').textContent()).toContain('부엌에서 연기 감지');
    expect(await page.title()).toContain('긴급 알림');
    await expect.poll(() => cards.first().getAttribute('data-urgency')).toBe('crit');
    expect(await cards.first().textContent()).toContain('나 박영희');
    await shot(page, 'crit-live');
    expect(caregiver.problems).toEqual([]);
  });

  it('acknowledges the alert; a manager in a second browser, phone-sized, sees who did', async () => {
    const [caregiver] = browsers;
    const { page } = caregiver!;
    const manager = await openBrowser(origin, PHONE);
    browsers.push(manager);
    await logIn(manager.page, origin, home.managers[0]!.email, home.managers[0]!.password);
    await manager.page.getByTestId('family-card').first().getByRole('link').click();
    const managerAlert = manager.page
      .getByTestId('alert')
      .filter({ hasText: '부엌에서 연기 감지' });
    await managerAlert.getByRole('button', { name: /확인/ }).waitFor();

    await page.getByTestId('family-card').first().getByRole('link').click();
    const alert = page.getByTestId('alert').filter({ hasText: '부엌에서 연기 감지' });
    await alert.getByRole('button', { name: /확인/ }).click();
    await alert.getByTestId('acknowledged').waitFor();
    // the banner goes once the alert is acknowledged, and the title with it
    await page.getByTestId('crit-banner').waitFor({ state: 'detached' });
    expect(await page.title()).toBe('케어봇');
    await shot(page, 'family');

    // the acknowledgement reaches the manager's open page live (notificationUpdated), no reload
    await managerAlert.getByTestId('acknowledged').waitFor();
    expect(await managerAlert.getByTestId('acknowledged').textContent()).toContain(
      home.caregivers[0]!.user.name,
    );
    // the phone layout has no horizontal scrolling
    const width = await manager.page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await shot(manager.page, 'family-phone');
    expect(manager.problems).toEqual([]);
    expect(caregiver!.problems).toEqual([]);
  });

  it('resolves the alert as a false alarm, keyboard only; the manager sees RESOLVED live', async () => {
    const [caregiver, manager] = browsers;
    const { page } = caregiver!;
    const alert = page.getByTestId('alert').filter({ hasText: '부엌에서 연기 감지' });
    const managerAlert = manager!.page
      .getByTestId('alert')
      .filter({ hasText: '부엌에서 연기 감지' });
    expect(await managerAlert.getByTestId('alert-state').getAttribute('data-state')).toBe(
      'ACKNOWLEDGED',
    );
    await alert.getByRole('button', { name: '해결: 부엌에서 연기 감지' }).focus();
    await page.keyboard.press('Enter');
    const form = alert.getByRole('form', { name: '알림 해결: 부엌에서 연기 감지' });
    await form.getByRole('radio', { name: '오경보' }).focus();
    await page.keyboard.press('Space');
    await form.getByLabel('메모').fill('요리 중 연기');
    await page.keyboard.press('Enter');
    await alert.locator('[data-testid=alert-state][data-state=RESOLVED]').waitFor();
    expect(await alert.getByTestId('alert-state').textContent()).toBe('해결됨 · 오경보');
    expect(await alert.getByRole('button', { name: /해결/ }).count()).toBe(0);

    // the manager's open page changes in place (notificationUpdated), no reload
    await managerAlert.locator('[data-testid=alert-state][data-state=RESOLVED]').waitFor();
    expect(await managerAlert.textContent()).toContain('오경보');
    expect(await managerAlert.textContent()).toContain('요리 중 연기');
    expect(await managerAlert.getByRole('button', { name: /해결/ }).count()).toBe(0);
    await shot(manager!.page, 'alert-resolved-phone');
    expect(caregiver!.problems).toEqual([]);
    expect(manager!.problems).toEqual([]);
  });

  it('delivers a message live: the manager writes on the phone, the caregiver sees it arrive', async () => {
    const [caregiver, manager] = browsers;
    const caregiverName = home.caregivers[0]!.user.name;
    await caregiver!.page.getByTestId('messages').waitFor({ state: 'attached' });
    await manager!.page.getByLabel('받는 사람').selectOption({ label: caregiverName });
    await manager!.page.getByLabel('메시지 내용').fill('오늘 방문 가능하세요?');
    await manager!.page.getByRole('button', { name: '보내기' }).click();
    await caregiver!.page.getByTestId('messages').getByText('오늘 방문 가능하세요?').waitFor();
    await manager!.page.getByTestId('messages').getByText('오늘 방문 가능하세요?').waitFor();
    expect(caregiver!.problems).toEqual([]);
    expect(manager!.problems).toEqual([]);
  });

  it('switches to English and back, keyboard first', async () => {
    const { page, problems } = browsers[0]!;
    const toEnglish = page.getByRole('button', { name: 'Switch to English' });
    await toEnglish.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en');
    await shot(page, 'family-english');
    await page.getByRole('button', { name: '한국어로 바꾸기' }).click();
    await page.getByRole('heading', { name: '알림' }).waitFor();
    expect(problems).toEqual([]);
  });
  it('signs a new member up in the browser', async () => {
    const b = await openBrowser(origin, PHONE);
    browsers.push(b);
    const { page } = b;
    await page.goto(`${origin}/app/`);
    await page.getByRole('link', { name: '회원가입' }).click();
    await page.getByLabel('이름').fill('최지은');
    await page.getByLabel('이메일').fill(`jieun-${Date.now()}@example.com`);
    await page.getByLabel('비밀번호').fill('a long enough passphrase');
    await page.getByLabel('전화번호').fill('01098765432');
    await page.getByLabel('생년월일').fill('1985-04-12');
    const [province, municipality] = [
      page.getByLabel('시·도', { exact: true }),
      page.getByLabel('시·군·구', { exact: true }),
    ];
    await province.locator('option[value="11"]').waitFor({ state: 'attached' });
    await province.selectOption('11');
    await municipality.locator('option[value="11110"]').waitFor({ state: 'attached' });
    await municipality.selectOption('11110');
    await page.getByRole('button', { name: '회원가입' }).click();
    await page.getByRole('heading', { name: '나의 어르신' }).waitFor();
    await page.getByText('아직 연결된 가족이 없습니다.').waitFor();
    expect(b.problems).toEqual([]);
  });

  it('drives a Carebot from the mock page: readings, a CRIT, and settingsChanged live', async () => {
    const [caregiver, manager] = browsers;
    const device = await caregiver!.context.newPage();
    await device.goto(`${origin}/app/mock-carebot`);
    await device.getByLabel('Device token').fill(home.device.token);
    await device.getByRole('button', { name: 'Connect' }).click();
    await device.getByText('socket: live').waitFor();
    const log = device.getByTestId('device-log');
    await device.getByRole('button', { name: 'Send health' }).click();
    await log.getByText(/^.*health: /).waitFor();
    await device.getByRole('button', { name: /reportBatch/ }).click();
    await log.getByText(/"stored":6/).waitFor();

    // a manager saves the settings on the phone; the Carebot hears of it at once
    await manager!.page.getByLabel('음량').fill('35');
    await manager!.page.getByRole('button', { name: '저장' }).click();
    await log.getByText(/settingsChanged: .*"volume":35/).waitFor();

    await device.getByLabel('Message').fill('도와주세요');
    await device.getByRole('button', { name: 'Raise alert' }).click();
    await caregiver!.page.getByTestId('crit-banner').filter({ hasText: '도와주세요' }).waitFor();
    await shot(device, 'mock-carebot');
    await device.close();
    expect(caregiver!.problems).toEqual([]);
    expect(manager!.problems).toEqual([]);
  });

  it('after a network drop reconnects and resumes with after: nothing missed, nothing doubled', async () => {
    const b = await openBrowser(origin);
    browsers.push(b);
    const { page } = b;
    // the page's sockets pass through the test, which can cut them and refuse new ones
    let cut = false;
    const open: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    const subscribes: { query: string; variables: Record<string, unknown> }[] = [];
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      if (cut) {
        void ws.close({ code: 1001, reason: 'network down' });
        return;
      }
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message)) as {
          type: string;
          payload?: { query: string; variables: Record<string, unknown> };
        };
        if (frame.type === 'subscribe' && frame.payload) subscribes.push(frame.payload);
        server.send(message);
      });
      server.onMessage((message) => ws.send(message));
      open.push({ page: ws, server });
    });
    const member = home.caregivers[0]!;
    await logIn(page, origin, member.email, member.password);
    await page.goto(`${origin}/app/family/${home.family.id}`);
    await page.locator('[data-testid=live-state][data-state=live]').waitFor();
    const feed = page.getByTestId('alert');
    await feed.first().waitFor();
    const newestBefore = await feed.first().getAttribute('data-alert-id');

    cut = true;
    for (const socket of open.splice(0)) {
      await socket.page.close({ code: 1001, reason: 'network down' });
      await socket.server.close();
    }
    await page.locator('[data-testid=live-state]:not([data-state=live])').waitFor();
    const missed = [];
    // two kinds: repeats of one kind within 10 minutes fold into one alert (de-duplication)
    for (const [kind, message] of [
      ['HEALTH', '드롭 중 1'],
      ['ENVIRONMENT', '드롭 중 2'],
    ] as const)
      missed.push(
        await t.request(
          RaiseNotificationDocument,
          { input: { grade: 'WARN', kind, message } },
          home.device.headers,
        ),
      );
    cut = false;
    await page.locator('[data-testid=live-state][data-state=live]').waitFor({ timeout: 15_000 });
    for (const message of ['드롭 중 1', '드롭 중 2'])
      await feed.filter({ hasText: message }).waitFor();
    await t.request(
      RaiseNotificationDocument,
      { input: { grade: 'WARN', kind: 'OTHER', message: '다시 연결 후' } },
      home.device.headers,
    );
    await feed.filter({ hasText: '다시 연결 후' }).waitFor();
    for (const message of ['드롭 중 1', '드롭 중 2', '다시 연결 후'])
      expect(await feed.filter({ hasText: message }).count()).toBe(1);
    // the resumed subscription asked for what came after the last alert the page had seen
    const resumed = subscribes.filter((p) => p.query.includes('notificationAdded')).at(-1);
    expect(resumed?.variables['after']).toBe(newestBefore);
    expect(Number(missed[0]!.raiseNotification.id)).toBeGreaterThan(Number(newestBefore));
    expect(b.problems.filter((p) => !p.includes('WebSocket'))).toEqual([]);
  });
});

describe('the web app over HTTP', () => {
  it('serves no mock Carebot in production unless WEB_MOCK_CAREBOT=true', async () => {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'tools', 'build-web.mjs')]);
    const secret = { NODE_ENV: 'production', FILE_URL_SECRET: 'x'.repeat(40) };
    for (const env of [secret, { ...secret, WEB_MOCK_CAREBOT: 'true' }]) {
      const server = await startTestServer(env);
      try {
        const app = await fetch(new URL('/app/family/1', server.url));
        expect(app.status).toBe(200);
        expect(await app.text()).toContain('<div id="root">');
        const mock = await fetch(new URL('/app/mock-carebot', server.url));
        const enabled = 'WEB_MOCK_CAREBOT' in env;
        expect(mock.status).toBe(enabled ? 200 : 404);
        if (enabled) expect(await mock.text()).toContain('Mock Carebot');
        const script = /src="(\/app\/assets\/mock-carebot-[^"]+)"/.exec(
          readFileSync(join(PROJECT_ROOT, 'dist', 'web', 'mock-carebot.html'), 'utf8'),
        )![1]!;
        expect((await fetch(new URL(script, server.url))).status).toBe(enabled ? 200 : 404);
      } finally {
        await server.close();
      }
    }
    // two servers, each on a fresh database (a MariaDB one migrates for some seconds)
  }, 120_000);
});
