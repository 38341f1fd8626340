import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { createOrm, migrateUp } from '../database/orm.js';

/**
 * `npm run migrate` applies pending migrations to the configured database.
 * `npm run migration:create [-- name]` writes a new migration for the configured driver into
 * migrations/<driver>/, from the difference between the entities and a database that has every
 * existing migration applied (a throwaway SQLite file for the embedded driver).
 */
const [command = 'up', name] = process.argv.slice(2);
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const scratch =
  config.database.driver === 'sqlite' && command === 'create'
    ? mkdtempSync(join(tmpdir(), 'carebot-migration-'))
    : undefined;
const database =
  scratch === undefined
    ? config.database
    : { driver: 'sqlite' as const, path: join(scratch, 'scratch.sqlite') };
const orm = await createOrm({ database, dbPoolMax: 2, dbDebug: false });
try {
  // before `create` the newest entities may have no table yet: reference data waits for a real `up`
  const applied =
    command === 'create' ? (await orm.migrator.up()).map((m) => m.name) : await migrateUp(orm);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'no pending migrations');
  if (command === 'create') {
    const result = await orm.migrator.create(undefined, false, false, name);
    console.log(
      result.diff.up.length > 0
        ? `created ${result.fileName}`
        : 'no schema changes: nothing created',
    );
  } else if (command !== 'up') {
    console.error(`unknown command "${command}": use up or create`);
    process.exitCode = 2;
  }
} finally {
  await orm.close();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
}
