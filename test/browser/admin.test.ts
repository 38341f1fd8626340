import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRole } from '../../src/modules/account/user.entity.js';
import { createFamily, type TestFamily } from '../factories/families.js';
import { createUser, type TestUser } from '../factories/users.js';
import {
  type Browser,
  browserRequired,
  closeBrowsers,
  haveChromium,
  logIn,
  openBrowser,
  prepareBrowserTests,
  shot,
} from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe.skipIf(!haveChromium && !browserRequired)('the admin area in headless Chromium', () => {
  let t: TestServer;
  let origin: string;
  let admin: TestUser;
  let target: TestUser;
  let home: TestFamily;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    prepareBrowserTests();
    t = await startTestServer();
    origin = new URL(t.url).origin;
    admin = await createUser(t, { role: UserRole.ADMIN, name: '운영자 이관리' });
    target = await createUser(t, { name: '홍길동 정지대상' });
    home = await createFamily(t, { familyName: '다 이말순 어르신 댁', caregivers: 1 });
  }, 120_000);

  afterAll(async () => {
    await closeBrowsers(browsers);
    await t?.close();
  });

  it('lets an admin find a user, suspend them and lift it (audited) and see the system figures', async () => {
    const b = await openBrowser(origin);
    browsers.push(b);
    const { page } = b;
    await logIn(page, origin, admin.email, admin.password);
    await page.getByTestId('admin-link').click();
    await page.getByRole('heading', { name: '운영 관리' }).waitFor();

    await page.getByRole('searchbox', { name: '이름 또는 이메일 검색' }).fill('정지대상');
    await page.keyboard.press('Enter');
    const rows = page.getByTestId('admin-user');
    await expect.poll(() => page.getByTestId('user-total').textContent()).toContain('1');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(target.email);

    await rows.first().getByRole('button', { name: '이용 정지: 홍길동 정지대상' }).click();
    const form = rows.first().getByRole('form', { name: '이용 정지: 홍길동 정지대상' });
    await form.getByLabel('사유').fill('스팸 게시 반복');
    await form.getByRole('button', { name: '이용 정지' }).click();
    await page.locator('[data-testid=admin-user][data-suspended=true]').waitFor();
    expect(
      await rows.first().getByRole('button', { name: '정지 해제: 홍길동 정지대상' }).count(),
    ).toBe(1);

    // the audit log reloads with the new entry on top
    const entry = page.locator('[data-testid=audit-entry][data-action=SUSPEND_USER]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('스팸 게시 반복');
    expect(await entry.textContent()).toContain('운영자 이관리');
    expect(await entry.textContent()).toContain(target.user.id);

    // one ADMIN, the target plus the family's people as MEMBER/MAIN, one family
    expect(await page.getByTestId('users-ADMIN').textContent()).toBe('1');
    expect(await page.getByTestId('stat-families').textContent()).toBe('1');
    await page.getByTestId('system-stats').getByRole('img', { name: '일별 알림' }).waitFor();
    await shot(page, 'admin');

    // and lifts it, keyboard only: audited too
    await rows.first().getByRole('button', { name: '정지 해제: 홍길동 정지대상' }).focus();
    await page.keyboard.press('Enter');
    const lift = rows.first().getByRole('form', { name: '정지 해제: 홍길동 정지대상' });
    await lift.getByLabel('사유').fill('이의 신청 수용');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=admin-user][data-suspended=false]').waitFor();
    const lifted = page.locator('[data-testid=audit-entry][data-action=UNSUSPEND_USER]');
    await lifted.waitFor();
    expect(await lifted.textContent()).toContain('이의 신청 수용');
    expect(b.problems).toEqual([]);
  });

  it('hides the admin link from a non-admin and refuses them the page', async () => {
    const b = await openBrowser(origin);
    browsers.push(b);
    const { page } = b;
    const caregiver = home.caregivers[0]!;
    await logIn(page, origin, caregiver.email, caregiver.password);
    await page.getByTestId('family-card').first().waitFor();
    expect(await page.getByTestId('admin-link').count()).toBe(0);
    // typed into the address bar: a full load, once the first page's fonts and queries are in
    // (leaving earlier would abort them, which the problem check counts)
    await page.waitForLoadState('networkidle');
    await page.goto(`${origin}/app/admin`);
    await page.getByTestId('not-allowed').waitFor();
    expect(await page.getByTestId('not-allowed').textContent()).toBe(
      '이 화면은 운영자만 볼 수 있습니다.',
    );
    expect(await page.getByTestId('admin-users').count()).toBe(0);
    expect(b.problems).toEqual([]);
  });
});
