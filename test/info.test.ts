import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { User, UserRole } from '../src/modules/account/user.entity.js';
import { Family } from '../src/modules/family/family.entity.js';
import {
  FamilyRole,
  Membership,
  MembershipStatus,
} from '../src/modules/family/membership.entity.js';
import { daysBefore, seoulDate } from '../src/util/seoul-time.js';
import { NewsItem } from '../src/modules/news/news.entity.js';
import {
  FamilyWeatherDocument,
  MyFamiliesWeatherDocument,
  NewsDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { createUser } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

type Answer = { status: number; body: string; type?: string; delayMs?: number } | 'hang';

/** A fake HTTP server: `answer` decides each response; every request is recorded. */
async function fakeServer(answer: (req: IncomingMessage) => Answer) {
  const requests: URL[] = [];
  const server: Server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(url);
    const step = answer(req);
    if (step === 'hang') return; // never answers: the client's timeout fires
    setTimeout(() => {
      res
        .writeHead(step.status, { 'content-type': step.type ?? 'application/json' })
        .end(step.body);
    }, step.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    requests,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Moves a family's main user (and so the family's weather) to another municipality. */
async function moveTo(t: TestServer, f: TestFamily, subRegionCode: string): Promise<void> {
  await t.server.app.orm.em
    .fork()
    .nativeUpdate(
      User,
      { id: f.main.user.id },
      { masterRegionCode: subRegionCode.slice(0, 2), subRegionCode },
    );
}

const openMeteo = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    latitude: 37.56,
    longitude: 126.98,
    utc_offset_seconds: 32400,
    timezone: 'Asia/Seoul',
    current_units: { temperature_2m: '°C', wind_speed_10m: 'm/s' },
    current: {
      time: '2026-11-24T15:00',
      interval: 900,
      temperature_2m: 4.2,
      relative_humidity_2m: 71,
      apparent_temperature: 0.8,
      precipitation: 0.3,
      weather_code: 61,
      wind_speed_10m: 3.4,
      ...overrides,
    },
  });

describe('Family.weather from Open-Meteo', () => {
  let t: TestServer;
  let fake: Awaited<ReturnType<typeof fakeServer>>;
  /** What the fake answers, by the latitude asked for; good weather otherwise. */
  const byLatitude = new Map<string, Answer>();

  beforeAll(async () => {
    fake = await fakeServer(
      (req) =>
        byLatitude.get(
          new URL(req.url ?? '/', 'http://fake').searchParams.get('latitude') ?? '',
        ) ?? { status: 200, body: openMeteo(), delayMs: 30 },
    );
    t = await startTestServer({
      WEATHER_PROVIDER: 'open-meteo',
      WEATHER_BASE_URL: `${fake.base}/v1`,
      WEATHER_TIMEOUT_MS: '300',
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const asked = (lat: string) =>
    fake.requests.filter((url) => url.searchParams.get('latitude') === lat).length;

  it("answers the weather at the main user's municipal office, then from the cache", async () => {
    const f = await createFamily(t, { caregivers: 1 }); // 11110 종로구, at 37.57 126.98
    const { family } = await t.request(
      FamilyWeatherDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(family?.weather).toEqual({
      temperature: 4.2,
      apparentTemperature: 0.8,
      humidity: 71,
      precipitation: 0.3,
      windSpeed: 3.4,
      condition: 'RAIN',
      weatherCode: 61,
      // 15:00 in Seoul
      observedAt: '2026-11-24T06:00:00.000Z',
      provider: 'open-meteo',
      regionCode: '11110',
    });
    const request = fake.requests.at(-1)!;
    expect(request.pathname).toBe('/v1/forecast');
    expect(Object.fromEntries(request.searchParams)).toEqual({
      latitude: '37.57',
      longitude: '126.98',
      current:
        'temperature_2m,relative_humidity_2m,apparent_temperature,precipitation,weather_code,wind_speed_10m',
      wind_speed_unit: 'ms',
      timezone: 'Asia/Seoul',
    });

    // another viewer, another family in the same municipality: the same reading, no new request
    const before = fake.requests.length;
    const other = await createFamily(t);
    const again = await t.request(
      FamilyWeatherDocument,
      { id: String(other.family.id) },
      other.main.headers,
    );
    const mine = await t.request(
      FamilyWeatherDocument,
      { id: String(f.family.id) },
      f.caregivers[0]!.headers,
    );
    expect(again.family?.weather).toEqual(family?.weather);
    // a caregiver gets the same reading, but not which municipality the elder lives in
    expect(family?.weather?.regionCode).not.toBeNull();
    expect(mine.family?.weather).toEqual({ ...family?.weather, regionCode: null });
    expect(fake.requests.length).toBe(before);
  });

  it('asks once per region for a list of families', async () => {
    const member = await createUser(t, { role: UserRole.MEMBER });
    const em = t.server.app.orm.em.fork();
    const regions = ['26110', '26110', '26110', '27110'];
    for (const region of regions) {
      const f = await createFamily(t);
      await moveTo(t, f, region);
      em.create(Membership, {
        family: em.getReference(Family, f.family.id),
        user: em.getReference(User, member.user.id),
        relation: 'son',
        // a manager: sees the main users' regions (a caregiver would get regionCode null)
        role: FamilyRole.MANAGER,
        status: MembershipStatus.ACTIVE,
      });
    }
    await em.flush();
    const { myFamilies } = await t.request(MyFamiliesWeatherDocument, {}, member.headers);
    expect(myFamilies.map((family) => family.weather?.regionCode)).toEqual(regions);
    // 부산 중구 (35.11) and 대구 중구 (35.87): one request each
    expect(asked('35.11')).toBe(1);
    expect(asked('35.87')).toBe(1);
  });

  it('gives weather null, no error and one warning when the provider fails', async () => {
    const warn = vi.spyOn(t.server.app.logger, 'warn');
    // 인천 중구 37.47: HTTP 500; 광주 동구 35.15: hangs; 대전 동구 36.31: not JSON;
    // 울산 중구 35.57: JSON without the fields
    byLatitude.set('37.47', { status: 500, body: '{"error":true,"reason":"boom"}' });
    byLatitude.set('35.15', 'hang');
    byLatitude.set('36.31', { status: 200, body: '<html>gateway</html>', type: 'text/html' });
    byLatitude.set('35.57', { status: 200, body: openMeteo({ temperature_2m: null }) });
    const cases = [
      ['28110', '37.47'],
      ['29110', '35.15'],
      ['30110', '36.31'],
      ['31110', '35.57'],
    ] as const;
    for (const [region, lat] of cases) {
      const f = await createFamily(t);
      await moveTo(t, f, region);
      // a hanging provider is cut off by WEATHER_TIMEOUT_MS (else the test itself times out)
      const { family } = await t.request(
        FamilyWeatherDocument,
        { id: String(f.family.id) },
        f.main.headers,
      );
      expect(family).toEqual({ id: String(f.family.id), weather: null });
      // the failure is remembered: the next dashboard does not ask (nor warn) again
      await t.request(FamilyWeatherDocument, { id: String(f.family.id) }, f.main.headers);
      expect(asked(lat)).toBe(1);
    }
    const warnings = warn.mock.calls.map(([fields]) => fields as { regionCode?: string });
    expect(warnings.map((fields) => fields.regionCode)).toEqual(cases.map(([region]) => region));
  });

  it('shows a family and its weather to its members only', async () => {
    const f = await createFamily(t, { pending: 1 });
    const stranger = await createUser(t, { role: UserRole.MEMBER });
    for (const headers of [stranger.headers, f.pending[0]!.headers]) {
      const errors = await t.requestErrors(
        FamilyWeatherDocument,
        { id: String(f.family.id) },
        headers,
      );
      expect(codeOf(errors)).toBe('NOT_FOUND');
    }
    expect(codeOf(await t.requestErrors(FamilyWeatherDocument, { id: String(f.family.id) }))).toBe(
      'UNAUTHENTICATED',
    );
  });
});

/** An RSS 2.0 document with the given items. */
function rss(
  title: string,
  items: { title: string; link: string; date?: string; html?: string }[],
) {
  const body = items
    .map(
      (item) =>
        `<item><title>${item.title}</title><link>${item.link}</link>` +
        (item.html === undefined ? '' : `<description><![CDATA[${item.html}]]></description>`) +
        (item.date === undefined ? '' : `<pubDate>${item.date}</pubDate>`) +
        '</item>',
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title>${body}</channel></rss>`;
}

/** An Atom document with the given entries. */
function atom(title: string, entries: { title: string; link: string; date: string }[]) {
  const body = entries
    .map(
      (entry) =>
        `<entry><title>${entry.title}</title><link rel="alternate" href="${entry.link}"/><updated>${entry.date}</updated></entry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title>${body}</feed>`;
}

/** An RFC 822 date at a Seoul wall-clock time of a Seoul date. */
const kst = (date: string, time: string) => new Date(`${date}T${time}+09:00`).toUTCString();

describe('news from RSS and Atom feeds', () => {
  let t: TestServer;
  let fake: Awaited<ReturnType<typeof fakeServer>>;
  let unreachable: string;
  const feeds = new Map<string, Answer>();
  // the day under test is yesterday in Seoul: its items are in the past whatever the time of day
  const today = seoulDate(new Date());
  const yesterday = daysBefore(today, 1);
  const twoDaysAgo = daysBefore(today, 2);

  const news = async (variables: { date?: string; limit?: number }, headers: object) =>
    (await t.request(NewsDocument, variables, headers as Record<string, string>)).news;

  beforeAll(async () => {
    // a port nobody listens on: connection refused
    const closed = await fakeServer(() => ({ status: 200, body: '' }));
    unreachable = `${closed.base}/gone.xml`;
    await closed.close();
    feeds.set('/care.xml', {
      status: 200,
      type: 'application/rss+xml; charset=utf-8',
      body: rss('돌봄 뉴스', [
        {
          title: '돌봄 &amp; 안전',
          link: 'https://news.example/care/1',
          date: kst(yesterday, '12:05:00'),
          html: '<p>어르신 <b>안부</b> 확인</p>',
        },
        {
          title: '공동 기사',
          link: 'https://news.example/shared',
          date: kst(yesterday, '12:01:00'),
        },
        {
          title: '이틀 전 소식',
          link: 'https://news.example/care/0',
          date: kst(twoDaysAgo, '12:00:00'),
        },
        { title: '자정 소식', link: 'https://news.example/care/2', date: kst(today, '00:00:00') },
        { title: '위험한 링크', link: 'javascript:alert(1)', date: kst(yesterday, '12:02:00') },
      ]),
    });
    feeds.set('/health.atom', {
      status: 200,
      type: 'application/atom+xml',
      body: atom('Health Daily', [
        {
          title: 'Shared story',
          link: 'https://news.example/shared',
          date: kst(yesterday, '12:01:00'),
        },
        {
          title: 'Flu season',
          link: 'https://health.example/flu',
          date: new Date(`${yesterday}T12:03:00+09:00`).toISOString(),
        },
      ]),
    });
    feeds.set('/broken.xml', { status: 200, type: 'text/xml', body: '<rss><channel><item>' });
    fake = await fakeServer(
      (req) =>
        feeds.get(new URL(req.url ?? '/', 'http://fake').pathname) ?? { status: 404, body: '' },
    );
    t = await startTestServer({
      NEWS_FEEDS: [
        `${fake.base}/care.xml`,
        `${fake.base}/health.atom`,
        `${fake.base}/broken.xml`,
        unreachable,
      ].join(', '),
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("fills the cache at start; news(date) serves that Seoul day's items, newest first, once per link", async () => {
    const user = await createUser(t);
    // the start-up fetch runs in the background; a refresh queues behind it
    await t.server.app.services.news.refresh();
    const items = await news({ date: yesterday }, user.headers);
    expect(items.map((item) => [item.title, item.link, item.source])).toEqual([
      ['돌봄 & 안전', 'https://news.example/care/1', '돌봄 뉴스'],
      ['Flu season', 'https://health.example/flu', 'Health Daily'],
      // in both feeds: the first configured feed's copy is kept
      ['공동 기사', 'https://news.example/shared', '돌봄 뉴스'],
    ]);
    expect(items[0]).toMatchObject({
      summary: '어르신 안부 확인',
      publishedAt: new Date(`${yesterday}T12:05:00+09:00`).toISOString(),
    });
    expect(items[1]!.summary).toBeNull();
    expect((await news({}, user.headers)).map((item) => item.title)).toEqual(['자정 소식']);
    expect((await news({ date: twoDaysAgo }, user.headers)).map((item) => item.title)).toEqual([
      '이틀 전 소식',
    ]);
    expect(await news({ date: yesterday, limit: 2 }, user.headers)).toEqual(items.slice(0, 2));
  });

  it('skips a broken or unreachable feed with a warning, keeps the rest, and stores each link once across runs', async () => {
    const warn = vi.spyOn(t.server.app.logger, 'warn');
    const em = () => t.server.app.orm.em.fork();
    const before = await em().count(NewsItem, {});
    const care = feeds.get('/care.xml')!;
    // the care feed is down now; the Atom feed has one new story next to a known one
    feeds.set('/care.xml', { status: 503, body: 'maintenance' });
    feeds.set('/health.atom', {
      status: 200,
      body: atom('Health Daily', [
        {
          title: 'Shared story',
          link: 'https://news.example/shared',
          date: kst(yesterday, '12:01:00'),
        },
        {
          title: 'Walk daily',
          link: 'https://health.example/walk',
          date: kst(yesterday, '12:04:00'),
        },
      ]),
    });
    try {
      const result = await t.server.app.services.news.refresh();
      expect(result).toMatchObject({ feeds: 4, failed: 3, stored: 1 });
    } finally {
      feeds.set('/care.xml', care);
    }
    const skipped = warn.mock.calls.map(([fields]) => (fields as { feed?: string }).feed);
    expect(skipped.sort()).toEqual(
      [`${fake.base}/care.xml`, `${fake.base}/broken.xml`, unreachable].sort(),
    );
    // nothing of the failing feed was removed, and nothing is there twice
    expect(await em().count(NewsItem, {})).toBe(before + 1);
    const user = await createUser(t);
    expect((await news({ date: yesterday }, user.headers)).map((item) => item.title)).toEqual([
      '돌봄 & 안전',
      'Walk daily',
      'Flu season',
      '공동 기사',
    ]);

    // a second API node on the same database fetching at the same moment adds nothing twice
    const second = await startTestServer(
      { NEWS_FEEDS: `${fake.base}/care.xml,${fake.base}/health.atom` },
      { shareDatabaseWith: t },
    );
    try {
      await Promise.all([
        t.server.app.services.news.refresh(),
        second.server.app.services.news.refresh(),
      ]);
    } finally {
      await second.close();
    }
    expect(await em().count(NewsItem, {})).toBe(before + 1);
  });

  it('is for signed-in people and Carebot devices; the day must be within the last 30', async () => {
    const f = await createFamily(t);
    expect(await news({ date: yesterday }, f.device.headers)).toHaveLength(4);
    expect(codeOf(await t.requestErrors(NewsDocument, {}))).toBe('UNAUTHENTICATED');
    for (const variables of [
      { date: daysBefore(today, -1) },
      { date: daysBefore(today, 31) },
      { limit: 0 },
      { limit: 101 },
    ]) {
      const errors = await t.requestErrors(NewsDocument, variables, f.main.headers);
      expect(codeOf(errors)).toBe('BAD_USER_INPUT');
      expect(Object.keys(errors[0]!.extensions!['fields'] as object)).toEqual(
        Object.keys(variables),
      );
    }
    expect(await news({ date: daysBefore(today, 30) }, f.main.headers)).toEqual([]);
  });
});

describe('weather and news by default (nothing configured)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers weather null and an empty news list, without any network request', async () => {
    const f = await createFamily(t);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { family } = await t.request(
      FamilyWeatherDocument,
      { id: String(f.family.id) },
      f.main.headers,
    );
    expect(family?.weather).toBeNull();
    expect(await t.server.app.services.news.refresh()).toEqual({
      feeds: 0,
      failed: 0,
      stored: 0,
      purged: 0,
    });
    const { news } = await t.request(NewsDocument, {}, f.main.headers);
    expect(news).toEqual([]);
    // the test's own GraphQL requests go through fetch too; nothing else may
    const outside = fetchSpy.mock.calls
      .map(([input]) => (input instanceof Request ? input.url : String(input)))
      .filter((url) => !url.startsWith(t.url));
    expect(outside).toEqual([]);
  });
});
