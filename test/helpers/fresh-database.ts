import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config.js';
import { freshMariaDb } from './test-server.js';

/**
 * A fresh, empty database of the configured test driver (for tests that apply migrations one
 * by one), and its removal.
 */
export async function freshDatabase(
  prefix: string,
): Promise<{ database: Config['database']; drop(): Promise<void> }> {
  const url = process.env['TEST_DATABASE_URL'];
  if (url !== undefined && url !== '') {
    const db = await freshMariaDb(url);
    return { database: { driver: 'mariadb', url: db.url }, drop: () => db.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    database: { driver: 'sqlite', path: join(dir, 'test.sqlite') },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
