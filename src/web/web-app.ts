import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { Config } from '../config.js';
import { PROJECT_ROOT } from '../util/project-root.js';

/** Where the dashboard is served; Vite builds it with this base (web/vite.config.ts). */
export const WEB_APP_PATH = '/app';

/** What `npm run build` (tools/build-web.mjs, Vite) writes the dashboard to. */
export const WEB_APP_DIR = join(PROJECT_ROOT, 'dist', 'web');

/**
 * Serves the dashboard (web/, built by Vite) at `/app/` from the API's own origin, so the session
 * cookie and the WebSocket's same-origin check just work. Hashed assets are cached for good;
 * every other path under `/app/` is a screen of the single-page app and gets index.html. The mock
 * Carebot page is a separate entry, served only when `config.webMockCarebot` (outside production,
 * or `WEB_MOCK_CAREBOT=true`): production users never load a device client.
 */
export function mountWebApp(expressApp: Express, config: Config, dir = WEB_APP_DIR): void {
  const indexFile = join(dir, 'index.html');
  const mockFile = join(dir, 'mock-carebot.html');
  // read per request when missing at start: `npm run build` may finish after the server started
  const send = (file: string, res: express.Response) => {
    if (!existsSync(file)) {
      res
        .status(404)
        .type('text/plain')
        .send('The web app is not built: run npm run build (it builds web/ into dist/web).');
      return;
    }
    res.type('html').set('cache-control', 'no-cache').send(readFileSync(file));
  };
  // `/app` → `/app/`, so the page's relative URLs resolve under /app/ (Express matches `/app`
  // for both spellings, hence the check on the raw path)
  expressApp.get(WEB_APP_PATH, (req, res, next) => {
    if (req.path === WEB_APP_PATH) res.redirect(301, `${WEB_APP_PATH}/`);
    else next();
  });
  expressApp.get(
    [`${WEB_APP_PATH}/mock-carebot`, `${WEB_APP_PATH}/mock-carebot.html`],
    (_req, res) => {
      if (config.webMockCarebot) send(mockFile, res);
      else res.status(404).type('text/plain').send('Not found');
    },
  );
  // nor its script (the build names it mock-carebot-<hash>.js)
  if (!config.webMockCarebot)
    expressApp.get(`${WEB_APP_PATH}/assets/mock-carebot-{*rest}`, (_req, res) => {
      res.status(404).type('text/plain').send('Not found');
    });
  expressApp.use(
    `${WEB_APP_PATH}/assets`,
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }),
  );
  expressApp.get(`${WEB_APP_PATH}/{*screen}`, (_req, res) => send(indexFile, res));
}
