import { seedCommunityDemo } from '../modules/community/community.seed.js';
import { parseArgs } from 'node:util';
import { hashPassword } from '../auth/passwords.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { createOrm, type EntityManager, migrateUp } from '../database/orm.js';
import { Gender, User, UserRole } from '../modules/account/user.entity.js';
import { seedAdminDemo } from '../modules/admin/admin.seed.js';
import { Device } from '../modules/device/device.entity.js';
import { Family } from '../modules/family/family.entity.js';
import { FamilyRole, Membership, MembershipStatus } from '../modules/family/membership.entity.js';
import { Message } from '../modules/message/message.entity.js';
import { Notification, NotificationRead } from '../modules/notification/notification.entity.js';
import { NotificationGrade, NotificationKind } from '../modules/notification/notification.enums.js';
import {
  Activity,
  HealthStatus,
  HomeStatus,
  MentalReport,
  MentalStatus,
} from '../modules/report/report.entities.js';
import {
  ActivityAction,
  Emotion,
  MentalSource,
  RiskLevel,
} from '../modules/report/report.enums.js';
import { CarebotSettings } from '../modules/settings/settings.entity.js';
import { seedRoutineDemo } from '../modules/routine/routine.demo.js';
import { seedWellnessDemo } from '../modules/wellness/wellness.seed.js';
import { seededRandom } from '../util/seeded-random.js';

/**
 * `npm run seed:demo [-- --reset]` writes a demo family into the configured database: an elder
 * (MAIN), a manager and a caregiver, default Carebot settings, one device and a week of readings,
 * notifications and messages, so the dashboard has something to show. Straight through the ORM
 * (one flush), so it takes seconds. Refuses NODE_ENV=production: the password is public.
 */

/** A fixed password, printed below: fine on a laptop, never anywhere real. */
const DEMO_PASSWORD = 'carebot-demo-1234';
const EMAIL = {
  main: 'main@demo.carebot.local',
  manager: 'manager@demo.carebot.local',
  caregiver: 'caregiver@demo.carebot.local',
} as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The elder lives in Seoul: the daily rhythm follows Korean time (UTC+9, no daylight saving). */
const KST_OFFSET = 9 * HOUR;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

// the same week of values on every run
const random = seededRandom(20_250_101);
const between = (min: number, max: number) => min + random() * (max - min);
const round1 = (value: number) => Math.round(value * 10) / 10;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Hours since Korean midnight, e.g. 13.5 for 13:30 KST. */
const kstHour = (at: Date) => ((((at.getTime() + KST_OFFSET) % DAY) + DAY) % DAY) / HOUR;

/** The ten-minute grid the readings lie on, ending at the last ten-minute mark before now. */
const END = new Date(Math.floor(Date.now() / (10 * MINUTE)) * 10 * MINUTE);
const START = new Date(END.getTime() - 7 * DAY);

/** `hh:mm` Korean time, `daysAgo` Korean calendar days before today (on the 10-minute grid). */
function kst(daysAgo: number, hh: number, mm: number): Date {
  const todayKst = Math.floor((END.getTime() + KST_OFFSET) / DAY) * DAY - KST_OFFSET;
  return new Date(todayKst - daysAgo * DAY + hh * HOUR + mm * MINUTE);
}

/** Moments of the week that the readings, notifications and messages agree on. */
const EVENTS = {
  deviceRegistered: new Date(START.getTime() - HOUR),
  dustSpike: kst(5, 18, 0),
  fall: kst(3, 15, 10),
  fastHeart: kst(2, 10, 30),
  dustEvening: kst(1, 18, 10),
};
const same = (a: Date, b: Date) => a.getTime() === b.getTime();

/** What the elder is usually doing at a Korean hour of the day. */
function usualAction(hour: number, day: number): ActivityAction {
  if (hour < 6.5 || hour >= 22) return ActivityAction.SLEEPING;
  if (hour < 7) return ActivityAction.LYING;
  if (hour < 7.5) return ActivityAction.WALKING;
  if (hour < 8.25) return ActivityAction.EATING;
  if (hour < 10) return pick([ActivityAction.SITTING, ActivityAction.TALKING]);
  // a morning walk outside on most days, stretching at home on the others
  if (hour < 11) return day % 3 === 2 ? ActivityAction.EXERCISING : ActivityAction.OUTING;
  if (hour < 12) return ActivityAction.SITTING;
  if (hour < 12.75) return ActivityAction.EATING;
  if (hour < 14.5) return pick([ActivityAction.LYING, ActivityAction.SITTING]);
  if (hour < 17.5)
    return pick([
      ActivityAction.SITTING,
      ActivityAction.TALKING,
      ActivityAction.WALKING,
      ActivityAction.OTHER,
    ]);
  if (hour < 18.5) return ActivityAction.EATING;
  if (hour < 21.5) return pick([ActivityAction.SITTING, ActivityAction.TALKING]);
  return ActivityAction.WALKING;
}
const cooking = (hour: number) =>
  (hour >= 7.25 && hour < 8) || (hour >= 11.75 && hour < 12.5) || (hour >= 17.25 && hour < 18.25);

const { values: args } = parseArgs({ options: { reset: { type: 'boolean' } }, strict: true });

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
if (config.env === 'production')
  fail('seed:demo refuses to run with NODE_ENV=production: the demo password is public.');

const where =
  config.database.driver === 'sqlite'
    ? `SQLite ${config.database.path}`
    : `MariaDB ${(() => {
        const url = new URL(config.database.url);
        return `${url.host}${url.pathname}`;
      })()}`;

/** Deletes the demo users; the family and everything in it go with the main user (ON DELETE CASCADE). */
async function resetDemo(em: EntityManager): Promise<void> {
  const removed = await em.nativeDelete(User, { email: { $in: Object.values(EMAIL) } });
  console.log(`--reset: deleted ${removed} demo account(s) and the demo family with its data.`);
}

async function seed(em: EntityManager): Promise<{ family: Family; token: string; counts: string }> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accountsSince = new Date(START.getTime() - DAY);
  const common = {
    passwordHash,
    masterRegionCode: '11',
    subRegionCode: '11110',
    createdAt: accountsSince,
  };
  const main = em.create(User, {
    ...common,
    email: EMAIL.main,
    name: '김영희',
    role: UserRole.MAIN,
    birthDate: '1946-04-12',
    gender: Gender.FEMALE,
    addressDetail: '데모아파트 101동 1001호',
    phone: '01000000001',
  });
  const manager = em.create(User, {
    ...common,
    email: EMAIL.manager,
    name: '이민수',
    role: UserRole.MEMBER,
    birthDate: '1972-09-03',
    gender: Gender.MALE,
    phone: '01000000002',
  });
  const caregiver = em.create(User, {
    ...common,
    email: EMAIL.caregiver,
    name: '박수진',
    role: UserRole.MEMBER,
    birthDate: '1968-01-20',
    gender: Gender.FEMALE,
    phone: '01000000003',
  });
  const family = em.create(Family, {
    familyName: '김영희 님 댁',
    memo: 'Demo family from npm run seed:demo. 아침 산책을 좋아하심.',
    mainUser: main,
    createdAt: accountsSince,
  });
  em.create(CarebotSettings, { family });
  em.create(Membership, {
    family,
    user: manager,
    relation: '아들',
    role: FamilyRole.MANAGER,
    status: MembershipStatus.ACTIVE,
    createdAt: accountsSince,
  });
  em.create(Membership, {
    family,
    user: caregiver,
    relation: '요양보호사',
    role: FamilyRole.CAREGIVER,
    status: MembershipStatus.ACTIVE,
    createdAt: accountsSince,
  });
  const token = newToken();
  const device = em.create(Device, {
    family,
    name: '거실 케어봇',
    tokenHash: hashToken(token),
    lastSeenAt: END,
    createdAt: EVENTS.deviceRegistered,
  });

  // devices send readings a few seconds after measuring them
  const stored = (at: Date) => new Date(at.getTime() + 2000 + Math.floor(random() * 3000));
  let home = 0;
  let health = 0;
  let activities = 0;
  let mental = 0;
  let temperature = 22;
  let humidity = 46;

  for (let t = START.getTime() + 10 * MINUTE; t <= END.getTime(); t += 10 * MINUTE) {
    const at = new Date(t);
    const hour = kstHour(at);
    const day = Math.floor((t - START.getTime()) / DAY);
    const asleep = hour < 6.5 || hour >= 22;

    // home, every 10 minutes: warmer in the afternoon, steam and dust while cooking
    const target = 21 + 2 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + (asleep ? -0.5 : 0);
    temperature += (target - temperature) * 0.3 + between(-0.15, 0.15);
    humidity += ((cooking(hour) ? 56 : 45) - humidity) * 0.25 + between(-0.6, 0.6);
    let dust = cooking(hour) ? between(35, 60) : between(12, 30);
    if (same(at, EVENTS.dustSpike)) dust = 82;
    if (same(at, EVENTS.dustEvening)) dust = 78;
    em.create(HomeStatus, {
      family,
      temperature: round1(temperature),
      humidity: round1(humidity),
      dustDensity: round1(dust),
      gasLevel: Math.round(cooking(hour) ? between(250, 450) : between(40, 120)),
      measuredAt: at,
      createdAt: stored(at),
    });
    home += 1;

    // vitals, every 30 minutes: slower asleep, faster after the morning walk; blood pressure twice a day
    if (t % (30 * MINUTE) === 0) {
      const active = hour >= 10 && hour < 11;
      let heartRate = Math.round(
        asleep ? between(55, 62) : active ? between(84, 98) : between(64, 78),
      );
      if (same(at, EVENTS.fastHeart)) heartRate = 124;
      const pressure =
        Math.abs(hour - 8) < 0.01 || Math.abs(hour - 20) < 0.01
          ? { systolic: Math.round(between(118, 138)), diastolic: Math.round(between(72, 86)) }
          : {};
      em.create(HealthStatus, {
        family,
        heartRate,
        bloodOxygen: Math.round(between(95, 99)),
        bodyTemperature: t % (2 * HOUR) === 0 ? round1(between(36.3, 36.9)) : null,
        ...pressure,
        measuredAt: at,
        createdAt: stored(at),
      });
      health += 1;
    }

    // activities: every 30 minutes awake, every 2 hours asleep (and a trip to the bathroom at 3)
    const activityDue = asleep ? t % (2 * HOUR) === 0 : t % (30 * MINUTE) === 0;
    const bathroom = Math.abs(hour - 3) < 0.01 && day % 2 === 0;
    if (activityDue || bathroom) {
      em.create(Activity, {
        family,
        action: bathroom ? ActivityAction.WALKING : usualAction(hour, day),
        score: Math.round(between(0.72, 0.98) * 100) / 100,
        measuredAt: at,
        createdAt: stored(at),
      });
      activities += 1;
    }
    if (same(at, EVENTS.fall)) {
      em.create(Activity, {
        family,
        action: ActivityAction.FALL,
        score: 0.93,
        measuredAt: at,
        createdAt: stored(at),
      });
      activities += 1;
    }

    // mood, twice a day: after breakfast (conversation) and in the evening (voice)
    if (Math.abs(hour - 9) < 0.01 || Math.abs(hour - 19.5) < 0.01) {
      const morning = hour < 12;
      const afterFall = t > EVENTS.fall.getTime() && t < EVENTS.fall.getTime() + DAY;
      const emotion = afterFall
        ? Emotion.ANXIETY
        : day === 1 && !morning
          ? Emotion.SADNESS
          : pick([Emotion.JOY, Emotion.NEUTRAL, Emotion.NEUTRAL]);
      const raw: Record<Emotion, number> = {
        [Emotion.JOY]: between(0.02, 0.15),
        [Emotion.SADNESS]: between(0.02, 0.1),
        [Emotion.ANGER]: between(0, 0.05),
        [Emotion.ANXIETY]: between(0.02, 0.1),
        [Emotion.NEUTRAL]: between(0.1, 0.25),
      };
      raw[emotion] += between(0.45, 0.65);
      const sum = Object.values(raw).reduce((a, b) => a + b, 0);
      const score = (e: Emotion) => Math.round((raw[e] / sum) * 100) / 100;
      em.create(MentalStatus, {
        family,
        emotion,
        joy: score(Emotion.JOY),
        sadness: score(Emotion.SADNESS),
        anger: score(Emotion.ANGER),
        anxiety: score(Emotion.ANXIETY),
        neutral: score(Emotion.NEUTRAL),
        source: morning ? MentalSource.CONVERSATION : MentalSource.VOICE,
        measuredAt: at,
        createdAt: stored(at),
      });
      mental += 1;
    }
  }

  em.create(MentalReport, {
    family,
    periodStart: START,
    periodEnd: new Date(END.getTime() - 10 * MINUTE),
    summary:
      '이번 주 어르신의 기분은 대체로 안정적이었습니다. 아침 대화에서 산책과 식사 이야기를 즐겁게 하셨습니다. ' +
      '넘어지신 다음 날에는 불안감이 높았으나 이틀 뒤 회복되었습니다. 저녁 시간에 한 차례 외로움을 표현하셨습니다.',
    riskLevel: RiskLevel.MEDIUM,
    recommendations: [
      '낙상 이후 거동을 며칠 더 지켜봐 주세요.',
      '저녁 시간에 가족의 안부 전화가 도움이 됩니다.',
      '아침 산책을 계속하시도록 격려해 주세요.',
    ],
    createdAt: new Date(END.getTime() - 5 * MINUTE),
  });

  const notify = (
    at: Date,
    grade: NotificationGrade,
    kind: NotificationKind,
    message: string,
    readBy: User[],
    acknowledgedBy?: User,
  ) => {
    const notification = em.create(Notification, {
      family,
      grade,
      kind,
      message,
      createdAt: stored(at),
      ...(acknowledgedBy === undefined
        ? {}
        : { acknowledgedBy, acknowledgedAt: new Date(at.getTime() + 4 * MINUTE) }),
    });
    for (const user of readBy)
      em.create(NotificationRead, {
        notification,
        user,
        readAt: new Date(at.getTime() + 3 * MINUTE),
      });
  };
  // the texts the server's alert rules write for the same readings
  notify(
    EVENTS.deviceRegistered,
    NotificationGrade.INFO,
    NotificationKind.SYSTEM,
    'Carebot "거실 케어봇" was registered.',
    [manager],
  );
  notify(
    EVENTS.dustSpike,
    NotificationGrade.INFO,
    NotificationKind.ENVIRONMENT,
    'Fine dust 82 µg/m³ is above 75 µg/m³.',
    [manager, caregiver],
  );
  notify(
    EVENTS.fall,
    NotificationGrade.CRIT,
    NotificationKind.FALL,
    'A fall was detected.',
    [manager, caregiver, main],
    manager,
  );
  notify(
    EVENTS.fastHeart,
    NotificationGrade.WARN,
    NotificationKind.HEALTH,
    'Heart rate 124 bpm is outside 45–120 bpm.',
    [manager],
  );
  notify(
    EVENTS.dustEvening,
    NotificationGrade.INFO,
    NotificationKind.ENVIRONMENT,
    'Fine dust 78 µg/m³ is above 75 µg/m³.',
    [],
  );

  const say = (
    at: Date,
    from: User,
    to: User,
    content: string,
    options: { read?: boolean; viaCarebot?: boolean } = {},
  ) =>
    em.create(Message, {
      family,
      fromUser: from,
      toUser: to,
      content,
      createdAt: at,
      readAt: options.read === false ? null : new Date(at.getTime() + 20 * MINUTE),
      ...(options.viaCarebot === true ? { sentByDevice: device } : {}),
    });
  say(kst(6, 9, 20), manager, main, '어머니, 내일 오후 2시 병원 예약 잊지 마세요.');
  say(kst(6, 9, 40), main, manager, '알았다. 고맙다 아들.', { viaCarebot: true });
  say(kst(5, 10, 0), caregiver, main, '어르신, 목요일 오전 10시에 방문드리겠습니다.');
  say(
    new Date(EVENTS.fall.getTime() + 6 * MINUTE),
    manager,
    caregiver,
    '어머니 넘어지셨다는 알림 받았어요. 내일 방문 때 한번 살펴봐 주시겠어요?',
  );
  say(
    new Date(EVENTS.fall.getTime() + 25 * MINUTE),
    caregiver,
    manager,
    '네, 전화 드렸어요. 무릎에 멍이 조금 있으시고 다른 이상은 없으시대요.',
  );
  say(kst(1, 19, 40), main, manager, '저녁 잘 먹었다. 걱정 마라.', { viaCarebot: true });
  say(new Date(END.getTime() - 30 * MINUTE), manager, main, '주말에 찾아뵐게요!', { read: false });

  const routine = seedRoutineDemo(em, family, START, END);
  const wellness = seedWellnessDemo(em, main, END);

  // one flush: the unit of work sends multi-row INSERTs, a few statements per table
  await em.flush();
  await routine.learnBaselines();
  return {
    family,
    token,
    counts: `${home} home, ${health} health, ${activities} activity and ${mental} mood readings, 1 mental report, 5 notifications, 7 messages, ${wellness}`,
  };
}

const orm = await createOrm({ database: config.database, dbPoolMax: 2, dbDebug: false });
try {
  if (config.migrateOnStart) await migrateUp(orm);
  const em = orm.em.fork();
  await seedAdminDemo(em);
  const exists = (await em.count(User, { email: EMAIL.main })) > 0;
  if (exists && args.reset !== true) {
    console.log(
      [
        `The demo family is already in ${where} (${EMAIL.main} exists): nothing to do.`,
        `Log in as ${Object.values(EMAIL).join(', ')} with the password ${DEMO_PASSWORD},`,
        'or run `npm run seed:demo -- --reset` to delete the demo family and seed it again',
        '(with a new device token: the old one is shown only once).',
      ].join('\n'),
    );
  } else {
    if (exists) await resetDemo(em);
    const started = performance.now();
    const { family, token, counts } = await seed(em);
    const community = await seedCommunityDemo(em, [EMAIL.manager, EMAIL.caregiver]);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const login = `mutation { logIn(email: \\"${EMAIL.manager}\\", password: \\"${DEMO_PASSWORD}\\") { token } }`;
    console.log(
      [
        `Seeded the demo family "${family.familyName}" (id ${family.id}) into ${where} in ${seconds} s:`,
        `  ${counts},`,
        `  community: ${community},`,
        `  from ${START.toISOString()} to ${END.toISOString()}.`,
        '',
        `Log in (every account has the password ${DEMO_PASSWORD}):`,
        `  MAIN       김영희  ${EMAIL.main}`,
        `  MANAGER    이민수  ${EMAIL.manager}    (아들)`,
        `  CAREGIVER  박수진  ${EMAIL.caregiver}  (요양보호사)`,
        '',
        'Device token of "거실 케어봇" (shown once; only its hash is stored):',
        `  ${token}`,
        '',
        'Try it with the server running (npm start):',
        `  curl -s localhost:${config.port}/graphql -H 'content-type: application/json' \\`,
        `    -d '{"query":"${login}"}'`,
        `  npm run simulate:carebot -- --token ${token}`,
        '',
        'WARNING: the demo password is fixed and public. Use this data for local demos only.',
      ].join('\n'),
    );
  }
} finally {
  await orm.close();
}
