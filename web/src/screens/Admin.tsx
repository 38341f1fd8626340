import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  type WebAdminUserFragment,
  WebAdminUsersDocument,
  type WebAuditLogQuery,
  WebAuditLogDocument,
  WebSuspendUserDocument,
  type WebSystemStatsQuery,
  WebSystemStatsDocument,
  WebUnsuspendUserDocument,
} from '../__generated__/graphql';
import { ApiError, request } from '../api';
import { Chart } from '../Chart';
import { formatTime, useI18n } from '../i18n';
import type { Viewer } from '../main';

type AuditEntry = WebAuditLogQuery['auditLog']['edges'][number]['node'];
type Stats = WebSystemStatsQuery['systemStats'];

const DAY = 86_400_000;

/** The error text a failed request shows: the API's stable code, else the message. */
const problem = (e: unknown): string => (e instanceof ApiError ? e.code : String(e));

/**
 * The operators' console at /app/admin: users (search, suspend, lift), system figures and the
 * audit log. The API refuses every one of these operations to non-admins anyway; the screen just
 * says so instead of showing FORBIDDEN errors.
 */
export function AdminPage({ viewer }: { viewer: Viewer }) {
  const { t } = useI18n();
  const [auditVersion, setAuditVersion] = useState(0);
  if (viewer.role !== 'ADMIN')
    return (
      <section aria-labelledby="admin-title">
        <h1 id="admin-title">{t('admin')}</h1>
        <p role="alert" data-testid="not-allowed">
          {t('notAllowed')}
        </p>
      </section>
    );
  return (
    <article className="admin" aria-labelledby="admin-title">
      <h1 id="admin-title">{t('admin')}</h1>
      <Users onChange={() => setAuditVersion((n) => n + 1)} />
      <SystemStats />
      <AuditLog version={auditVersion} />
    </article>
  );
}

function Users({ onChange }: { onChange: () => void }) {
  const { t, lang } = useI18n();
  const [search, setSearch] = useState('');
  const [users, setUsers] = useState<WebAdminUserFragment[] | null>(null);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  const load = useCallback((text: string, after: string | null) => {
    setError(null);
    const trimmed = text.trim();
    request(WebAdminUsersDocument, {
      search: trimmed === '' ? null : trimmed,
      after,
    })
      .then((data) => {
        const page = data.adminUsers.edges.map((e) => e.node);
        setUsers((known) => (after === null ? page : [...(known ?? []), ...page]));
        setTotal(data.adminUsers.totalCount);
        setNext(
          data.adminUsers.pageInfo.hasNextPage
            ? (data.adminUsers.pageInfo.endCursor ?? null)
            : null,
        );
      })
      .catch((e: unknown) => setError(problem(e)));
  }, []);
  useEffect(() => load('', null), [load]);

  const replace = (user: WebAdminUserFragment) => {
    setUsers((known) => known?.map((u) => (u.id === user.id ? user : u)) ?? null);
    setEditing(null);
    onChange();
  };

  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{t('users')}</h2>
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          load(search, null);
        }}
      >
        <label>
          {t('search')}{' '}
          <input
            type="search"
            value={search}
            maxLength={100}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>{' '}
        <button type="submit">{t('searchButton')}</button>
      </form>
      {error !== null && <p role="alert">{`${t('error')}: ${error}`}</p>}
      {users === null ? (
        <p role="status">{t('loading')}</p>
      ) : (
        <>
          <p role="status" data-testid="user-total">
            {t('total')}: {total}
          </p>
          <table className="admin-table" data-testid="admin-users">
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('email')}</th>
                <th scope="col">{t('userRole')}</th>
                <th scope="col">{t('suspendedUntil')}</th>
                <th scope="col">{t('action')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => {
                const suspended =
                  user.suspendedUntil != null && Date.parse(user.suspendedUntil) > Date.now();
                return (
                  <tr key={user.id} data-testid="admin-user" data-suspended={suspended}>
                    <th scope="row">{user.name}</th>
                    <td>{user.email ?? '—'}</td>
                    <td>{user.role}</td>
                    <td>{suspended ? formatTime(lang, user.suspendedUntil) : t('active')}</td>
                    <td>
                      {user.role === 'ADMIN' ? null : editing === user.id ? (
                        <Suspension
                          user={user}
                          suspended={suspended}
                          onDone={replace}
                          onCancel={() => setEditing(null)}
                        />
                      ) : (
                        <button
                          type="button"
                          aria-label={`${t(suspended ? 'unsuspend' : 'suspend')}: ${user.name}`}
                          onClick={() => setEditing(user.id)}
                        >
                          {t(suspended ? 'unsuspend' : 'suspend')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {next !== null && (
            <button type="button" onClick={() => load(search, next)}>
              {t('more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** `YYYY-MM-DDTHH:mm` in the browser's zone, as a datetime-local input wants it. */
function localInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** Suspend (until + reason) or lift (reason), both audited by the API. */
function Suspension({
  user,
  suspended,
  onDone,
  onCancel,
}: {
  user: WebAdminUserFragment;
  suspended: boolean;
  onDone: (user: WebAdminUserFragment) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [until, setUntil] = useState(() => localInput(new Date(Date.now() + 7 * DAY)));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const label = `${t(suspended ? 'unsuspend' : 'suspend')}: ${user.name}`;
  return (
    <form
      className="suspend"
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        const done = suspended
          ? request(WebUnsuspendUserDocument, {
              input: { userId: user.id, reason: reason.trim() },
            }).then((data) => data.unsuspendUser)
          : request(WebSuspendUserDocument, {
              input: {
                userId: user.id,
                reason: reason.trim(),
                until: new Date(until).toISOString(),
              },
            }).then((data) => data.suspendUser);
        done.then(onDone).catch((e: unknown) => setError(problem(e)));
      }}
    >
      {!suspended && (
        <label>
          {t('until')}{' '}
          <input
            type="datetime-local"
            required
            value={until}
            onChange={(event) => setUntil(event.target.value)}
          />
        </label>
      )}{' '}
      <label>
        {t('reason')}{' '}
        <input
          required
          minLength={1}
          maxLength={500}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
      </label>{' '}
      <button type="submit">{t(suspended ? 'unsuspend' : 'suspend')}</button>{' '}
      <button type="button" onClick={onCancel}>
        {t('cancel')}
      </button>
      {error !== null && <span role="alert">{`${t('error')}: ${error}`}</span>}
    </form>
  );
}

function SystemStats() {
  const { t, lang } = useI18n();
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request(WebSystemStatsDocument)
      .then((data) => setStats(data.systemStats))
      .catch((e: unknown) => setError(problem(e)));
  }, []);
  // days as seconds at UTC midnight, the chart's x axis
  const chart = useMemo(() => {
    if (stats === null) return null;
    const x = stats.alertsPerDay.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const posts = new Map((stats.postsPerDay ?? []).map((d) => [d.day, d.count]));
    const series = [
      {
        label: t('alertsPerDay'),
        values: stats.alertsPerDay.map((d) => d.count),
        color: '#c0392b',
      },
    ];
    if (stats.postsPerDay != null)
      series.push({
        label: t('postsPerDay'),
        values: stats.alertsPerDay.map((d) => posts.get(d.day) ?? 0),
        color: '#2c6fbb',
      });
    return { x, series, from: x[0] ?? 0, to: (x.at(-1) ?? 0) + 86_400 };
  }, [stats, t]);
  return (
    <section aria-labelledby="stats-title" data-testid="system-stats">
      <h2 id="stats-title">{t('stats')}</h2>
      {error !== null && <p role="alert">{`${t('error')}: ${error}`}</p>}
      {stats === null ? (
        error === null && <p role="status">{t('loading')}</p>
      ) : (
        <>
          <dl className="tiles small">
            {stats.usersByRole.map((r) => (
              <div key={r.role}>
                <dt>
                  {t('users')} · {r.role}
                </dt>
                <dd data-testid={`users-${r.role}`}>{r.count}</dd>
              </div>
            ))}
            <div>
              <dt>{t('families')}</dt>
              <dd data-testid="stat-families">{stats.families}</dd>
            </div>
            <div>
              <dt>
                {t('devicesOnline')} ({stats.onlineWithinMinutes}′)
              </dt>
              <dd data-testid="stat-devices">{stats.devicesOnline}</dd>
            </div>
          </dl>
          <p className="meta">{formatTime(lang, stats.at)}</p>
          {chart !== null && <Chart title={t('alertsPerDay')} {...chart} />}
        </>
      )}
    </section>
  );
}

function AuditLog({ version }: { version: number }) {
  const { t, lang } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request(WebAuditLogDocument, {})
      .then((data) => setEntries(data.auditLog.edges.map((e) => e.node)))
      .catch((e: unknown) => setError(problem(e)));
  }, [version]);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('auditLog')}</h2>
      {error !== null && <p role="alert">{`${t('error')}: ${error}`}</p>}
      {entries !== null && (
        <table className="admin-table" data-testid="audit-log">
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('actor')}</th>
              <th scope="col">{t('action')}</th>
              <th scope="col">{t('target')}</th>
              <th scope="col">{t('reason')}</th>
            </tr>
          </thead>
          <tbody aria-live="polite">
            {entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry" data-action={entry.action}>
                <td>
                  <time dateTime={entry.createdAt}>{formatTime(lang, entry.createdAt)}</time>
                </td>
                <td>{entry.actor?.name ?? entry.actorId}</td>
                <td>{entry.action}</td>
                <td>
                  {entry.targetType} {entry.targetId}
                </td>
                <td>{entry.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
