import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Express, Request, Response } from 'express';
import type { Config } from '../config.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * The files the IDE page loads, all from npm packages installed with the API and served by the
 * API itself under {@link ASSET_PATH}: nothing comes from a CDN, so the IDE works offline.
 * GraphiQL's UMD build expects React and ReactDOM as globals (React 18 still ships UMD builds).
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: join(packageDir('react'), 'umd/react.production.min.js'), type: 'js' },
  'react-dom.js': {
    file: join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
    type: 'js',
  },
  'graphiql.js': { file: join(packageDir('graphiql'), 'graphiql.min.js'), type: 'js' },
  'graphiql.css': { file: join(packageDir('graphiql'), 'graphiql.min.css'), type: 'css' },
  'graphql-ws.js': { file: join(packageDir('graphql-ws'), 'umd/graphql-ws.min.js'), type: 'js' },
};

/** Where the IDE's assets are served. */
export const ASSET_PATH = '/graphiql';

/**
 * Starts GraphiQL on the page's own origin: queries and mutations over HTTP POST to `/graphql`
 * (the browser sends the session cookie itself; the headers editor adds e.g. `Authorization`),
 * subscriptions over graphql-ws at the same URL (the upgrade request carries the cookie too).
 */
const START_SCRIPT = `
const url = new URL('/graphql', location.href).href;
const wsClient = graphqlWs.createClient({
  url: url.replace(/^http/, 'ws'),
  lazy: true,
  retryAttempts: 3,
  // a Bearer token from the headers editor, if any, as the socket's credential
  connectionParams: () => {
    try {
      // GraphiQL keeps each tab's headers text in its persisted tab state
      const state = JSON.parse(localStorage.getItem('graphiql:tabState') || '{}');
      const tab = (state.tabs || [])[state.activeTabIndex || 0] || {};
      const headers = JSON.parse(tab.headers || localStorage.getItem('graphiql:headers') || '{}');
      const authorization = headers.authorization || headers.Authorization;
      return authorization ? { authorization } : {};
    } catch {
      return {};
    }
  },
});
const fetcher = GraphiQL.createFetcher({ url, wsClient });
const defaultQuery = '# Carebot API: queries and mutations go over HTTP, subscriptions over graphql-ws.\\n' +
  '# Log in with the logIn mutation (the session cookie is set on this origin), or put\\n' +
  '# {"authorization": "Bearer <token>"} in the Headers tab.\\n\\n' +
  '{\\n  serverInfo {\\n    version\\n    databaseDriver\\n    uptimeSeconds\\n  }\\n}\\n';
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery,
    defaultEditorToolsVisibility: false,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  }),
);
`;

function page(): string {
  const script = (name: string) => `<script src="${ASSET_PATH}/${name}"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Carebot API · GraphiQL</title>
<link rel="stylesheet" href="${ASSET_PATH}/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
${['react.js', 'react-dom.js', 'graphiql.js', 'graphql-ws.js'].map(script).join('\n')}
${script('start.js')}
</body>
</html>
`;
}

/** True for a browser asking for a page (Apollo's own landing-page rule). */
function wantsHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

/**
 * `GET /graphql` from a browser serves GraphiQL when `config.graphqlIde` is on (default outside
 * production; `GRAPHQL_IDE`); every other request goes on to Apollo. With the IDE off outside
 * production the page says so, instead of Apollo's landing page (which loads from CDNs).
 * Mount before the GraphQL middleware.
 */
export function mountGraphiql(expressApp: Express, config: Config): void {
  const html = page();
  expressApp.get('/graphql', (req: Request, res: Response, next) => {
    if (!wantsHtml(req)) {
      next();
      return;
    }
    if (config.graphqlIde) {
      res.type('html').set('cache-control', 'no-store').send(html);
    } else if (config.env !== 'production') {
      res.status(404).type('text/plain').send('The GraphQL IDE is off (GRAPHQL_IDE=false).');
    } else {
      next();
    }
  });
  if (!config.graphqlIde) return;
  expressApp.get(`${ASSET_PATH}/start.js`, (_req, res) => {
    res.type('js').set('cache-control', 'no-cache').send(START_SCRIPT);
  });
  expressApp.get(`${ASSET_PATH}/:name`, (req, res, next) => {
    const asset = ASSETS[req.params.name];
    if (asset === undefined) {
      next();
      return;
    }
    res.type(asset.type).sendFile(asset.file, { maxAge: '1h' });
  });
}
