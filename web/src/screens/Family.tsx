import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  type WebAlertFragment,
  WebAcknowledgeDocument,
  WebActivitySeriesDocument,
  WebApproveDocument,
  WebCreateInviteDocument,
  type WebFamilyQuery,
  WebFamilyDocument,
  WebHomeSeriesDocument,
  WebMarkAllReadDocument,
  WebResolveDocument,
  type AlertOutcome,
  type WebMessageFragment,
  WebMessageReceivedDocument,
  WebMessagesDocument,
  WebSendMessageDocument,
  WebSeriesDocument,
  WebUpdateSettingsDocument,
  type FamilyRole,
} from '../__generated__/graphql';
import { ApiError, request, subscribe } from '../api';
import { Chart } from '../Chart';
import { lastContact, tiles } from '../format';
import { formatTime, useI18n } from '../i18n';
import { useLive } from '../live';
import { navigate } from '../route';
import type { Viewer } from '../main';

type Family = NonNullable<WebFamilyQuery['family']>;

const HOUR = 3600_000;

/**
 * One family: latest readings, charts, the live alert feed, messages, members, invites and
 * settings (managers), mental reports. Sections for features landing later (care sessions,
 * routines, alert resolution) go beside these.
 */
export function FamilyPage({ familyId, viewer }: { familyId: string; viewer: Viewer }) {
  const { t, lang } = useI18n();
  const { merge, unread, tick } = useLive();
  const [family, setFamily] = useState<Family | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    request(WebFamilyDocument, { id: familyId })
      .then((data) => {
        if (data.family === null) throw new ApiError('Not found', 'NOT_FOUND');
        merge(data.family.notifications.edges.map((e) => e.node));
        setFamily(data.family);
      })
      .catch((e: unknown) => setError(String(e)));
  }, [familyId, merge]);
  useEffect(load, [load, unread?.notifications, tick]);
  if (error !== null) return <p role="alert">{error}</p>;
  if (family === null) return <p role="status">{t('loading')}</p>;
  const manager =
    family.mainUser.id === viewer.id ||
    family.members.some(
      (m) => m.user.id === viewer.id && m.role === 'MANAGER' && m.status === 'ACTIVE',
    );
  return (
    <article aria-labelledby="family-title" className="family">
      <p>
        <a
          href="/app/"
          onClick={(event) => {
            event.preventDefault();
            navigate('');
          }}
        >
          {t('back')}
        </a>
      </p>
      <h1 id="family-title">{family.familyName}</h1>
      <nav aria-label={family.familyName} className="sections">
        {(['alerts', 'charts', 'messages', 'members', 'reports'] as const).map((key) => (
          <a key={key} href={`#${key}`}>
            {t(key)}
          </a>
        ))}
        {manager && <a href="#settings">{t('settings')}</a>}
      </nav>
      <dl className="tiles" aria-label={t('charts')}>
        {tiles(family).map((tile) => (
          <div key={tile.key} data-testid={`tile-${tile.testId}`}>
            <dt>{t(tile.key)}</dt>
            <dd>{tile.text}</dd>
          </div>
        ))}
        <div>
          <dt>{t('lastContact')}</dt>
          <dd>{formatTime(lang, lastContact(family))}</dd>
        </div>
      </dl>
      <Alerts familyId={family.id} />
      <Charts familyId={family.id} />
      <Messages family={family} viewer={viewer} />
      <Members family={family} manager={manager} onChange={load} />
      {manager && <Settings family={family} />}
      <Reports family={family} />
    </article>
  );
}

function Alerts({ familyId }: { familyId: string }) {
  const { t, lang } = useI18n();
  const { alerts, merge } = useLive();
  const list = useMemo(
    () =>
      [...alerts.values()]
        .filter((a) => a.family.id === familyId)
        .sort((a, b) => Number(b.id) - Number(a.id))
        .slice(0, 30),
    [alerts, familyId],
  );
  const acknowledge = (alert: WebAlertFragment) =>
    void request(WebAcknowledgeDocument, { id: alert.id }).then((data) =>
      merge([data.acknowledgeNotification]),
    );
  return (
    <section id="alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t('alerts')}</h2>
      <button type="button" onClick={() => void request(WebMarkAllReadDocument, { familyId })}>
        {t('markAllRead')}
      </button>
      {list.length === 0 && <p>{t('noAlerts')}</p>}
      <ul className="alerts" aria-live="polite" data-testid="alert-feed">
        {list.map((alert) => (
          <li
            key={alert.id}
            className={`alert ${alert.grade.toLowerCase()}`}
            data-testid="alert"
            data-alert-id={alert.id}
          >
            <span
              className={`badge ${alert.grade === 'CRIT' ? 'crit' : alert.grade === 'WARN' ? 'warn' : 'quiet'}`}
            >
              {alert.grade}
            </span>{' '}
            <strong>{alert.kind}</strong> {alert.message}{' '}
            <time dateTime={alert.createdAt}>{formatTime(lang, alert.createdAt)}</time>{' '}
            {alert.state != null && (
              <span className="state" data-testid="alert-state" data-state={alert.state}>
                {t(`state_${alert.state}`)}
                {alert.outcome != null && ` · ${t(`outcome_${alert.outcome}`)}`}
              </span>
            )}{' '}
            {alert.acknowledgedAt != null ? (
              <span data-testid="acknowledged">
                ✓ {t('acknowledgedBy')} {alert.acknowledgedBy?.name ?? ''}
              </span>
            ) : alert.state === 'RESOLVED' || alert.state === 'CANCELLED' ? null : (
              <button
                type="button"
                onClick={() => acknowledge(alert)}
                aria-label={`${t('acknowledge')}: ${alert.message}`}
              >
                {t('acknowledge')}
              </button>
            )}{' '}
            {alert.resolutionNote != null && <q>{alert.resolutionNote}</q>}
            {(alert.state === 'OPEN' || alert.state === 'ACKNOWLEDGED') &&
              (alert.grade === 'WARN' || alert.grade === 'CRIT') && (
                <Resolve alert={alert} onResolved={(a) => merge([a])} />
              )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const OUTCOMES: readonly AlertOutcome[] = ['HANDLED', 'FALSE_ALARM', 'EMERGENCY_SERVICES_CALLED'];

/** The "Resolve" action: a button that opens a small form (outcome, optional note) in place. */
function Resolve({
  alert,
  onResolved,
}: {
  alert: WebAlertFragment;
  onResolved: (alert: WebAlertFragment) => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<AlertOutcome>('HANDLED');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!open)
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`${t('resolve')}: ${alert.message}`}
        aria-expanded={false}
      >
        {t('resolve')}
      </button>
    );
  return (
    <form
      className="resolve"
      aria-label={`${t('resolveTitle')}: ${alert.message}`}
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        request(WebResolveDocument, {
          id: alert.id,
          outcome,
          note: note.trim() === '' ? null : note.trim(),
        })
          .then((data) => {
            setOpen(false);
            onResolved(data.resolveNotification);
          })
          // CONFLICT: someone else closed it first; the live update shows how
          .catch((e: unknown) => setError(e instanceof ApiError ? e.code : String(e)));
      }}
    >
      <fieldset>
        <legend>{t('outcome')}</legend>
        {OUTCOMES.map((o) => (
          <label key={o}>
            <input
              type="radio"
              name={`outcome-${alert.id}`}
              value={o}
              checked={outcome === o}
              onChange={() => setOutcome(o)}
            />{' '}
            {t(`outcome_${o}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('note')}{' '}
        <input value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} />
      </label>{' '}
      <button type="submit">{t('resolve')}</button>{' '}
      <button type="button" onClick={() => setOpen(false)}>
        {t('cancel')}
      </button>
      {error !== null && <span role="alert">{`${t('error')}: ${error}`}</span>}
    </form>
  );
}

/** One page of a Relay connection, as the API answers it. */
interface Connection<N> {
  edges: { node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/**
 * Pages through a series from now back to `from`, newest first, 100 a page and at most 10 pages
 * (the API has no downsampled series yet, so a dense week shows its newest 1,000 readings), and
 * returns it oldest first.
 */
async function series<N>(
  fetchPage: (after: string | null) => Promise<Connection<N> | undefined>,
): Promise<N[]> {
  const all: N[] = [];
  let after: string | null = null;
  for (let i = 0; i < 10; i += 1) {
    const page = await fetchPage(after);
    all.push(...(page?.edges.map((e) => e.node) ?? []));
    if (page?.pageInfo.hasNextPage !== true || page.pageInfo.endCursor == null) break;
    after = page.pageInfo.endCursor;
  }
  return all.reverse();
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

function Charts({ familyId }: { familyId: string }) {
  const { t } = useI18n();
  const [range, setRange] = useState<24 | 168>(24);
  const [data, setData] = useState<{
    health: {
      x: number[];
      hr: (number | null)[];
      spo2: (number | null)[];
      temp: (number | null)[];
    };
    home: { x: number[]; temp: number[]; humidity: number[] };
    activity: { x: number[]; score: (number | null)[] };
    /** When it was read, in seconds: the right edge of every chart. */
    at: number;
    range: number;
  } | null>(null);
  useEffect(() => {
    const from = new Date(Date.now() - range * HOUR).toISOString();
    void Promise.all([
      series(async (after) => {
        const r = await request(WebSeriesDocument, { id: familyId, from, after });
        return r.family?.healthStatuses;
      }),
      series(async (after) => {
        const r = await request(WebHomeSeriesDocument, { id: familyId, from, after });
        return r.family?.homeStatuses;
      }),
      series(async (after) => {
        const r = await request(WebActivitySeriesDocument, { id: familyId, from, after });
        return r.family?.activities;
      }),
    ]).then(([health, home, activity]) => {
      setData({
        at: Date.now() / 1000,
        range,
        health: {
          x: health.map((h) => seconds(h.measuredAt)),
          hr: health.map((h) => h.heartRate ?? null),
          spo2: health.map((h) => h.bloodOxygen ?? null),
          temp: health.map((h) => h.bodyTemperature ?? null),
        },
        home: {
          x: home.map((h) => seconds(h.measuredAt)),
          temp: home.map((h) => h.temperature),
          humidity: home.map((h) => h.humidity),
        },
        activity: {
          x: activity.map((a) => seconds(a.measuredAt)),
          score: activity.map((a) => a.score ?? null),
        },
      });
    });
  }, [familyId, range]);
  const charts = useMemo(() => {
    if (data === null) return null;
    const window = { from: data.at - data.range * 3600, to: data.at };
    return [
      {
        title: t('heartRate'),
        ...window,
        x: data.health.x,
        series: [{ label: 'bpm', values: data.health.hr, color: '#c0392b' }],
      },
      {
        title: t('spo2'),
        ...window,
        x: data.health.x,
        series: [{ label: '%', values: data.health.spo2, color: '#2471a3' }],
      },
      {
        title: t('bodyTemp'),
        ...window,
        x: data.health.x,
        series: [{ label: '℃', values: data.health.temp, color: '#b9770e' }],
      },
      {
        title: t('temperature'),
        ...window,
        x: data.home.x,
        series: [{ label: '℃', values: data.home.temp, color: '#a04000' }],
      },
      {
        title: t('humidity'),
        ...window,
        x: data.home.x,
        series: [{ label: '%', values: data.home.humidity, color: '#1e8449' }],
      },
      {
        title: t('activity'),
        ...window,
        x: data.activity.x,
        series: [{ label: 'score', values: data.activity.score, color: '#6c3483' }],
      },
    ];
  }, [data, t]);
  return (
    <section id="charts" aria-labelledby="charts-title">
      <h2 id="charts-title">{t('charts')}</h2>
      <div role="group" aria-label={t('charts')} className="range">
        <button type="button" aria-pressed={range === 24} onClick={() => setRange(24)}>
          {t('last24h')}
        </button>
        <button type="button" aria-pressed={range === 168} onClick={() => setRange(168)}>
          {t('last7d')}
        </button>
      </div>
      {charts === null ? (
        <p role="status">{t('loading')}</p>
      ) : (
        <div className="charts" data-testid="charts">
          {charts.map((c) =>
            c.x.length === 0 ? (
              <p key={c.title}>
                {c.title}: {t('noData')}
              </p>
            ) : (
              <Chart key={c.title} {...c} />
            ),
          )}
        </div>
      )}
    </section>
  );
}

function Messages({ family, viewer }: { family: Family; viewer: Viewer }) {
  const { t, lang } = useI18n();
  const { client } = useLive();
  const [messages, setMessages] = useState<Map<string, WebMessageFragment>>(new Map());
  const people = [
    family.mainUser,
    ...family.members.filter((m) => m.status === 'ACTIVE').map((m) => m.user),
  ].filter((u, i, all) => u.id !== viewer.id && all.findIndex((o) => o.id === u.id) === i);
  const [to, setTo] = useState(people[0]?.id ?? '');
  const [content, setContent] = useState('');
  const add = useCallback(
    (list: WebMessageFragment[]) => {
      setMessages((known) => {
        const next = new Map(known);
        for (const m of list) if (m.family?.id === family.id) next.set(m.id, m);
        return next;
      });
    },
    [family.id],
  );
  useEffect(() => {
    void Promise.all([
      request(WebMessagesDocument, { box: 'INBOX' }),
      request(WebMessagesDocument, { box: 'SENT' }),
    ]).then((boxes) => add(boxes.flatMap((b) => b.messages.edges.map((e) => e.node))));
    if (client === null) return;
    return subscribe(client, WebMessageReceivedDocument, {}, (data) => add([data.messageReceived]));
  }, [add, client]);
  const sorted = [...messages.values()]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .slice(-50);
  return (
    <section id="messages" aria-labelledby="messages-title">
      <h2 id="messages-title">{t('messages')}</h2>
      {sorted.length === 0 && <p>{t('noMessages')}</p>}
      <ol className="messages" aria-live="polite" data-testid="messages">
        {sorted.map((m) => (
          <li key={m.id} className={m.from.id === viewer.id ? 'mine' : 'theirs'}>
            <span className="from">
              {m.from.name} → {m.to.name}
            </span>{' '}
            {m.content} <time dateTime={m.createdAt}>{formatTime(lang, m.createdAt)}</time>
          </li>
        ))}
      </ol>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (content.trim() === '' || to === '') return;
          void request(WebSendMessageDocument, { input: { toUserId: to, content } }).then(
            (data) => {
              add([data.sendMessage]);
              setContent('');
            },
          );
        }}
      >
        <label>
          <span>{t('to')}</span>
          <select value={to} onChange={(event) => setTo(event.target.value)}>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          <span>{t('messageText')}</span>
          <input
            value={content}
            onChange={(event) => setContent(event.target.value)}
            maxLength={1000}
          />
        </label>
        <button type="submit">{t('send')}</button>
      </form>
    </section>
  );
}

function Members({
  family,
  manager,
  onChange,
}: {
  family: Family;
  manager: boolean;
  onChange: () => void;
}) {
  const { t, lang } = useI18n();
  const [invite, setInvite] = useState<{ code: string; expiresAt: string } | null>(null);
  const [role, setRole] = useState<FamilyRole>('CAREGIVER');
  return (
    <section id="members" aria-labelledby="members-title">
      <h2 id="members-title">{t('members')}</h2>
      <ul>
        <li>
          {family.mainUser.name} · {t('main')}
        </li>
        {family.members.map((m) => (
          <li key={m.id}>
            {m.user.name} · {m.relation} · {t(m.role === 'MANAGER' ? 'manager' : 'caregiver')}
            {m.status === 'PENDING' && (
              <>
                {' '}
                · {t('pending')}{' '}
                {manager && (
                  <button
                    type="button"
                    onClick={() => void request(WebApproveDocument, { id: m.id }).then(onChange)}
                  >
                    {t('approve')}
                  </button>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {manager && (
        <div className="row" aria-label={t('invites')} role="group">
          <select
            aria-label={t('role')}
            value={role}
            onChange={(event) => setRole(event.target.value as FamilyRole)}
          >
            <option value="CAREGIVER">{t('caregiver')}</option>
            <option value="MANAGER">{t('manager')}</option>
          </select>
          <button
            type="button"
            onClick={() =>
              void request(WebCreateInviteDocument, { familyId: family.id, role }).then((data) =>
                setInvite(data.createFamilyInvite),
              )
            }
          >
            {t('createInvite')}
          </button>
          {invite !== null && (
            <p role="status">
              {t('inviteCode')}: <code>{invite.code}</code> ({t('expires')}{' '}
              {formatTime(lang, invite.expiresAt)})
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function Settings({ family }: { family: Family }) {
  const { t } = useI18n();
  const [s, setS] = useState(family.settings);
  const [note, setNote] = useState<string | null>(null);
  const text = (
    key: 'wakeUpTime' | 'bedTime' | 'quietHoursStart' | 'quietHoursEnd',
    label: string,
  ) => (
    <label>
      <span>{label}</span>
      <input
        type="time"
        value={s[key]}
        onChange={(event) => setS({ ...s, [key]: event.target.value })}
      />
    </label>
  );
  return (
    <section id="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('settings')}</h2>
      <form
        className="grid"
        onSubmit={(event) => {
          event.preventDefault();
          setNote(null);
          const {
            volume,
            isAlarmEnabled,
            wakeUpTime,
            bedTime,
            quietHoursStart,
            quietHoursEnd,
            inactivityAlertHours,
          } = s;
          request(WebUpdateSettingsDocument, {
            familyId: family.id,
            input: {
              volume,
              isAlarmEnabled,
              wakeUpTime,
              bedTime,
              quietHoursStart,
              quietHoursEnd,
              inactivityAlertHours,
            },
          })
            .then((data) => {
              setS(data.updateSettings);
              setNote(t('saved'));
            })
            .catch((e: unknown) => setNote(String(e)));
        }}
      >
        <label>
          <span>{t('volume')}</span>
          <input
            type="number"
            min={0}
            max={100}
            value={s.volume}
            onChange={(event) => setS({ ...s, volume: Number(event.target.value) })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={s.isAlarmEnabled}
            onChange={(event) => setS({ ...s, isAlarmEnabled: event.target.checked })}
          />
          <span>{t('alarm')}</span>
        </label>
        {text('wakeUpTime', t('wakeUp'))}
        {text('bedTime', t('bedTime'))}
        {text('quietHoursStart', t('quietStart'))}
        {text('quietHoursEnd', t('quietEnd'))}
        <label>
          <span>{t('inactivityHours')}</span>
          <input
            type="number"
            min={1}
            max={72}
            value={s.inactivityAlertHours}
            onChange={(event) => setS({ ...s, inactivityAlertHours: Number(event.target.value) })}
          />
        </label>
        <button type="submit">{t('save')}</button>
        {note !== null && <p role="status">{note}</p>}
      </form>
    </section>
  );
}

function Reports({ family }: { family: Family }) {
  const { t, lang } = useI18n();
  const reports = family.mentalReports.edges.map((e) => e.node);
  return (
    <section id="reports" aria-labelledby="reports-title">
      <h2 id="reports-title">{t('reports')}</h2>
      {reports.length === 0 && <p>{t('noReports')}</p>}
      {reports.map((r) => (
        <article key={r.id} className="report">
          <h3>
            {formatTime(lang, r.periodStart)} – {formatTime(lang, r.periodEnd)} · {t('risk')}:{' '}
            {r.riskLevel}
          </h3>
          <p>{r.summary}</p>
          <ul>
            {r.recommendations.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
        </article>
      ))}
    </section>
  );
}
