import { type EntityClass, type EntityMetadata, ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from './orm.js';

/**
 * Plain rows for reads that write nothing: the columns an entity's GraphQL type can show, turned
 * into an object shaped like the entity (property names, dates as `Date`, a many-to-one as
 * `{ id }`, which is all resolvers read of a relation) without the unit of work — no identity map,
 * no change tracking, no hydration. Writes keep loading managed entities.
 */

/**
 * A record as a field resolver receives it: an entity or a plain row. Declare `@Root()` with it:
 * type-graphql turns a root that is not an instance of the parameter's reflected class into one
 * (`new Entity()` and a copy, MikroORM's property setters included) on every field it resolves;
 * an intersection type reflects as `Object`, so the row passes as it is.
 */
export type Plain<T> = T & { readonly [plainRow]?: never };
declare const plainRow: unique symbol;

/** `?, ?, …` for a list of values. */
export function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** Raw rows as the driver returns them (column names). */
export type RawRow = Record<string, unknown>;

/** The columns a plain read selects: every mapped column but hidden ones (secrets) and lazy ones. */
function readableColumns(meta: EntityMetadata): string[] {
  return meta.props
    .filter(
      (prop) =>
        prop.fieldNames !== undefined &&
        prop.persist !== false &&
        prop.hidden !== true &&
        prop.lazy !== true &&
        (prop.kind === ReferenceKind.SCALAR ||
          prop.kind === ReferenceKind.EMBEDDED ||
          prop.kind === ReferenceKind.MANY_TO_ONE ||
          (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner === true)),
    )
    .flatMap((prop) => prop.fieldNames);
}

/** `columns()` lists by entity, alias and prefix: built once per process, not per request. */
const columnLists = new Map<string, string>();
/** Table names (by entity) and columns (by `entity.property`), likewise. */
const names = new Map<string, string>();

/** See {@link PlainReader.shape}. */
interface Shape {
  pkColumn: string | undefined;
  columns: [prefixed: string, column: string][];
}
const shapes = new Map<string, Shape>();

/** Reads rows of one entity's table the plain way, for one request's EntityManager. */
export class PlainReader {
  constructor(private readonly em: EntityManager) {}

  private meta<T extends object>(entity: EntityClass<T>): EntityMetadata<T> {
    return this.em.getMetadata().get(entity);
  }

  /** `alias.col, …` of the readable columns, each as `prefix + col` when a prefix is given. */
  columns(entity: EntityClass<object>, alias: string, prefix = ''): string {
    const key = `${entity.name}|${alias}|${prefix}`;
    let list = columnLists.get(key);
    if (list === undefined) {
      list = readableColumns(this.meta(entity))
        .map((column) =>
          prefix === ''
            ? `${alias}.\`${column}\``
            : `${alias}.\`${column}\` as \`${prefix}${column}\``,
        )
        .join(', ');
      columnLists.set(key, list);
    }
    return list;
  }

  /** The column of a property, unquoted. */
  column(entity: EntityClass<object>, property: string): string {
    const key = `${entity.name}.${property}`;
    let column = names.get(key);
    if (column === undefined) {
      const props = this.meta(entity).properties as Record<string, { fieldNames: string[] }>;
      column = props[property]?.fieldNames[0];
      if (column === undefined) throw new Error(`${entity.name} has no column ${property}`);
      names.set(key, column);
    }
    return column;
  }

  /** The table name of an entity, quoted. */
  table(entity: EntityClass<object>): string {
    let table = names.get(entity.name);
    if (table === undefined) {
      table = `\`${this.meta(entity).tableName}\``;
      names.set(entity.name, table);
    }
    return table;
  }

  /** Runs one statement (values bound through the driver) in this request's logging context. */
  async query(sql: string, params: readonly unknown[]): Promise<RawRow[]> {
    return this.em.execute<RawRow[]>(sql, [...params], 'all', this.em.getLoggerContext());
  }

  /**
   * The primary-key column of an entity and, for a prefix, each `prefix + column` of its
   * readable columns with the column it stands for: built once per process, so a row is not
   * scanned key by key for its prefix.
   */
  private shape(entity: EntityClass<object>, meta: EntityMetadata, prefix: string): Shape {
    const key = `${entity.name}|${prefix}`;
    let shape = shapes.get(key);
    if (shape === undefined) {
      const pk = meta.primaryKeys[0];
      shape = {
        pkColumn: pk === undefined ? undefined : meta.properties[pk]?.fieldNames[0],
        columns: readableColumns(meta).map((column) => [`${prefix}${column}`, column]),
      };
      shapes.set(key, shape);
    }
    return shape;
  }

  /** A date as the driver stores it (SQLite keeps epoch milliseconds). */
  date(value: Date): unknown {
    return this.em.getPlatform().processDateProperty(value);
  }

  /**
   * One raw row (or the `prefix`ed columns of a joined row) as a plain object shaped like the
   * entity; null when the row holds no such record (an outer join found nothing).
   */
  row<T extends object>(entity: EntityClass<T>, raw: RawRow, prefix = ''): T | null {
    const meta = this.meta(entity);
    const shape = this.shape(entity, meta, prefix);
    let source = raw;
    if (prefix !== '') {
      source = {};
      for (const [from, to] of shape.columns) {
        const value = raw[from];
        if (value !== undefined) source[to] = value;
      }
    }
    const { pkColumn } = shape;
    if (pkColumn !== undefined && (source[pkColumn] === null || source[pkColumn] === undefined))
      return null;
    const mapped = this.em.getDriver().mapResult(source as never, meta) as Record<string, unknown>;
    for (const prop of meta.relations) {
      if (prop.kind !== ReferenceKind.MANY_TO_ONE && prop.kind !== ReferenceKind.ONE_TO_ONE)
        continue;
      if (prop.mapToPk === true) continue;
      const value = mapped[prop.name];
      if (value !== null && value !== undefined && typeof value !== 'object')
        mapped[prop.name] = { id: value };
    }
    return mapped as T;
  }
}
