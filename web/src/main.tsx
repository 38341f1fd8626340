import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  type WebAlertFragment,
  WebAlertsDocument,
  WebAlertUpdatesDocument,
  WebLogOutDocument,
  type WebMeQuery,
  WebMeDocument,
  WebUnreadCountsDocument,
} from './__generated__/graphql';
import { createLive, type LiveState, request, subscribe } from './api';
import {
  dictionaries,
  I18nContext,
  initialLang,
  type Key,
  type Lang,
  useI18n as useContextI18n,
} from './i18n';
import {
  beep,
  type Live,
  LiveContext,
  newerId,
  unlockAudio,
  useLive as useLiveContext,
} from './live';
import { AdminPage } from './screens/Admin';
import { LogIn, ResetPassword, SignUp } from './screens/Auth';
import { Elders } from './screens/Elders';
import { FamilyPage } from './screens/Family';
import { currentRoute, navigate } from './route';
// Korean text needs a Korean font, which many machines lack: bundled (split by Unicode range, so
// a page loads only the pieces its text uses), never fetched from a font CDN
import '@fontsource/noto-sans-kr/400.css';
import './styles.css';

export type Viewer = NonNullable<WebMeQuery['me']>;

/**
 * The screens by path. Extension points for features landing on other branches: care sessions,
 * routines and community boards add a row here (and a link in the header), each with its own
 * operations under web/src/operations/.
 */
function screenFor(route: string, viewer: Viewer): React.ReactNode {
  const family = /^family\/([^/]+)$/.exec(route);
  if (family !== null) return <FamilyPage familyId={family[1]!} viewer={viewer} />;
  // a non-admin gets a "not allowed" page from AdminPage, not the elders list
  if (route === 'admin') return <AdminPage viewer={viewer} />;
  return <Elders />;
}

function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [route, setRoute] = useState(currentRoute);
  const [viewer, setViewer] = useState<Viewer | null | undefined>(undefined);
  const i18n = useMemo(() => {
    const dictionary = dictionaries[lang];
    return {
      lang,
      t: (key: Key) => dictionary[key],
      setLang: (next: Lang) => {
        localStorage.setItem('carebot.lang', next);
        setLangState(next);
      },
    };
  }, [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    const onPop = () => setRoute(currentRoute());
    addEventListener('popstate', onPop);
    addEventListener('pointerdown', unlockAudio);
    addEventListener('keydown', unlockAudio);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const loadMe = useCallback(async () => {
    const me = await request(WebMeDocument).catch(() => null);
    setViewer(me?.me ?? null);
  }, []);
  useEffect(() => {
    void loadMe();
  }, [loadMe]);

  let body: React.ReactNode;
  if (viewer === undefined) body = <p role="status">{i18n.t('loading')}</p>;
  else if (viewer === null) {
    if (route === 'signup') body = <SignUp onDone={loadMe} />;
    else if (route === 'reset') body = <ResetPassword />;
    else body = <LogIn onDone={loadMe} />;
  } else
    body = (
      <SignedIn viewer={viewer} onLogOut={() => setViewer(null)}>
        {screenFor(route, viewer)}
      </SignedIn>
    );
  return (
    <I18nContext.Provider value={i18n}>
      <a className="skip" href="#main">
        Skip
      </a>
      {body}
    </I18nContext.Provider>
  );
}

/** The signed-in frame: header, the live socket, the CRIT banner with sound and title. */
function SignedIn({
  viewer,
  onLogOut,
  children,
}: {
  viewer: Viewer;
  onLogOut: () => void;
  children: React.ReactNode;
}) {
  const [state, setState] = useState<LiveState>('connecting');
  const client = useMemo(() => createLive(setState), []);
  const [alerts, setAlerts] = useState<ReadonlyMap<string, WebAlertFragment>>(new Map());
  const [unread, setUnread] = useState<Live['unread']>(null);
  const [crit, setCrit] = useState<WebAlertFragment | null>(null);
  // the resume point, shared with graphql-ws: it resends this very object on reconnect
  const variables = useRef<{ after?: string }>({});
  const merge = useCallback((list: readonly WebAlertFragment[]) => {
    setAlerts((known) => {
      const next = new Map(known);
      for (const alert of list) next.set(alert.id, { ...known.get(alert.id), ...alert });
      return next;
    });
  }, []);

  useEffect(() => {
    const stopAlerts = subscribe(client, WebAlertsDocument, variables.current, (data) => {
      const alert = data.notificationAdded;
      variables.current.after = newerId(variables.current.after, alert.id);
      merge([alert]);
      if (alert.grade === 'CRIT' && alert.acknowledgedAt == null) {
        setCrit(alert);
        beep();
      }
    });
    // acknowledged, resolved or repeated elsewhere: the alert changes in place on every page
    const stopUpdates = subscribe(client, WebAlertUpdatesDocument, {}, (data) =>
      merge([data.notificationUpdated]),
    );
    const stopCounts = subscribe(client, WebUnreadCountsDocument, {}, (data) =>
      setUnread(data.unreadCountsChanged),
    );
    return () => {
      stopAlerts();
      stopUpdates();
      stopCounts();
      void client.dispose();
    };
  }, [client, merge]);

  // alerts read over HTTP move the resume point too: a reconnect never replays what a list showed
  const mergeAndAdvance = useCallback(
    (list: readonly WebAlertFragment[]) => {
      for (const alert of list)
        variables.current.after = newerId(variables.current.after, alert.id);
      merge(list);
    },
    [merge],
  );

  // alerts and their changes are live; readings, messages lists and members are not all: screens
  // reload when the page is shown again and every 30 s meanwhile
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const bump = () => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    };
    document.addEventListener('visibilitychange', bump);
    const timer = setInterval(bump, 30_000);
    return () => {
      document.removeEventListener('visibilitychange', bump);
      clearInterval(timer);
    };
  }, []);

  const live: Live = { client, state, alerts, merge: mergeAndAdvance, unread, tick };
  const openCrit = crit === null ? null : (alerts.get(crit.id) ?? crit);
  const showCrit = openCrit !== null && openCrit.acknowledgedAt == null;
  return (
    <LiveContext.Provider value={live}>
      <Title crit={showCrit ? openCrit : null} />
      <Header viewer={viewer} onLogOut={onLogOut} />
      {showCrit && <CritBanner alert={openCrit} onDismiss={() => setCrit(null)} />}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </LiveContext.Provider>
  );
}

function Title({ crit }: { crit: WebAlertFragment | null }) {
  const { t } = useContextI18n();
  useEffect(() => {
    document.title =
      crit === null ? t('appName') : `🚨 ${t('newCrit')} · ${crit.family.familyName}`;
  }, [crit, t]);
  return null;
}

function CritBanner({ alert, onDismiss }: { alert: WebAlertFragment; onDismiss: () => void }) {
  const { t } = useContextI18n();
  return (
    <div className="crit-banner" role="alert" data-testid="crit-banner">
      <strong>
        {t('newCrit')} · {alert.family.familyName}
      </strong>
      <span>{alert.message}</span>
      <button type="button" onClick={() => navigate(`family/${alert.family.id}`)}>
        {alert.family.familyName} →
      </button>
      <button type="button" onClick={onDismiss} aria-label={t('dismiss')}>
        ✕
      </button>
    </div>
  );
}

function Header({ viewer, onLogOut }: { viewer: Viewer; onLogOut: () => void }) {
  const { t, lang, setLang } = useContextI18n();
  const { state, unread } = useLiveContext();
  return (
    <header className="top">
      <a
        href="/app/"
        className="brand"
        onClick={(event) => {
          event.preventDefault();
          navigate('');
        }}
      >
        {t('appName')}
      </a>
      <span
        className={`live-state ${state}`}
        role="status"
        data-testid="live-state"
        data-state={state}
      >
        {t(state === 'live' ? 'live' : state)}
      </span>
      {unread !== null && (
        <span
          className="counts"
          aria-label={`${t('unreadAlerts')} ${unread.notifications}, ${t('unreadMessages')} ${unread.messages}`}
        >
          {t('alerts')} {unread.notifications} · {t('messages')} {unread.messages}
        </span>
      )}
      {viewer.role === 'ADMIN' && (
        <a
          href="/app/admin"
          data-testid="admin-link"
          onClick={(event) => {
            event.preventDefault();
            navigate('admin');
          }}
        >
          {t('admin')}
        </a>
      )}
      <span className="who">{viewer.name}</span>
      <button
        type="button"
        lang={lang === 'ko' ? 'en' : 'ko'}
        aria-label={t('languageLabel')}
        onClick={() => setLang(lang === 'ko' ? 'en' : 'ko')}
      >
        {t('language')}
      </button>
      <button
        type="button"
        onClick={() => {
          void request(WebLogOutDocument).finally(() => {
            navigate('');
            onLogOut();
          });
        }}
      >
        {t('logOut')}
      </button>
    </header>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
