import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import { marks, type PlainReader } from '../../database/plain.js';
import {
  type Connection,
  decodeCursor,
  encodeCursor,
  PAGE_SIZE,
  SortOrder,
} from '../../graphql/connection.js';
import type { Scope } from '../../scope.js';
import { Notification, NotificationRead } from './notification.entity.js';
import { gradesFrom } from './notification.enums.js';
import type { NotificationsArgs } from './notification.inputs.js';
import { managedFamilies, NotificationAudience } from './notification.audience.js';

/** A notification as a page read it: a plain row with the viewer's read flag. */
export type NotificationRow = Notification & { read?: boolean };

/** The filters of a notification list, without paging. */
interface Filter {
  grades: readonly string[] | null;
  kinds: readonly string[] | null;
  from: Date | null;
  to: Date | null;
  unreadOnly: boolean;
  /** Alerts only the Carebot may see yet (grace window): listed for a device only. */
  withHeld: boolean;
}

/** The reader of read flags: a signed-in user (devices and others read nothing). */
function readerOf(ctx: Scope): number | null {
  return ctx.viewer.kind === 'user' ? ctx.viewer.userId : null;
}

/** The unfiltered list as `ctx`'s viewer sees it. */
function noFilter(ctx: Scope): Filter {
  return {
    grades: null,
    kinds: null,
    from: null,
    to: null,
    unreadOnly: false,
    withHeld: ctx.viewer.kind === 'device',
  };
}

function filterOf(ctx: Scope, args: NotificationsArgs): Filter {
  return {
    grades: args.minGrade == null ? null : gradesFrom(args.minGrade),
    kinds: args.kinds == null || args.kinds.length === 0 ? null : args.kinds,
    from: args.from ?? null,
    to: args.to ?? null,
    // unread for whom: only a user has read state
    unreadOnly: args.unreadOnly && readerOf(ctx) !== null,
    // last, like noFilter's: an unfiltered list shares its count with the unread count
    withHeld: ctx.viewer.kind === 'device',
  };
}

/**
 * `from … where …` of a filtered notification list of some families, with the viewer's read
 * marks joined (as `r`) when there is a viewer to read them.
 */
function source(
  plain: PlainReader,
  familyIds: readonly number[],
  filter: Filter,
  reader: number | null,
  /** Families whose MANAGERS notifications the viewer hears of; null: all (a device). */
  managed: readonly number[] | null,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  let sql = `from ${plain.table(Notification)} n`;
  if (reader !== null) {
    sql += ` left join ${plain.table(NotificationRead)} r on r.notification_id = n.id and r.user_id = ?`;
    params.push(reader);
  }
  sql += ` where n.family_id in (${marks(familyIds)})`;
  params.push(...familyIds);
  if (filter.grades !== null) {
    sql += ` and n.grade in (${marks(filter.grades)})`;
    params.push(...filter.grades);
  }
  if (filter.kinds !== null) {
    sql += ` and n.kind in (${marks(filter.kinds)})`;
    params.push(...filter.kinds);
  }
  if (filter.from !== null) {
    sql += ' and n.created_at >= ?';
    params.push(plain.date(filter.from));
  }
  if (filter.to !== null) {
    sql += ' and n.created_at < ?';
    params.push(plain.date(filter.to));
  }
  if (filter.unreadOnly) sql += ' and r.id is null';
  if (!filter.withHeld) sql += ' and n.device_only = 0';
  const unmanaged = managed === null ? [] : familyIds.filter((id) => !managed.includes(id));
  if (unmanaged.length > 0) {
    // a caregiver does not hear of what is for the managers only
    sql += ` and (n.audience = ? or n.family_id not in (${marks(unmanaged)}))`;
    params.push(NotificationAudience.FAMILY, ...unmanaged);
  }
  return { sql, params };
}

/**
 * The properties each field of `Notification` reads of its row, for the fields that read
 * nothing but their own columns; a field missing here (an alert's state, its timeline, a file
 * URL) makes a page select every column.
 */
const FIELD_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  __typename: [],
  id: [],
  family: [],
  createdAt: [],
  read: [],
  grade: ['grade'],
  kind: ['kind'],
  message: ['message'],
  image: ['imageId'],
  acknowledgedAt: ['acknowledgedAt'],
  acknowledgedBy: ['acknowledgedBy'],
};

/** What every page row carries: its key, the family the type's guard reads, the cursor's time. */
const ROW_PROPERTIES = ['id', 'family', 'createdAt'] as const;

/** The properties a page's nodes need, by the `notifications` field's AST node (see below). */
const selected = new WeakMap<FieldNode, readonly string[] | null>();

/**
 * The properties the nodes of a `notifications` page need to answer the query's selection, or
 * null for every readable column. A dashboard asks for five fields of the nineteen columns, on
 * each of twenty families' pages. Fragments are followed; a `@skip`/`@include` field counts as
 * asked (an extra column is harmless). Kept by the field's AST node: Apollo parses a query once,
 * so the walk runs once per query text, not per request.
 */
export function nodeProperties(info: GraphQLResolveInfo): readonly string[] | null {
  const first = info.fieldNodes[0];
  if (first !== undefined && selected.has(first)) return selected.get(first) ?? null;
  const properties = new Set<string>(ROW_PROPERTIES);
  let all = false;
  /** Calls `visit` with each field of `set`, through fragments. */
  const fieldsOf = (set: SelectionSetNode | undefined, visit: (field: FieldNode) => void) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) visit(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsOf(selection.selectionSet, visit);
      else fieldsOf(info.fragments[selection.name.value]?.selectionSet, visit);
    }
  };
  for (const connection of info.fieldNodes)
    fieldsOf(connection.selectionSet, (edges) => {
      if (edges.name.value !== 'edges') return;
      fieldsOf(edges.selectionSet, (node) => {
        if (node.name.value !== 'node') return;
        fieldsOf(node.selectionSet, (field) => {
          const reads = FIELD_PROPERTIES[field.name.value];
          if (reads === undefined) all = true;
          else for (const property of reads) properties.add(property);
        });
      });
    });
  const result = all ? null : [...properties].sort();
  if (first !== undefined) selected.set(first, result);
  return result;
}

/**
 * An edge whose cursor is encoded when the query reads it: a dashboard asks for nodes only,
 * and twenty pages of ten edges would encode two hundred cursors for nothing.
 */
class PageEdge {
  constructor(readonly node: NotificationRow) {}

  get cursor(): string {
    return encodeCursor(this.node.createdAt, this.node.id);
  }
}

/** A stable loader name for one filter (and page) of one viewer. */
function signature(kind: string, reader: number | null, ...parts: unknown[]): string {
  return `${kind}:${reader ?? '-'}:${JSON.stringify(parts)}`;
}

/**
 * How many notifications of a family match `filter` and how many of those the viewer has not
 * read: one grouped statement for every family of the operation (a dashboard's `totalCount`
 * and `unreadNotificationCount` share it when the list is unfiltered).
 */
function counts(
  ctx: Scope,
  familyId: number,
  filter: Filter,
): Promise<{ total: number; unread: number }> {
  const reader = readerOf(ctx);
  const { plain } = ctx.loaders;
  return ctx.loaders
    .batched(signature('notificationCounts', reader, filter), async (familyIds) => {
      const from = source(plain, familyIds, filter, reader, await managedFamilies(ctx));
      const rows = await plain.query(
        `select n.family_id as family_id, count(*) as total, ` +
          `${reader === null ? '0' : 'count(r.id)'} as read_count ${from.sql} group by n.family_id`,
        from.params,
      );
      const byFamily = new Map(
        rows.map((row) => {
          const total = Number(row['total']);
          return [Number(row['family_id']), { total, unread: total - Number(row['read_count']) }];
        }),
      );
      return familyIds.map((id) => byFamily.get(id) ?? { total: 0, unread: 0 });
    })
    .load(familyId);
}

/** Notifications of the family the viewer (a user) has not read; 0 for anyone else. */
export async function unreadNotificationCount(ctx: Scope, familyId: number): Promise<number> {
  if (readerOf(ctx) === null) return 0;
  return (await counts(ctx, familyId, noFilter(ctx))).unread;
}

/**
 * Whether {@link notificationPage} serves these arguments: pages read forwards (`first` and
 * `after`); pages from the end (`last`, `before`) go through the generic `paginate`.
 */
export function batchesPage(args: NotificationsArgs): boolean {
  return args.last == null && args.before == null;
}

/**
 * One page of a family's notifications read forwards, with the viewer's read flags: one
 * statement for the same page of every family of the operation (a window numbering each
 * family's matches in list order), and `totalCount` from {@link counts} only when asked.
 */
export async function notificationPage(
  ctx: Scope,
  familyId: number,
  args: NotificationsArgs,
  /** What the nodes need (see {@link nodeProperties}); null: every readable column. */
  properties: readonly string[] | null = null,
): Promise<Connection<NotificationRow>> {
  const reader = readerOf(ctx);
  const filter = filterOf(ctx, args);
  const order = args.order ?? SortOrder.DESC;
  const limit = args.first ?? PAGE_SIZE.default;
  const after = args.after == null ? null : decodeCursor(args.after, 'after');
  const { plain } = ctx.loaders;
  const rows =
    limit === 0
      ? []
      : await ctx.loaders
          .batched(
            signature('notificationPage', reader, filter, order, limit, after, properties),
            async (familyIds) => {
              const from = source(plain, familyIds, filter, reader, await managedFamilies(ctx));
              const direction = order === SortOrder.ASC ? 'asc' : 'desc';
              const params = [...from.params];
              let where = '';
              if (after !== null) {
                const op = order === SortOrder.ASC ? '>' : '<';
                const time = plain.date(new Date(after.t));
                where = ` and (n.created_at ${op} ? or (n.created_at = ? and n.id ${op} ?))`;
                params.push(time, time, after.id);
              }
              params.push(limit + 1);
              const raw = await plain.query(
                `select * from (select ${
                  properties === null
                    ? plain.columns(Notification, 'n')
                    : plain.columnsOf(Notification, 'n', properties)
                }, ` +
                  `${reader === null ? '0' : 'case when r.id is null then 0 else 1 end'} as read_flag, ` +
                  `row_number() over (partition by n.family_id order by n.created_at ${direction}, n.id ${direction}) as row_no ` +
                  `${from.sql}${where}) p where p.row_no <= ? order by p.family_id, p.row_no`,
                params,
              );
              const byFamily = new Map<number, NotificationRow[]>(familyIds.map((id) => [id, []]));
              for (const row of raw) {
                const notification = plain.row(Notification, row) as NotificationRow;
                notification.read = Number(row['read_flag']) === 1;
                byFamily.get(notification.family.id)?.push(notification);
              }
              return familyIds.map((id) => byFamily.get(id) ?? []);
            },
          )
          .load(familyId);
  const hasMore = rows.length > limit;
  const edges = rows.slice(0, limit).map((node) => new PageEdge(node));
  return {
    edges,
    pageInfo: {
      hasNextPage: hasMore,
      hasPreviousPage: after !== null,
      get startCursor(): string | null {
        return edges[0]?.cursor ?? null;
      },
      get endCursor(): string | null {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
    // counted only when the query asks for it (shared with unreadNotificationCount when unfiltered)
    get totalCount(): Promise<number> {
      return counts(ctx, familyId, filter).then(({ total }) => total);
    },
  } as unknown as Connection<NotificationRow>;
}
