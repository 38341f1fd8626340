import { mkdirSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { dirname, isAbsolute, join } from 'node:path';
import {
  type Configuration,
  type Constructor,
  DataloaderType,
  DefaultLogger,
  type LogContext,
  type LoggerOptions,
  type Options,
} from '@mikro-orm/core';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { Migrator } from '@mikro-orm/migrations';
import { AbstractSqlDriver, MikroORM, type SqlEntityManager, SqlitePlatform } from '@mikro-orm/sql';
import { MikroORM as SqliteMikroORM, SqliteConnection } from '@mikro-orm/sqlite';
import type { Tracer } from '@opentelemetry/api';
import type { Config, DatabaseDriver } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { recordStatement } from '../observability/tracing.js';
import { PROJECT_ROOT, RUNNING_FROM_SOURCE } from '../util/project-root.js';
import { collateFileIds } from '../modules/file/file.references.js';
import { syncRegions } from '../modules/region/region.sync.js';
import { entities } from './entities.js';

export type Orm = MikroORM;
export type EntityManager = SqlEntityManager;

export interface OrmOptions {
  database: Config['database'];
  dbPoolMax: number;
  dbDebug: boolean;
  logger?: Logger | undefined;
  /** Records every statement run inside a trace as a span (tracing on). */
  tracer?: Tracer | undefined;
  /**
   * Receives every SQL statement with its logger context (`requestId` for statements of a GraphQL
   * operation; none for background jobs); used by tests to count a request's statements.
   */
  onQuery?: ((sql: string, context: LogContext) => void) | undefined;
}

/**
 * SQLite with NUL-safe literals. MikroORM 7 binds no parameters on any driver: its SQL layer
 * replaces each `?` with `platform.quoteValue(value)` and hands kysely the finished text
 * (`AbstractSqlConnection.execute` → `CompiledQuery.raw(formatted)`). MariaDB's escaping writes
 * NUL as `\0`; SQLite's only doubles quotes, and a raw NUL inside a literal ends SQLite's
 * tokenizer ("unrecognized token"). SQLite has no escape for NUL, so a string holding one is
 * written as an expression: `('a' || char(0) || 'b')`. (The GraphQL layer refuses such text
 * anyway; this keeps every other writer — jobs, scripts, devices' files — correct.)
 */
class NulSafeSqlitePlatform extends SqlitePlatform {
  override escape(value: unknown): string {
    if (typeof value === 'string' && value.includes('\0')) {
      return `(${value
        .split('\0')
        .map((part) => super.escape(part))
        .join(' || char(0) || ')})`;
    }
    return super.escape(value);
  }
}

/** `@mikro-orm/sqlite`'s driver (better-sqlite3) on {@link NulSafeSqlitePlatform}. */
export class SqliteDriver extends AbstractSqlDriver<SqliteConnection, SqlitePlatform> {
  constructor(config: Configuration) {
    super(config, new NulSafeSqlitePlatform(), SqliteConnection, ['kysely', 'better-sqlite3']);
  }

  override getORMClass(): Constructor<MikroORM> {
    return SqliteMikroORM;
  }
}

/**
 * MikroORM's logger, handing statements to `onQuery` (with their context) when it is set, and to
 * tracing. The ORM reports every statement here, whatever its debug setting, after it ran.
 */
class OrmLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly onQuery: OrmOptions['onQuery'],
    private readonly tracing: { tracer: Tracer; system: DatabaseDriver } | undefined,
  ) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    // the slow-query log reports a statement a second time
    if (this.tracing !== undefined && context.namespace !== 'slow-query') {
      recordStatement(
        this.tracing.tracer,
        this.tracing.system,
        // with `query-params` debugging (DB_DEBUG) the text has the values filled in: leave it out
        this.isEnabled('query-params', context) ? undefined : context.query,
        context.took,
        context.level === 'error',
      );
    }
    if (this.onQuery === undefined) super.logQuery(context);
    else this.onQuery(context.query, context);
  }
}

function migrationsOptions(driver: DatabaseDriver): Options['migrations'] {
  return {
    tableName: 'mikro_orm_migrations',
    // generated SQL is dialect-specific: one folder per driver
    path: join(PROJECT_ROOT, 'dist', 'migrations', driver),
    pathTs: join(PROJECT_ROOT, 'migrations', driver),
    glob: '!(*.d).{js,ts}',
    emit: 'ts',
    snapshot: false,
    snapshotOnMigrate: false,
    transactional: true,
    allOrNothing: true,
  };
}

/** MikroORM options for the configured database; shared by the server, scripts and the CLI. */
export function ormOptions(options: OrmOptions): Partial<Options> {
  const { database, logger } = options;
  const common: Partial<Options> = {
    entities,
    metadataProvider: ReflectMetadataProvider,
    discovery: {
      warnWhenNoEntities: false,
      // file ids compare exactly on both databases (binary collation on MariaDB)
      afterDiscovered: collateFileIds,
    },
    extensions: [Migrator],
    migrations: migrationsOptions(database.driver),
    preferTs: RUNNING_FROM_SOURCE,
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    // the request's EntityManager is always an explicit fork; the global one must never be used
    allowGlobalContext: false,
    debug: options.onQuery === undefined ? options.dbDebug : ['query'],
    loggerFactory: (loggerOptions: LoggerOptions) =>
      new OrmLogger(
        {
          ...loggerOptions,
          // the default logger colours its namespace label when the terminal allows
          writer: (message: string) =>
            logger?.debug({ component: 'orm' }, stripVTControlCharacters(message)),
        },
        options.onQuery,
        options.tracer === undefined
          ? undefined
          : { tracer: options.tracer, system: database.driver },
      ),
  };
  if (database.driver === 'sqlite') {
    const file = isAbsolute(database.path) ? database.path : join(process.cwd(), database.path);
    return { ...common, driver: SqliteDriver, dbName: file };
  }
  return {
    ...common,
    driver: MariaDbDriver,
    clientUrl: database.url,
    pool: { min: 0, max: options.dbPoolMax },
    timezone: '+00:00',
  };
}

/** Connects to the configured database. */
export async function createOrm(options: OrmOptions): Promise<Orm> {
  if (options.database.driver === 'sqlite' && options.database.path !== ':memory:') {
    const file = isAbsolute(options.database.path)
      ? options.database.path
      : join(process.cwd(), options.database.path);
    mkdirSync(dirname(file), { recursive: true });
  }
  return (await MikroORM.init(ormOptions(options))) as Orm;
}

/** Applies every pending migration, then brings reference data up to date; returns the migrations applied. */
export async function migrateUp(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  await syncRegions(orm.em.fork());
  return applied.map((migration) => migration.name);
}
