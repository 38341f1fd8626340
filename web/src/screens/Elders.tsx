import { useEffect, useState } from 'react';
import { type WebMyEldersQuery, WebMyEldersDocument } from '../__generated__/graphql';
import { request } from '../api';
import { lastContact, tiles } from '../format';
import { formatTime, useI18n } from '../i18n';
import { URGENCY_RANK, urgencyOf, useLive } from '../live';
import { navigate } from '../route';

type Family = WebMyEldersQuery['myFamilies'][number];

/** Every family the viewer follows, most urgent first: an open CRIT, then an open WARN, then quiet. */
export function Elders() {
  const { t, lang } = useI18n();
  const live = useLive();
  const [families, setFamilies] = useState<Family[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { merge, alerts, unread, tick } = live;
  useEffect(() => {
    request(WebMyEldersDocument)
      .then((data) => {
        merge(data.myFamilies.flatMap((f) => f.notifications.edges.map((e) => e.node)));
        setFamilies(data.myFamilies);
      })
      .catch((e: unknown) => setError(String(e)));
    // reload the latest readings whenever the unread counts move (a new alert or message)
  }, [merge, unread?.notifications, tick]);
  if (error !== null) return <p role="alert">{error}</p>;
  if (families === null) return <p role="status">{t('loading')}</p>;
  const ranked = families
    .map((family) => ({ family, urgency: urgencyOf(alerts.values(), family.id) }))
    .sort(
      (a, b) =>
        URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] ||
        a.family.familyName.localeCompare(b.family.familyName),
    );
  return (
    <section aria-labelledby="elders-title">
      <h1 id="elders-title">{t('myElders')}</h1>
      {ranked.length === 0 && <p>{t('noFamilies')}</p>}
      <ul className="cards">
        {ranked.map(({ family, urgency }) => (
          <li
            key={family.id}
            className={`card ${urgency}`}
            data-testid="family-card"
            data-urgency={urgency}
          >
            <a
              href={`/app/family/${family.id}`}
              onClick={(event) => {
                event.preventDefault();
                navigate(`family/${family.id}`);
              }}
              aria-label={`${family.familyName}: ${t(urgency)}`}
            >
              <h2>
                {family.familyName} <span className={`badge ${urgency}`}>{t(urgency)}</span>
              </h2>
            </a>
            <dl className="tiles small">
              {tiles(family).map((tile) => (
                <div key={tile.key}>
                  <dt>{t(tile.key)}</dt>
                  <dd>{tile.text}</dd>
                </div>
              ))}
            </dl>
            <p className="meta">
              {t('lastContact')}: {formatTime(lang, lastContact(family)) || t('never')}
              {' · '}
              {t('unreadAlerts')}:{' '}
              <span data-testid="unread-alerts">{family.unreadNotificationCount}</span>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
