// Builds the web dashboard (web/) with Vite into dist/web, which the API serves at /app/. Run by
// `npm run build`; skips the build when nothing under web/ changed since the last one, so the
// scripts that build first (seed:demo, simulate:carebot, schema) stay quick.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { argv, exit } from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const out = join(root, 'dist', 'web');
const stamp = join(out, '.built');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sources = Math.max(newest(web), statSync(join(root, 'package-lock.json')).mtimeMs);
if (!argv.includes('--force') && existsSync(stamp) && statSync(stamp).mtimeMs >= sources) {
  exit(0);
}
const { build } = await import('vite');
await build({ configFile: join(web, 'vite.config.ts') });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
