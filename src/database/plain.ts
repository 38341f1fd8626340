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

/**
 * How one raw row (or its `prefix`ed columns) becomes a plain record, built once per entity and
 * prefix: what MikroORM's result mapper does (booleans, dates, property names) for the props it
 * handles, without its per-row bookkeeping, the prefix copy and the metadata lookups. A dashboard
 * of 20 families maps about 400 rows per request. `null` for an entity with a kind of property
 * this does not map (embedded, polymorphic, composite keys): those rows go through MikroORM's.
 */
interface Mapper {
  pkColumn: string | undefined;
  /** Raw column → property: how to turn the value. */
  props: { column: string; name: string; kind: 'value' | 'boolean' | 'date' | 'reference' }[];
  /** Raw columns the props read, so the others pass through as MikroORM's mapper lets them. */
  known: Set<string>;
}
const mappers = new Map<EntityClass<object>, Map<string, Mapper | null>>();

/** See {@link PlainReader.shape} (the fallback path). */
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

  /**
   * `alias.col, …` of some properties' columns only (a read that knows which fields the query
   * shows), built once per process for each set.
   */
  columnsOf(entity: EntityClass<object>, alias: string, properties: readonly string[]): string {
    const key = `${entity.name}|${alias}|=${properties.join(',')}`;
    let list = columnLists.get(key);
    if (list === undefined) {
      list = properties
        .map((property) => `${alias}.\`${this.column(entity, property)}\``)
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
    let byPrefix = mappers.get(entity);
    if (byPrefix === undefined) {
      byPrefix = new Map();
      mappers.set(entity, byPrefix);
    }
    let mapper = byPrefix.get(prefix);
    if (mapper === undefined) {
      mapper = this.mapper(this.meta(entity), prefix);
      byPrefix.set(prefix, mapper);
    }
    if (mapper === null) return this.mappedByOrm(entity, raw, prefix);
    const { pkColumn } = mapper;
    if (pkColumn !== undefined && (raw[pkColumn] === null || raw[pkColumn] === undefined))
      return null;
    const mapped: Record<string, unknown> = {};
    let present = 0;
    for (const { column, name, kind } of mapper.props) {
      const value = raw[column];
      if (value === undefined) continue;
      present += 1;
      if (value === null) mapped[name] = null;
      else if (kind === 'value') mapped[name] = value;
      else if (kind === 'boolean') mapped[name] = !!value;
      else if (kind === 'date') mapped[name] = this.parseDate(value);
      else mapped[name] = typeof value === 'object' ? value : { id: value };
    }
    // extra columns of the statement (a read flag, a row number) stay on an unprefixed row
    if (prefix === '') {
      // counting the row's columns is cheap; looking each up only pays when there are extras
      let columns = 0;
      for (const _ in raw) columns += 1;
      if (columns > present)
        for (const key in raw)
          if (!mapper.known.has(key) && mapped[key] === undefined) mapped[key] = raw[key];
    }
    return mapped as T;
  }

  /** A date column's value as MikroORM's result mapper parses it (stored in UTC, no zone). */
  private parseDate(value: unknown): unknown {
    if (value instanceof Date) return value;
    const platform = this.em.getPlatform();
    if (typeof value === 'bigint') return platform.parseDate(Number(value));
    const tz = platform.getTimezone();
    if (
      tz === undefined ||
      tz === 'local' ||
      typeof value === 'number' ||
      (typeof value === 'string' &&
        (value.includes('+') || value.lastIndexOf('-') > 10 || value.endsWith('Z')))
    )
      return platform.parseDate(value as string);
    return platform.parseDate(`${String(value)}${tz}`);
  }

  /** See {@link Mapper}. */
  private mapper(meta: EntityMetadata, prefix: string): Mapper | null {
    const platform = this.em.getPlatform();
    const props: Mapper['props'] = [];
    for (const prop of meta.props) {
      if (prop.fieldNames === undefined) continue;
      if (
        prop.fieldNames.length !== 1 ||
        prop.polymorphic === true ||
        prop.embedded !== undefined ||
        prop.kind === ReferenceKind.EMBEDDED ||
        (meta.polymorphs !== undefined && meta.discriminatorColumn !== undefined)
      )
        return null;
      const column = `${prefix}${prop.fieldNames[0]}`;
      const reference =
        (prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE) &&
        prop.mapToPk !== true;
      props.push({
        column,
        name: prop.name,
        kind: reference
          ? 'reference'
          : prop.runtimeType === 'boolean'
            ? 'boolean'
            : prop.runtimeType === 'Date' && !platform.isNumericProperty(prop)
              ? 'date'
              : 'value',
      });
    }
    const pk = meta.primaryKeys[0];
    const pkField = pk === undefined ? undefined : meta.properties[pk]?.fieldNames[0];
    return {
      pkColumn: pkField === undefined ? undefined : `${prefix}${pkField}`,
      props,
      known: new Set(props.map((prop) => prop.column)),
    };
  }

  /** {@link row} through MikroORM's result mapper (entities {@link mapper} does not map). */
  private mappedByOrm<T extends object>(
    entity: EntityClass<T>,
    raw: RawRow,
    prefix: string,
  ): T | null {
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
