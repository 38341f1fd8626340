import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { playSessions } from '../modules/care-session/care-session.simulator.js';

/**
 * `npm run simulate:carebot -- --token <device token> [--url …] [--interval 5] [--count N]`
 * behaves like a Carebot over the real HTTP API: every interval it sends one reading (home,
 * vitals, activity in turn) with slowly drifting values, and about one in 15 crosses a default
 * threshold so an alert shows up on the dashboard. Loopback servers only: it writes fake data.
 */

const USAGE = `usage: npm run simulate:carebot -- --token <device token> [options]

  --token <token>     the device token (or set CAREBOT_DEVICE_TOKEN); npm run seed:demo prints one
  --url <url>         GraphQL endpoint on this machine (default http://localhost:4000/graphql)
  --interval <s>      seconds between reports, at least 0.2 (default 5)
  --count <n>         stop after n reports (default: run until Ctrl-C)
  --sessions          also play care sessions: accept each startCareSession command, report
                      progress (and a result table for a cognitive assessment), then COMPLETED

One report per interval: home, vitals and activity in turn. About one in 15 crosses a default
threshold (gas 1500 ppm, heart rate 135 bpm, or a FALL) so that alerts appear.`;

/** One report in `REQUEST_TIMEOUT_MS` or the simulator gives up: it never hangs. */
const REQUEST_TIMEOUT_MS = 10_000;
/** About one report in this many crosses a default threshold (heart rate, gas, or a fall). */
const ALERT_ONE_IN = 15;

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string', default: 'http://localhost:4000/graphql' },
        token: { type: 'string' },
        interval: { type: 'string', default: '5' },
        count: { type: 'string' },
        sessions: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
}
const parsed = parseCommandLine();
if (parsed.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const token = parsed.token ?? process.env['CAREBOT_DEVICE_TOKEN'] ?? '';
if (token === '') fail(`A device token is needed: --token or CAREBOT_DEVICE_TOKEN.\n\n${USAGE}`, 2);
const intervalSeconds = Number(parsed.interval);
if (!Number.isFinite(intervalSeconds) || intervalSeconds < 0.2)
  fail(`--interval must be a number of seconds, at least 0.2 (got "${parsed.interval}").`, 2);
const count = parsed.count === undefined ? Infinity : Number(parsed.count);
if (parsed.count !== undefined && (!Number.isInteger(count) || count < 1))
  fail(`--count must be a whole number of reports, at least 1 (got "${parsed.count}").`, 2);

let url: URL;
try {
  url = new URL(parsed.url);
} catch {
  fail(`--url must be a URL such as http://localhost:4000/graphql (got "${parsed.url}").`, 2);
}
const host = url.hostname.replace(/^\[|\]$/g, '');
const loopback =
  host === 'localhost' ||
  host.endsWith('.localhost') ||
  host === '::1' ||
  (isIP(host) === 4 && host.startsWith('127.'));
if (!['http:', 'https:'].includes(url.protocol) || !loopback)
  fail(`--url must be an http(s) URL on this machine (localhost, 127.x, ::1), not ${url.host}.`, 2);

/** A value that wanders within [min, max], pulled gently back towards its middle. */
function drifting(start: number, min: number, max: number, step: number): () => number {
  let value = start;
  const middle = (min + max) / 2;
  return () => {
    value += (Math.random() * 2 - 1) * step + (middle - value) * 0.05;
    value = Math.min(max, Math.max(min, value));
    return value;
  };
}
const round1 = (value: number) => Math.round(value * 10) / 10;
const alertNow = () => Math.random() < 1 / ALERT_ONE_IN;

const temperature = drifting(22.5, 19, 26, 0.3);
const humidity = drifting(45, 35, 60, 1);
const dust = drifting(22, 8, 50, 3);
const gas = drifting(90, 30, 250, 15);
const heartRate = drifting(72, 58, 95, 3);
const bloodOxygen = drifting(97, 94, 99.4, 0.5);
const bodyTemperature = drifting(36.6, 36.1, 37.2, 0.1);

/** The elder's activity by the local hour of day, with a sleep pattern. */
function activityNow(): string {
  const hour = new Date().getHours();
  const choose = (items: string[]) => items[Math.floor(Math.random() * items.length)]!;
  if (hour < 6 || hour >= 22) return choose(['SLEEPING', 'SLEEPING', 'SLEEPING', 'LYING']);
  if ([7, 12, 18].includes(hour)) return choose(['EATING', 'EATING', 'SITTING']);
  if (hour === 10) return choose(['WALKING', 'OUTING', 'EXERCISING']);
  return choose(['SITTING', 'TALKING', 'WALKING', 'LYING', 'OTHER']);
}

interface Report {
  kind: string;
  field: string;
  query: string;
  input: Record<string, unknown>;
  /** What the values are, for the log line. */
  describe: string;
  /** The alert it should raise with default settings, if any. */
  alert?: string;
}

function homeReport(): Report {
  const spike = alertNow();
  const input = {
    temperature: round1(temperature()),
    humidity: round1(humidity()),
    dustDensity: round1(dust()),
    gasLevel: spike ? 1500 : Math.round(gas()),
  };
  return {
    kind: 'home',
    field: 'reportHomeStatus',
    query:
      'mutation ReportHomeStatus($input: HomeStatusInput!) { reportHomeStatus(input: $input) { id } }',
    input,
    describe: `temperature ${input.temperature} °C, humidity ${input.humidity} %, dust ${input.dustDensity} µg/m³, gas ${input.gasLevel} ppm`,
    ...(spike ? { alert: 'gas above 1000 ppm: FIRE, CRIT' } : {}),
  };
}

function healthReport(): Report {
  const spike = alertNow();
  const input = {
    heartRate: spike ? 135 : Math.round(heartRate()),
    bloodOxygen: Math.round(bloodOxygen()),
    bodyTemperature: round1(bodyTemperature()),
  };
  return {
    kind: 'health',
    field: 'reportHealthStatus',
    query:
      'mutation ReportHealthStatus($input: HealthStatusInput!) { reportHealthStatus(input: $input) { id } }',
    input,
    describe: `heart rate ${input.heartRate} bpm, SpO₂ ${input.bloodOxygen} %, body ${input.bodyTemperature} °C`,
    ...(spike ? { alert: 'heart rate above 120 bpm: HEALTH, WARN' } : {}),
  };
}

function activityReport(): Report {
  const fall = alertNow();
  const input = {
    action: fall ? 'FALL' : activityNow(),
    score: Math.round((0.75 + Math.random() * 0.24) * 100) / 100,
  };
  return {
    kind: 'activity',
    field: 'reportActivity',
    query:
      'mutation ReportActivity($input: ActivityInput!) { reportActivity(input: $input) { id } }',
    input,
    describe: `${input.action} (score ${input.score})`,
    ...(fall ? { alert: 'a fall: FALL, CRIT' } : {}),
  };
}

const REPORTS = [homeReport, healthReport, activityReport] as const;

interface GraphQLResponse {
  data?: Record<string, { id: string } | null> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Sends one report; returns the stored id, or exits with the server's error. */
async function send(report: Report): Promise<string> {
  // a fresh reportId per reading: a retry of the same reading would reuse it and store nothing
  const input = { ...report.input, measuredAt: new Date().toISOString(), reportId: randomUUID() };
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Device ${token}` },
      body: JSON.stringify({ query: report.query, variables: { input } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    fail(`Cannot reach ${url.href} (${cause}). Is the server running (npm start)?`);
  }
  let body: GraphQLResponse;
  try {
    body = (await response.json()) as GraphQLResponse;
  } catch {
    fail(`${url.href} answered HTTP ${response.status} without a GraphQL body. Is --url right?`);
  }
  const error = body.errors?.[0];
  if (error !== undefined) {
    const code = error.extensions?.code ?? 'UNKNOWN';
    const hint =
      code === 'UNAUTHENTICATED'
        ? '\nThe device token is unknown or revoked: run `npm run seed:demo` (or registerDevice) for a new one.'
        : code === 'RATE_LIMITED'
          ? '\nDevices may send 300 mutations a minute: use a longer --interval.'
          : '';
    fail(`${report.field} failed: ${code}: ${error.message}${hint}`);
  }
  const id = body.data?.[report.field]?.id;
  if (id === undefined) fail(`${report.field} answered HTTP ${response.status} without an id.`);
  return id;
}

let stopping = false;
let wake: (() => void) | undefined;
process.on('SIGINT', () => {
  if (stopping) process.exit(130); // a second Ctrl-C does not wait for the report in flight
  stopping = true;
  wake?.();
});

console.log(
  `Simulating a Carebot against ${url.href}: one report every ${intervalSeconds} s` +
    `${count === Infinity ? ' until Ctrl-C' : `, ${count} in all`}.`,
);
const sessions =
  parsed.sessions === true
    ? playSessions({ url, token, stepMs: 1000, log: (line) => console.log(`      ${line}`) })
    : undefined;
let sent = 0;
let alerts = 0;
while (!stopping && sent < count) {
  const report = REPORTS[sent % REPORTS.length]!();
  const id = await send(report);
  sent += 1;
  if (report.alert !== undefined) alerts += 1;
  const time = new Date().toTimeString().slice(0, 8);
  console.log(
    `${time}  #${sent}  ${report.kind.padEnd(8)} ${report.describe}  → id ${id}` +
      (report.alert === undefined
        ? ''
        : `  ⚠ alert expected with default settings (${report.alert})`),
  );
  if (stopping || sent >= count) break;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, intervalSeconds * 1000);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  wake = undefined;
}
console.log(
  `${stopping ? 'Stopped' : 'Done'}: ${sent} report(s) sent, ${alerts} of them meant to raise an alert.`,
);
await sessions?.stop();
