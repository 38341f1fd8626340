// Removes what `tsc` once compiled into dist/ from a source that is gone (deleted, renamed, or
// left by another branch). The build is incremental and never empties dist/ (a running server
// may be using it), so without this a stale compiled migration would still be discovered and
// run, and a stale module still importable. Run after `tsc` by `npm run build`.
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { stdout } from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** The source a compiled file came from, or null for files tsc does not emit. */
function sourceOf(file) {
  const match = /^(.*)\.(js|js\.map|d\.ts|d\.ts\.map)$/.exec(file);
  if (match !== null) return [`${match[1]}.ts`, `${match[1]}.mts`, `${match[1]}.js`];
  if (file.endsWith('.json')) return [file]; // JSON modules are copied as they are
  return null;
}

let removed = 0;
function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // dist/web is Vite's output (tools/build-web.mjs), not tsc's
      if (path === join(dist, 'web')) continue;
      prune(path);
      if (readdirSync(path).length === 0) rmdirSync(path);
      continue;
    }
    const sources = sourceOf(relative(dist, path));
    if (sources === null || sources.some((source) => existsSync(join(root, source)))) continue;
    rmSync(path);
    removed += 1;
  }
}

if (existsSync(dist)) prune(dist);
if (removed > 0)
  stdout.write(`prune-dist: removed ${removed} compiled file(s) whose source is gone\n`);
