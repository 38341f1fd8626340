import type { EntityName, FilterQuery } from '@mikro-orm/core';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ArgsType, type ClassType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { EntityManager } from '../database/orm.js';
import { openData, typePolicy } from '../auth/type-access.js';
import { BadUserInputError } from './errors.js';
import { PAGE_SIZE } from './page-size.js';

export { PAGE_SIZE };

export enum SortOrder {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortOrder, {
  name: 'SortOrder',
  description: 'Time order of a list.',
  valuesConfig: { ASC: { description: 'Oldest first.' }, DESC: { description: 'Newest first.' } },
});

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field({ description: 'More items follow the last edge (in list order).' })
  hasNextPage!: boolean;

  @Field({ description: 'More items come before the first edge (in list order).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge.' })
  endCursor!: string | null;
}

openData(PageInfo, 'cursors and flags of a page');

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds the `XConnection` and `XEdge` object types for a node type. */
export function connectionTypes<T extends object>(
  name: string,
  node: ClassType<T>,
  description: string,
) {
  @ObjectType(`${name}Edge`, { description: `One ${description} and its cursor.` })
  class EdgeType {
    @Field({ description: 'Opaque cursor for `after` / `before`.' })
    cursor!: string;

    @Field(() => node, { description: `The ${description}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${description}s (Relay connection).` })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The items of this page, in list order.' })
    edges!: Edge<T>[];

    @Field(() => PageInfo, { description: 'Where this page sits in the whole list.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many items the whole list (with its filters) has.' })
    totalCount!: number;
  }
  // a page holds no data of its own: each node is guarded by its own type's policy
  for (const type of [`${name}Edge`, `${name}Connection`]) {
    if (typePolicy(type) === undefined)
      openData(type, `a page of ${description}s; each node under ${name}'s own rule`);
  }
  return { EdgeType, ConnectionType };
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'Page size from the start (default 20, at most 100).',
  })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'must be at least 0' })
  @Max(PAGE_SIZE.max, { message: `must be at most ${PAGE_SIZE.max}` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Items after this cursor.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page size from the end (at most 100).' })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'must be at least 0' })
  @Max(PAGE_SIZE.max, { message: `must be at most ${PAGE_SIZE.max}` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Items before this cursor.' })
  before?: string | null;
}

@ArgsType()
export class TimeRangeArgs extends PageArgs {
  @Field(() => Date, { nullable: true, description: 'Only items at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only items before this time.' })
  to?: Date | null;

  @Field(() => SortOrder, {
    nullable: true,
    defaultValue: SortOrder.DESC,
    description: 'Time order (default newest first).',
  })
  order?: SortOrder | null;
}

export interface CursorValue {
  t: number;
  id: number;
}

export function encodeCursor(time: Date, id: number): string {
  return Buffer.from(`${time.getTime()}:${id}`).toString('base64url');
}

/** Reads a cursor of {@link encodeCursor}; BAD_USER_INPUT naming `field` otherwise. */
export function decodeCursor(cursor: string, field: string): CursorValue {
  const match = /^(-?\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw BadUserInputError.field(field, 'is not a cursor from this list');
  return { t: Number(match[1]), id: Number(match[2]) };
}

/**
 * Keyset pagination over `(timeField, id)` in either order, with `first/after` and
 * `last/before`, a time range and an exact `totalCount`. Rows come back as plain entities of
 * `entity`; `where` must already hold every authorization filter.
 */
export async function paginate<T extends { id: number }>(options: {
  em: EntityManager;
  entity: EntityName<T>;
  where: FilterQuery<T>;
  timeField: keyof T & string;
  args: TimeRangeArgs | PageArgs;
  order?: SortOrder | null | undefined;
  populate?: readonly string[];
}): Promise<Connection<T>> {
  const { em, entity, timeField, args } = options;
  if (args.first != null && args.last != null) {
    throw BadUserInputError.field('last', 'cannot be combined with first');
  }
  const order =
    options.order ?? ('order' in args && args.order != null ? args.order : SortOrder.DESC);
  const range: Record<string, unknown> = {};
  if ('from' in args && args.from != null) range['$gte'] = args.from;
  if ('to' in args && args.to != null) range['$lt'] = args.to;
  const base = (
    Object.keys(range).length > 0
      ? { $and: [options.where, { [timeField]: range }] }
      : options.where
  ) as FilterQuery<T>;

  const backwards = args.last != null || (args.before != null && args.first == null);
  const limit = (backwards ? args.last : args.first) ?? PAGE_SIZE.default;
  // the direction we actually scan in: list order, or its reverse when paging from the end
  const ascending = (order === SortOrder.ASC) !== backwards;
  const cursorArg = backwards ? args.before : args.after;
  const conditions: unknown[] = [base];
  if (cursorArg != null) {
    const cursor = decodeCursor(cursorArg, backwards ? 'before' : 'after');
    const time = new Date(cursor.t);
    const op = ascending ? '$gt' : '$lt';
    conditions.push({
      $or: [{ [timeField]: { [op]: time } }, { [timeField]: time, id: { [op]: cursor.id } }],
    });
  }
  const direction = ascending ? 'asc' : 'desc';
  const [rows, totalCount] = await Promise.all([
    limit === 0
      ? Promise.resolve([] as T[])
      : (em.find(entity, { $and: conditions } as FilterQuery<T>, {
          orderBy: { [timeField]: direction, id: direction } as never,
          limit: limit + 1,
          ...(options.populate === undefined ? {} : { populate: options.populate as never }),
        }) as Promise<T[]>),
    em.count(entity, base),
  ]);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backwards) page.reverse();
  const edges = page.map((node) => ({
    cursor: encodeCursor(node[timeField] as unknown as Date, node.id),
    node,
  }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: backwards ? args.before != null : hasMore,
      hasPreviousPage: backwards ? hasMore : args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
