import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRole } from '../src/modules/account/user.entity.js';
import { SendPingDocument } from './__generated__/graphql.js';
import { createFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import {
  type Browser,
  browserRequired,
  CHROMIUM,
  closeBrowsers,
  haveChromium,
  openBrowser,
} from './helpers/browser.js';
import { RawSocket } from './helpers/raw-ws.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const page = (t: TestServer, accept = 'text/html') =>
  fetch(new URL('/graphql', t.url), { headers: { accept } });

describe('GraphiQL and field suggestions outside production', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('serves GraphiQL to a browser at GET /graphql, with every asset from the API itself', async () => {
    const response = await page(t);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<div id="graphiql">');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(6);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/graphiql\//);
      const file = await fetch(new URL(asset, t.url));
      expect(file.status, asset).toBe(200);
      expect((await file.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
  });

  it('answers a wrong field name with a "Did you mean" hint', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ serverInfo { versio } }' }),
    });
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/Did you mean "version"\?/);
  });
});

describe('GraphiQL and field suggestions in production', () => {
  const secret = { NODE_ENV: 'production', FILE_URL_SECRET: 'x'.repeat(40) };
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(secret);
  });
  afterAll(async () => t.close());

  it('serves no IDE and no landing page', async () => {
    const html = await (await page(t)).text();
    expect(html).not.toContain('graphiql');
    expect((await fetch(new URL('/graphiql/graphiql.js', t.url))).status).toBe(404);
  });

  it('gives no field suggestions', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ serverInfo { versio } }' }),
    });
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/Cannot query field "versio"/);
    expect(body.errors[0]?.message).not.toMatch(/Did you mean/);
  });

  it('gives no enum-value suggestions either, as a literal or in variables, over HTTP and WebSocket', async () => {
    const f = await createFamily(t);
    const post = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...f.device.headers },
        body: JSON.stringify({ query, variables }),
      });
      return JSON.stringify(await response.json());
    };
    const literal = await post(
      'mutation { raiseNotification(input: { grade: CRT, kind: FALL, message: "x" }) { id } }',
    );
    const variable = await post(
      'mutation($g: NotificationGrade!) { raiseNotification(input: { grade: $g, kind: FALL, message: "x" }) { id } }',
      { g: 'CRT' },
    );
    for (const body of [literal, variable]) {
      expect(body).toContain('CRT');
      expect(body).not.toMatch(/Did you mean|CRIT/);
    }
    const ws = t
      .ws({ authorization: f.main.headers.authorization })
      .iterate({ query: 'subscription { notificationAdded(minGrade: CRT) { id } }' });
    const overWs = JSON.stringify(await ws.next().catch((error: unknown) => error));
    expect(overWs).toContain('CRT');
    expect(overWs).not.toMatch(/Did you mean|CRIT/);
  });

  it('gives no field suggestions over the WebSocket either, in selections or variables (issue 13 finding 10)', async () => {
    const f = await createFamily(t);
    const socket = await RawSocket.connect(t.wsUrl, f.device.headers);
    await socket.run('selection', { query: '{ serverInfo { versio } }' });
    await socket.run('variables', {
      query:
        'mutation($input: RaiseNotificationInput!) { raiseNotification(input: $input) { id } }',
      variables: { input: { grade: 'CRIT', kind: 'FALL', message: 'x', mesage: 'x' } },
    });
    const [selection, variables] = [socket.errorsOf('selection'), socket.errorsOf('variables')];
    expect(selection[0]?.message).toMatch(/Cannot query field "versio"/);
    expect(variables[0]?.message).toMatch(/Field "mesage" is not defined/);
    expect(JSON.stringify([selection, variables])).not.toMatch(/Did you mean/);
    await socket.close();
  });

  it('serves the IDE when GRAPHQL_IDE=true', async () => {
    const enabled = await startTestServer({ ...secret, GRAPHQL_IDE: 'true' });
    try {
      expect(await (await page(enabled)).text()).toContain('<div id="graphiql">');
    } finally {
      await enabled.close();
    }
  });
});

describe.skipIf(!haveChromium && !browserRequired)('GraphiQL in headless Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let tab: Page;
  // requests and sockets to another host (refused; the machine is offline anyway)
  const foreign = () => browser.problems.filter((problem) => problem.includes('another host'));

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`REQUIRE_BROWSER_TESTS=1 but ${CHROMIUM} is absent`);
    t = await startTestServer();
    browser = await openBrowser(new URL(t.url).origin, undefined, ['blob:']);
    tab = browser.page;
  }, 60_000);

  afterAll(async () => {
    if (browser !== undefined) await closeBrowsers([browser]);
    await t?.close();
  });

  /** Puts `text` into one of GraphiQL's CodeMirror editors. */
  const setEditor = (selector: string, text: string) =>
    tab.evaluate(
      ([selector, text]) => {
        // runs in the page; the test's TypeScript has no DOM types
        interface Editor {
          offsetParent: unknown;
          CodeMirror: { setValue(value: string): void };
        }
        const page = globalThis as unknown as {
          document: { querySelectorAll(selector: string): Iterable<Editor> };
        };
        // the visible one: the variables and headers editors share their panel
        const editor = [...page.document.querySelectorAll(`${selector} .CodeMirror`)].find(
          (candidate) => candidate.offsetParent !== null,
        );
        if (editor === undefined) throw new Error(`no visible editor at ${selector}`);
        editor.CodeMirror.setValue(text);
      },
      [selector, text] as const,
    );
  const response = () => tab.locator('.graphiql-response').innerText();
  /**
   * Puts `query` into the query editor and waits until GraphiQL has parsed it (it does so a
   * moment after a change, and picks HTTP or the socket from the parsed operation).
   */
  const setQuery = async (query: string) => {
    await setEditor('.graphiql-query-editor', query);
    await tab.waitForFunction((query) => {
      const page = globalThis as unknown as {
        document: {
          querySelector(selector: string): {
            CodeMirror: { documentAST?: { loc?: { source: { body: string } } } | null };
          } | null;
        };
      };
      const editor = page.document.querySelector('.graphiql-query-editor .CodeMirror');
      return editor?.CodeMirror.documentAST?.loc?.source.body === query;
    }, query);
  };
  const run = async (query: string, expected: string | RegExp) => {
    await setQuery(query);
    await tab.click('.graphiql-execute-button');
    await expect.poll(response, { timeout: 10_000 }).toMatch(expected);
  };

  it('loads from the API alone and runs queries with the session cookie and the headers editor', async () => {
    await tab.goto(t.url);
    await tab.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 30_000 });

    // a query runs and its result shows
    await run('{ serverInfo { version databaseDriver } }', /"databaseDriver": "(SQLITE|MARIADB)"/);

    // the session cookie set by logIn on this origin is sent with the next request
    const cookieUser = await createUser(t);
    await run(
      `mutation { logIn(email: "${cookieUser.email}", password: "${cookieUser.password}") { expiresAt } }`,
      /"expiresAt"/,
    );
    await run('{ me { email } }', new RegExp(cookieUser.email.replace(/[.+]/g, '\\$&')));

    // the headers editor: a Bearer token of another user wins over the cookie
    const bearerUser = await createUser(t);
    await tab.getByText('Headers', { exact: true }).click();
    // typed into the headers editor as a person would
    await tab.locator('.graphiql-editor-tool .CodeMirror >> visible=true').click();
    await tab.keyboard.insertText(JSON.stringify({ authorization: `Bearer ${bearerUser.token}` }));
    await run('{ me { email } }', new RegExp(bearerUser.email.replace(/[.+]/g, '\\$&')));

    expect(foreign()).toEqual([]);
  }, 90_000);
  it('shows a subscription event over graphql-ws at the same URL', async () => {
    // the page of the previous test: signed in by cookie, a Bearer in the headers editor
    const admin = await createUser(t, { role: UserRole.ADMIN });
    const before = await t.subscriptionsStarted();
    await setQuery('subscription { ping { message } }');
    await tab.click('.graphiql-execute-button');
    await t.waitForSubscriptions(before + 1);
    await t.request(SendPingDocument, { message: 'hello from the other side' }, admin.headers);
    await expect.poll(response, { timeout: 10_000 }).toMatch(/hello from the other side/);
    expect(foreign()).toEqual([]);
  }, 60_000);
});
