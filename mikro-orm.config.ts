import { loadConfig } from './src/config.js';
import { ormOptions } from './src/database/orm.js';

/**
 * MikroORM configuration for tools that look for `mikro-orm.config.ts` (the MikroORM CLI, IDE
 * plugins). The application itself builds the same options through `ormOptions()`; use
 * `npm run migrate` and `npm run migration:create` for migrations.
 */
const config = loadConfig();
export default ormOptions({
  database: config.database,
  dbPoolMax: config.dbPoolMax,
  dbDebug: config.dbDebug,
});
