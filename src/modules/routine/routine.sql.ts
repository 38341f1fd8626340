// the dialect helpers moved to src/database/sql.ts (other modules use them too)
export { dbDate, epochSeconds, isMySql, query, readDate } from '../../database/sql.js';
