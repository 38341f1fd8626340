import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/util/project-root.js';

/** Shared by the browser tests (test/browser/): one Chromium per user, and its problems. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
// .ci/run installs Debian's chromium and sets this: there, a missing browser fails instead of skipping
export const browserRequired = process.env['REQUIRE_BROWSER_TESTS'] === '1';
if (!haveChromium && !browserRequired)
  console.warn(`browser tests: skipping, ${CHROMIUM} is absent (apt-get install chromium)`);

/** Where the screens are saved: README "Web dashboard" names it; CI keeps it as an artifact. */
export const SCREENSHOTS = join(PROJECT_ROOT, 'artifacts', 'screenshots');
export const PHONE = { width: 390, height: 844 };

/** One Chromium with a fresh profile, and every problem its page runs into. */
export interface Browser {
  context: BrowserContext;
  page: Page;
  profile: string;
  problems: string[];
}

export async function openBrowser(
  origin: string,
  viewport = { width: 1280, height: 900 },
  /** URL prefixes besides the origin and `data:` that the page may load (GraphiQL uses `blob:`). */
  alsoAllowed: readonly string[] = [],
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
    const allowed = [`${origin}/`, 'data:', ...alsoAllowed];
    if (allowed.some((prefix) => url.startsWith(prefix))) await route.continue();
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

export async function logIn(
  page: Page,
  origin: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${origin}/app/`);
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(password);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.locator('[data-testid=live-state][data-state=live]').waitFor();
  // a test that navigates next would abort the first screen's requests (fonts, queries), and
  // the problem check counts an aborted request as a failed one
  await page.waitForLoadState('networkidle');
}

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** Closes the browsers and removes their profiles. */
export async function closeBrowsers(browsers: readonly Browser[]): Promise<void> {
  for (const b of browsers) {
    await b.context.close();
    rmSync(b.profile, { recursive: true, force: true });
  }
}

/**
 * A browser test file's first step: fails when CI requires Chromium and it is absent, builds the
 * web app with the same incremental Vite build as npm run build (quick when web/ is unchanged)
 * and makes the screenshots folder.
 */
export function prepareBrowserTests(): void {
  if (!haveChromium) throw new Error(`REQUIRE_BROWSER_TESTS=1 but ${CHROMIUM} is absent`);
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'tools', 'build-web.mjs')], {
    stdio: 'inherit',
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}
