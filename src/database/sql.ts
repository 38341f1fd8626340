import { BaseMySqlPlatform } from '@mikro-orm/sql';
import type { EntityKey, EntityName } from '@mikro-orm/core';
import type { EntityManager } from './orm.js';
import type { RawRow } from './plain.js';

/** Runs one statement with bound values, in the caller's logging context. */
export function query(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
): Promise<RawRow[]> {
  return em.execute<RawRow[]>(sql, [...params], 'all', em.getLoggerContext());
}

/** A date as the driver stores it (SQLite keeps epoch milliseconds). */
export function dbDate(em: EntityManager, value: Date): unknown {
  return em.getPlatform().processDateProperty(value);
}

/** True on MariaDB/MySQL, false on SQLite. */
export function isMySql(em: EntityManager): boolean {
  return em.getPlatform() instanceof BaseMySqlPlatform;
}

/**
 * Whole seconds since the epoch of a datetime column, as an SQL expression: SQLite stores epoch
 * milliseconds; MariaDB's datetime is UTC here, and `timestampdiff` ignores the session zone.
 */
export function epochSeconds(em: EntityManager, column: string): string {
  return isMySql(em)
    ? `timestampdiff(second, '1970-01-01 00:00:00', ${column})`
    : `(${column} / 1000)`;
}

/** A date read by a raw statement: drivers give a Date, an epoch number or text. */
export function readDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value !== 'string') return null;
  const text = value;
  if (/^\d+$/.test(text)) return new Date(Number(text));
  // MariaDB's `YYYY-MM-DD hh:mm:ss.mmm` is UTC here (the connection's time zone is +00:00)
  return new Date(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How many rows of `entity` have `dateProperty` on each of `days` (UTC midnights, ascending,
 * consecutive): one grouped statement for the whole range, zeros for empty days.
 */
export async function countPerDay<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  dateProperty: EntityKey<T>,
  days: readonly Date[],
): Promise<number[]> {
  const [first] = days;
  if (first === undefined) return [];
  const meta = em.getMetadata().get(entity);
  const platform = em.getPlatform();
  const column = platform.quoteIdentifier(meta.properties[dateProperty].fieldNames[0]!);
  const table = platform.quoteIdentifier(meta.tableName);
  const dayOf = isMySql(em)
    ? `timestampdiff(day, '1970-01-01 00:00:00', ${column})`
    : `(${column} / ${DAY_MS})`;
  const end = new Date(days[days.length - 1]!.getTime() + DAY_MS);
  const rows = await query(
    em,
    `select ${dayOf} as day, count(*) as n from ${table}` +
      ` where ${column} >= ? and ${column} < ? group by ${dayOf}`,
    [dbDate(em, first), dbDate(em, end)],
  );
  const counts = new Map(rows.map((row) => [Number(row['day']), Number(row['n'])]));
  return days.map((day) => counts.get(Math.floor(day.getTime() / DAY_MS)) ?? 0);
}
