import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
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
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// .ci/run installs Debian's chromium and sets this: there, a missing browser fails instead of skipping
const browserRequired = process.env['REQUIRE_BROWSER_TESTS'] === '1';
if (!haveChromium && !browserRequired)
  console.warn(`dashboard.test.ts: skipping, ${CHROMIUM} is absent (apt-get install chromium)`);

/** Where the screens are saved: README "Web dashboard" names it; CI keeps it as an artifact. */
const SCREENSHOTS = join(PROJECT_ROOT, 'artifacts', 'screenshots');
const PHONE = { width: 390, height: 844 };

/** One Chromium with a fresh profile, and every problem its page runs into. */
interface Browser {
  context: BrowserContext;
  page: Page;
  profile: string;
  problems: string[];
}

async function openBrowser(
  origin: string,
  viewport = { width: 1280, height: 900 },
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'carebot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: 'ko-KR',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  // anything for another host is a failure (and is refused: the machine is offline anyway)
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) await route.continue();
    else {
      problems.push(`request to another host: ${url}`);
      await route.abort();
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`failed request: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('websocket', (socket) => {
    if (!socket.url().startsWith(origin.replace(/^http/, 'ws')))
      problems.push(`socket to another host: ${socket.url()}`);
  });
  return { context, page, profile, problems };
}

async function logIn(page: Page, origin: string, email: string, password: string): Promise<void> {
  await page.goto(`${origin}/app/`);
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(password);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.locator('[data-testid=live-state][data-state=live]').waitFor();
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe.skipIf(!haveChromium && !browserRequired)('the web dashboard in headless Chromium', () => {
  let t: TestServer;
  let origin: string;
  let home: TestFamily;
  let other: TestFamily;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`REQUIRE_BROWSER_TESTS=1 but ${CHROMIUM} is absent`);
    // the same incremental Vite build as npm run build (quick when web/ is unchanged)
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'tools', 'build-web.mjs')], {
      stdio: 'inherit',
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
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
    for (const b of browsers) {
      await b.context.close();
      rmSync(b.profile, { recursive: true, force: true });
    }
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
      { input: { grade: 'CRIT', kind: 'FALL', message: '거실에서 넘어짐' } },
      home.device.headers,
    );
    await page.getByTestId('crit-banner').waitFor({ timeout: 5_000 });
    const seenAfter = Date.now() - raised;
    expect(seenAfter).toBeLessThan(1_000);
    expect(await page.getByTestId('crit-banner').textContent()).toContain('거실에서 넘어짐');
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
    const managerAlert = manager.page.getByTestId('alert').filter({ hasText: '거실에서 넘어짐' });
    await managerAlert.getByRole('button', { name: /확인/ }).waitFor();

    await page.getByTestId('family-card').first().getByRole('link').click();
    const alert = page.getByTestId('alert').filter({ hasText: '거실에서 넘어짐' });
    await alert.getByRole('button', { name: /확인/ }).click();
    await alert.getByTestId('acknowledged').waitFor();
    // the banner goes once the alert is acknowledged, and the title with it
    await page.getByTestId('crit-banner').waitFor({ state: 'detached' });
    expect(await page.title()).toBe('케어봇');
    await shot(page, 'family');

    // no live event announces an acknowledgement yet: the page reloads when shown again
    await manager.page.reload();
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
});
