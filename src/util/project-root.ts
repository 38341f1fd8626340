import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  // the same code runs from src/ (tests, tsx) and from dist/src/ (npm start): walk up to package.json
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Absolute path of the repository (the folder holding package.json). */
export const PROJECT_ROOT = findRoot();

/** The version in package.json. */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** True when this module was loaded from TypeScript sources rather than the `dist/` build. */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');
