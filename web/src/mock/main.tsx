import { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  type ActivityAction,
  DevActivityDocument,
  DevBatchDocument,
  DevHealthDocument,
  DevHomeDocument,
  DevMentalDocument,
  DevMessagesDocument,
  DevRaiseDocument,
  DevSettingsChangedDocument,
  DevSettingsDocument,
  type Emotion,
  type NotificationGrade,
  type NotificationKind,
} from '../__generated__/graphql';
import { ApiError, createLive, type LiveState, request, subscribe } from '../api';
import '@fontsource/noto-sans-kr/400.css';
import '../styles.css';

/**
 * A Carebot in the browser, for development (served only when WEB_MOCK_CAREBOT is on, the
 * default outside production): it authenticates with a pasted device token, exactly as a robot.
 */
function MockCarebot() {
  const [token, setToken] = useState(() => sessionStorage.getItem('carebot.deviceToken') ?? '');
  const [active, setActive] = useState<string | null>(null);
  return (
    <main id="main">
      <h1>Mock Carebot</h1>
      <p>Development only. Paste a device token (from registerDevice or npm run seed:demo).</p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          sessionStorage.setItem('carebot.deviceToken', token.trim());
          setActive(token.trim());
        }}
      >
        <label className="grow">
          <span>Device token</span>
          <input
            name="token"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            autoComplete="off"
          />
        </label>
        <button type="submit">Connect</button>
      </form>
      {active !== null && active !== '' && <Device key={active} token={active} />}
    </main>
  );
}

function Device({ token }: { token: string }) {
  const auth = useMemo(() => ({ authorization: `Device ${token}` }), [token]);
  const [state, setState] = useState<LiveState>('connecting');
  const [log, setLog] = useState<string[]>([]);
  const note = (line: string) =>
    setLog((l) => [`${new Date().toLocaleTimeString()} ${line}`, ...l].slice(0, 50));
  useEffect(() => {
    const client = createLive(setState, auth);
    const stopSettings = subscribe(client, DevSettingsChangedDocument, {}, (d) =>
      note(`settingsChanged: ${JSON.stringify(d.settingsChanged)}`),
    );
    const stopMessages = subscribe(client, DevMessagesDocument, {}, (d) =>
      note(`message from ${d.messageReceived.from.name}: ${d.messageReceived.content}`),
    );
    void request(DevSettingsDocument, {}, auth)
      .then((d) => note(`settings: ${JSON.stringify(d.deviceSettings)}`))
      .catch((e: unknown) => note(`error: ${String(e)}`));
    return () => {
      stopSettings();
      stopMessages();
      void client.dispose();
    };
  }, [auth]);
  const send = (label: string, work: Promise<unknown>) =>
    void work
      .then((answer) => note(`${label}: ${JSON.stringify(answer)}`))
      .catch((e: unknown) =>
        note(`${label} failed: ${e instanceof ApiError ? e.code + ' ' + e.message : String(e)}`),
      );
  const [hr, setHr] = useState(72);
  const [spo2, setSpo2] = useState(97);
  const [temp, setTemp] = useState(23);
  const [humidity, setHumidity] = useState(45);
  const [action, setAction] = useState<ActivityAction>('WALKING');
  const [emotion, setEmotion] = useState<Emotion>('JOY');
  const [grade, setGrade] = useState<NotificationGrade>('CRIT');
  const [kind, setKind] = useState<NotificationKind>('EMERGENCY');
  const [message, setMessage] = useState('Help button pressed');
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  return (
    <>
      <p role="status" data-testid="device-state">
        socket: {state}
      </p>
      <section className="grid" aria-label="Readings">
        <label>
          <span>Heart rate</span>
          <input type="number" value={hr} onChange={(e) => setHr(Number(e.target.value))} />
        </label>
        <label>
          <span>SpO₂</span>
          <input type="number" value={spo2} onChange={(e) => setSpo2(Number(e.target.value))} />
        </label>
        <button
          type="button"
          onClick={() =>
            send(
              'health',
              request(
                DevHealthDocument,
                { input: { heartRate: hr, bloodOxygen: spo2, bodyTemperature: 36.6 } },
                auth,
              ),
            )
          }
        >
          Send health
        </button>
        <label>
          <span>Room temperature</span>
          <input type="number" value={temp} onChange={(e) => setTemp(Number(e.target.value))} />
        </label>
        <label>
          <span>Humidity</span>
          <input
            type="number"
            value={humidity}
            onChange={(e) => setHumidity(Number(e.target.value))}
          />
        </label>
        <button
          type="button"
          onClick={() =>
            send(
              'home',
              request(
                DevHomeDocument,
                { input: { temperature: temp, humidity, dustDensity: 20, gasLevel: 0.1 } },
                auth,
              ),
            )
          }
        >
          Send home
        </button>
        <label>
          <span>Activity</span>
          <select value={action} onChange={(e) => setAction(e.target.value as ActivityAction)}>
            {(
              [
                'WALKING',
                'SITTING',
                'SLEEPING',
                'EATING',
                'EXERCISING',
                'TALKING',
                'LYING',
                'OUTING',
                'OTHER',
              ] as const
            ).map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() =>
            send('activity', request(DevActivityDocument, { input: { action, score: 0.7 } }, auth))
          }
        >
          Send activity
        </button>
        <label>
          <span>Emotion</span>
          <select value={emotion} onChange={(e) => setEmotion(e.target.value as Emotion)}>
            {(['JOY', 'NEUTRAL', 'SADNESS', 'ANXIETY', 'ANGER'] as const).map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() =>
            send(
              'mental',
              request(
                DevMentalDocument,
                {
                  input: {
                    emotion,
                    source: 'FACE',
                    scores: {
                      joy: emotion === 'JOY' ? 0.8 : 0.05,
                      neutral: emotion === 'NEUTRAL' ? 0.8 : 0.05,
                      sadness: emotion === 'SADNESS' ? 0.8 : 0.05,
                      anxiety: emotion === 'ANXIETY' ? 0.8 : 0.05,
                      anger: emotion === 'ANGER' ? 0.8 : 0.05,
                    },
                  },
                },
                auth,
              ),
            )
          }
        >
          Send mood
        </button>
        <button
          type="button"
          onClick={() =>
            send('fall', request(DevActivityDocument, { input: { action: 'FALL' } }, auth))
          }
        >
          Send a fall
        </button>
        <button
          type="button"
          onClick={() =>
            send(
              'reportBatch',
              request(
                DevBatchDocument,
                {
                  input: {
                    health: [30, 20, 10].map((m) => ({
                      heartRate: hr,
                      bloodOxygen: spo2,
                      measuredAt: minutesAgo(m),
                      reportId: crypto.randomUUID(),
                    })),
                    home: [30, 20, 10].map((m) => ({
                      temperature: temp,
                      humidity,
                      dustDensity: 20,
                      gasLevel: 0.1,
                      measuredAt: minutesAgo(m),
                      reportId: crypto.randomUUID(),
                    })),
                  },
                },
                auth,
              ),
            )
          }
        >
          Send a reportBatch (6 buffered readings)
        </button>
      </section>
      <section className="row" aria-label="Raise an alert">
        <label>
          <span>Grade</span>
          <select value={grade} onChange={(e) => setGrade(e.target.value as NotificationGrade)}>
            {(['CRIT', 'WARN', 'INFO'] as const).map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
        <label>
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as NotificationKind)}>
            {(
              [
                'EMERGENCY',
                'FIRE',
                'FALL',
                'HEALTH',
                'ENVIRONMENT',
                'DISASTER',
                'INACTIVITY',
                'OTHER',
              ] as const
            ).map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label className="grow">
          <span>Message</span>
          <input value={message} onChange={(e) => setMessage(e.target.value)} />
        </label>
        <button
          type="button"
          onClick={() =>
            send('alert', request(DevRaiseDocument, { input: { grade, kind, message } }, auth))
          }
        >
          Raise alert
        </button>
      </section>
      <h2>Log</h2>
      <ol aria-live="polite" data-testid="device-log">
        {log.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ol>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<MockCarebot />);
