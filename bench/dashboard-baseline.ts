import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { createPool } from 'mariadb';

/**
 * The hand-written baseline of `bench:dashboard`: `node:http` and a database driver, no
 * framework, no ORM, no GraphQL. It answers the one dashboard query of the bench with the JSON
 * the API returns, after the API's session check (SHA-256 of the bearer token looked up in
 * `session`, idle and absolute expiry, suspension, `last_seen_at` touched at most once a
 * minute). On MariaDB through the `mariadb` driver, on SQLite through better-sqlite3 (the
 * driver under MikroORM's SQLite driver) on the same file. Run as its own process:
 * `BASELINE_DATABASE=mariadb://…|/path/file.sqlite PORT=… node dist/bench/dashboard-baseline.js`.
 */

type Row = Record<string, unknown>;

/** One statement with `?` placeholders; `all` rows. */
type Query = (sql: string, params: readonly unknown[]) => Promise<Row[]>;

const MINUTE = 60_000;
// SPEC §5, as src/auth/sessions.ts applies it
const IDLE_MS = { normal: 30 * MINUTE, remember: 30 * 24 * 60 * MINUTE };

/** A GraphQL ID from a numeric column. */
const idOf = (value: unknown): string => String(Number(value));

function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

function database(target: string): {
  query: Query;
  toDate(value: unknown): Date;
  fromDate(value: Date): unknown;
  statements: () => number;
  close(): Promise<void>;
} {
  let count = 0;
  if (/^(mariadb|mysql):\/\//.test(target)) {
    const url = new URL(target);
    const pool = createPool({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
      connectionLimit: 10,
      // the API stores UTC (MikroORM timezone +00:00)
      timezone: '+00:00',
      bigIntAsNumber: true,
      decimalAsNumber: true,
    });
    return {
      query: async (sql, params) => {
        count += 1;
        return pool.query<Row[]>({ sql }, [...params]);
      },
      toDate: (value) => value as Date,
      fromDate: (value) => value,
      statements: () => count,
      close: () => pool.end(),
    };
  }
  const db = new Database(target);
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let found = prepared.get(sql);
    if (found === undefined) {
      found = db.prepare(sql);
      prepared.set(sql, found);
    }
    return found;
  };
  return {
    query: (sql, params) => {
      count += 1;
      const s = statement(sql);
      if (!s.reader) {
        s.run(...params);
        return Promise.resolve([]);
      }
      return Promise.resolve(s.all(...params) as Row[]);
    },
    // MikroORM's SQLite driver keeps dates as epoch milliseconds
    toDate: (value) => new Date(Number(value)),
    fromDate: (value) => value.getTime(),
    statements: () => count,
    close: async () => {
      db.close();
    },
  };
}

/** The bench's query; the baseline answers nothing else. */
export const DASHBOARD_QUERY = `query Dashboard {
  myFamilies {
    id
    familyName
    mainUser { id name }
    members { id role status user { id name } }
    latestHomeStatus { id temperature humidity dustDensity gasLevel measuredAt }
    latestHealthStatus { id heartRate bloodOxygen bodyTemperature systolic diastolic measuredAt }
    latestActivity { id action score imageId measuredAt }
    latestMentalStatus { id emotion source scores { joy sadness anger anxiety neutral } measuredAt }
    unreadNotificationCount
    notifications(first: 10) {
      totalCount
      edges { node { id grade kind message read createdAt } }
    }
  }
  unreadMessageCount
}`;

export interface Baseline {
  url: string;
  /** SQL statements run so far. */
  statements(): number;
  close(): Promise<void>;
}

/** Starts the baseline on loopback. */
export async function startBaseline(target: string, port = 0): Promise<Baseline> {
  const db = database(target);
  const { query } = db;
  const iso = (value: unknown) => (value === null ? null : db.toDate(value).toISOString());

  /** The user behind a bearer token, or null (the API's session check). */
  async function authenticate(req: IncomingMessage): Promise<number | null> {
    const match = /^Bearer\s+([A-Za-z0-9_-]{43})$/.exec(req.headers.authorization ?? '');
    if (match === null) return null;
    const hash = createHash('sha256').update(match[1]!).digest('hex');
    const [session] = await query(
      'select s.id, s.remember, s.last_seen_at, s.absolute_expires_at, u.id as user_id, ' +
        'u.suspended_until from `session` s join `user` u on u.id = s.user_id where s.token_hash = ?',
      [hash],
    );
    if (session === undefined) return null;
    const now = Date.now();
    const lastSeen = db.toDate(session['last_seen_at']).getTime();
    const idle = Number(session['remember']) === 1 ? IDLE_MS.remember : IDLE_MS.normal;
    if (Math.min(lastSeen + idle, db.toDate(session['absolute_expires_at']).getTime()) <= now)
      return null;
    const suspended = session['suspended_until'];
    if (suspended !== null && db.toDate(suspended).getTime() > now) return null;
    if (now - lastSeen >= MINUTE)
      await query('update `session` set last_seen_at = ? where id = ?', [
        db.fromDate(new Date(now)),
        session['id'],
      ]);
    return Number(session['user_id']);
  }

  /** The newest reading of each kind for each family, all kinds in one statement (as the API). */
  async function latest(
    kinds: readonly { table: string; columns: readonly string[] }[],
    ids: number[],
  ): Promise<Map<number, Row>[]> {
    const rows = await query(
      `select f.id as family_id, ${kinds
        .flatMap(({ columns }, k) => columns.map((column) => `k${k}.${column} as k${k}_${column}`))
        .join(', ')} from \`family\` f ${kinds
        .map(
          ({ table }, k) =>
            `left join \`${table}\` k${k} on k${k}.id = (select x.id from \`${table}\` x ` +
            `where x.family_id = f.id order by x.measured_at desc, x.id desc limit 1)`,
        )
        .join(' ')} where f.id in (${marks(ids)})`,
      ids,
    );
    return kinds.map(({ columns }, k) => {
      const found = new Map<number, Row>();
      for (const row of rows) {
        if (row[`k${k}_id`] === null) continue;
        found.set(
          Number(row['family_id']),
          Object.fromEntries(columns.map((column) => [column, row[`k${k}_${column}`]])),
        );
      }
      return found;
    });
  }

  async function dashboard(userId: number): Promise<unknown> {
    const standings = await query(
      "select f.id as family_id from `family` f where f.main_user_id = ? union all select m.family_id from `membership` m where m.user_id = ? and m.status = 'ACTIVE'",
      [userId, userId],
    );
    const ids = [...new Set(standings.map((row) => Number(row['family_id'])))].sort(
      (a, b) => a - b,
    );
    const unreadMessages = query(
      'select count(*) as n from `message` where to_user_id = ? and read_at is null and deleted_by_recipient = ?',
      [userId, 0],
    );
    if (ids.length === 0)
      return { myFamilies: [], unreadMessageCount: Number((await unreadMessages)[0]?.['n']) };
    const [families, [home, health, activity, mental], pages, counts, messages] = await Promise.all(
      [
        query(
          'select f.id, f.family_name, mu.id as mu_id, mu.name as mu_name, m.id as m_id, m.role, ' +
            'm.status, mm.id as mm_id, mm.name as mm_name from `family` f ' +
            'join `user` mu on mu.id = f.main_user_id ' +
            'left join `membership` m on m.family_id = f.id left join `user` mm on mm.id = m.user_id ' +
            `where f.id in (${marks(ids)}) order by f.id, m.id`,
          ids,
        ),
        latest(
          [
            {
              table: 'home_status',
              columns: [
                'id',
                'temperature',
                'humidity',
                'dust_density',
                'gas_level',
                'measured_at',
              ],
            },
            {
              table: 'health_status',
              columns: [
                'id',
                'heart_rate',
                'blood_oxygen',
                'body_temperature',
                'systolic',
                'diastolic',
                'measured_at',
              ],
            },
            { table: 'activity', columns: ['id', 'action', 'score', 'image_id', 'measured_at'] },
            {
              table: 'mental_status',
              columns: [
                'id',
                'emotion',
                'source',
                'joy',
                'sadness',
                'anger',
                'anxiety',
                'neutral',
                'measured_at',
              ],
            },
          ],
          ids,
        ),
        query(
          'select * from (select n.id, n.family_id, n.grade, n.kind, n.message, n.created_at, ' +
            'case when r.id is null then 0 else 1 end as read_flag, row_number() over ' +
            '(partition by n.family_id order by n.created_at desc, n.id desc) as row_no ' +
            'from `notification` n left join `notification_read` r on r.notification_id = n.id and r.user_id = ? ' +
            `where n.family_id in (${marks(ids)})) p where p.row_no <= 10 order by p.family_id, p.row_no`,
          [userId, ...ids],
        ),
        query(
          'select n.family_id, count(*) as total, count(r.id) as read_count from `notification` n ' +
            'left join `notification_read` r on r.notification_id = n.id and r.user_id = ? ' +
            `where n.family_id in (${marks(ids)}) group by n.family_id`,
          [userId, ...ids],
        ),
        unreadMessages,
      ],
    );
    const byFamily = new Map<number, Row & { members: unknown[]; edges: unknown[] }>();
    const out: Row[] = [];
    for (const row of families) {
      const id = Number(row['id']);
      let family = byFamily.get(id);
      if (family === undefined) {
        family = {
          id: String(id),
          familyName: row['family_name'],
          mainUser: { id: idOf(row['mu_id']), name: row['mu_name'] },
          members: [],
          edges: [],
        };
        byFamily.set(id, family);
        out.push(family);
      }
      if (row['m_id'] !== null)
        family.members.push({
          id: idOf(row['m_id']),
          role: row['role'],
          status: row['status'],
          user: { id: idOf(row['mm_id']), name: row['mm_name'] },
        });
    }
    for (const row of pages) {
      byFamily.get(Number(row['family_id']))?.edges.push({
        node: {
          id: idOf(row['id']),
          grade: row['grade'],
          kind: row['kind'],
          message: row['message'],
          read: Number(row['read_flag']) === 1,
          createdAt: iso(row['created_at']),
        },
      });
    }
    const totals = new Map(counts.map((row) => [Number(row['family_id']), row]));
    const myFamilies = out.map((family) => {
      const id = Number(family['id']);
      const h = home!.get(id);
      const v = health!.get(id);
      const a = activity!.get(id);
      const m = mental!.get(id);
      const total = Number(totals.get(id)?.['total'] ?? 0);
      return {
        id: family['id'],
        familyName: family['familyName'],
        mainUser: family['mainUser'],
        members: family.members,
        latestHomeStatus: h && {
          id: idOf(h['id']),
          temperature: h['temperature'],
          humidity: h['humidity'],
          dustDensity: h['dust_density'],
          gasLevel: h['gas_level'],
          measuredAt: iso(h['measured_at']),
        },
        latestHealthStatus: v && {
          id: idOf(v['id']),
          heartRate: v['heart_rate'],
          bloodOxygen: v['blood_oxygen'],
          bodyTemperature: v['body_temperature'],
          systolic: v['systolic'],
          diastolic: v['diastolic'],
          measuredAt: iso(v['measured_at']),
        },
        latestActivity: a && {
          id: idOf(a['id']),
          action: a['action'],
          score: a['score'],
          imageId: a['image_id'],
          measuredAt: iso(a['measured_at']),
        },
        latestMentalStatus: m && {
          id: idOf(m['id']),
          emotion: m['emotion'],
          source: m['source'],
          scores: {
            joy: m['joy'],
            sadness: m['sadness'],
            anger: m['anger'],
            anxiety: m['anxiety'],
            neutral: m['neutral'],
          },
          measuredAt: iso(m['measured_at']),
        },
        unreadNotificationCount: total - Number(totals.get(id)?.['read_count'] ?? 0),
        notifications: { totalCount: total, edges: family.edges },
      };
    });
    for (const family of myFamilies) {
      // GraphQL answers null for a missing reading
      for (const key of [
        'latestHomeStatus',
        'latestHealthStatus',
        'latestActivity',
        'latestMentalStatus',
      ] as const)
        (family as Row)[key] ??= null;
    }
    return { myFamilies, unreadMessageCount: Number(messages[0]?.['n']) };
  }

  const respond = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/statements') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(String(db.statements()));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        try {
          const { query: text } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            query?: string;
          };
          if (req.method !== 'POST' || text !== DASHBOARD_QUERY) {
            respond(res, 400, '{"error":"the baseline answers the bench query only"}\n');
            return;
          }
          const userId = await authenticate(req);
          if (userId === null) {
            respond(res, 401, '{"error":"unauthenticated"}\n');
            return;
          }
          respond(res, 200, `${JSON.stringify({ data: await dashboard(userId) })}\n`);
        } catch (error) {
          respond(res, 500, JSON.stringify({ error: String(error) }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    statements: db.statements,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

// run as a process of its own: the bench loads it from outside, like the API
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const baseline = await startBaseline(
    process.env['BASELINE_DATABASE'] ?? '',
    Number(process.env['PORT'] ?? 0),
  );
  console.log(JSON.stringify({ url: baseline.url }));
  process.on('SIGTERM', () => void baseline.close().then(() => process.exit(0)));
}
