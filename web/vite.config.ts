import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Built by `npm run build` (tools/build-web.mjs) into dist/web and served by the API at /app/
// (src/web/web-app.ts). Two pages: the dashboard, and the mock Carebot (development only).
export default defineConfig({
  root: here('.'),
  base: '/app/',
  // no plugin needed for React's automatic JSX runtime: Vite's own transform does it
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    // no inline data: URLs for fonts or icons either; everything is a file under /app/assets
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: { index: here('index.html'), 'mock-carebot': here('mock-carebot.html') },
      // a slow plugin only means a busy machine here; the build log stays quiet
      checks: { bundlerTimings: false },
    },
  },
});
