import type { EntityManager } from '../../database/orm.js';
import { DAY_MS, seoulDate } from '../../util/seoul-time.js';
import type { User } from '../account/user.entity.js';
import { Emotion } from '../report/report.enums.js';
import { Challenge, ChallengeCheckIn, ChallengePeriod } from './challenge.entities.js';
import { EmotionEntry } from './wellness.entities.js';
import { dayOf } from './wellness.service.js';

/** A fixed three weeks of the demo elder's journal: a hard week, then better ones. */
const DEMO_DAYS: readonly [Emotion, number, string, string[]][] = [
  [Emotion.SADNESS, 7, '비가 와서 하루 종일 집에 있었다.', ['날씨']],
  [Emotion.ANXIETY, 6, '무릎이 아파서 병원 예약을 했다.', ['건강']],
  [Emotion.SADNESS, 6, '', []],
  [Emotion.NEUTRAL, 4, '텔레비전을 봤다.', []],
  [Emotion.ANXIETY, 5, '검사 결과를 기다리는 중.', ['건강']],
  [Emotion.JOY, 6, '아들이 전화했다.', ['가족']],
  [Emotion.SADNESS, 5, '', []],
  [Emotion.NEUTRAL, 5, '아침 산책.', ['산책']],
  [Emotion.JOY, 7, '검사 결과가 괜찮다고 한다.', ['건강']],
  [Emotion.JOY, 6, '복지관에서 노래를 불렀다.', ['복지관']],
  [Emotion.ANGER, 4, '택배가 또 늦었다.', []],
  [Emotion.NEUTRAL, 4, '', []],
  [Emotion.JOY, 8, '손주가 다녀갔다!', ['가족']],
  [Emotion.JOY, 7, '아침 산책. 날씨가 좋았다.', ['산책', '날씨']],
  [Emotion.NEUTRAL, 5, '', []],
  [Emotion.ANXIETY, 3, '약을 깜빡할 뻔했다.', ['건강']],
  [Emotion.JOY, 7, '요양보호사 선생님과 김치를 담갔다.', []],
  [Emotion.JOY, 6, '아침 산책.', ['산책']],
  [Emotion.NEUTRAL, 5, '', []],
  [Emotion.JOY, 8, '주말에 아들이 온다고 한다.', ['가족']],
  [Emotion.JOY, 7, '아침 산책.', ['산책']],
];

/**
 * `npm run seed:demo`'s share of the wellness module: three weeks of journal entries for the demo
 * elder, one a day up to `end` (a gap on the 4th day, so the streaks show), and a four-week
 * walking challenge half-way through with its check-ins. Created on `em`; the caller flushes.
 * Returns what it wrote, for the summary line.
 */
export function seedWellnessDemo(em: EntityManager, elder: User, end: Date): string {
  const last = dayOf(seoulDate(end)).getTime();
  let entries = 0;
  DEMO_DAYS.forEach(([emotion, intensity, note, tags], index) => {
    const daysAgo = DEMO_DAYS.length - 1 - index;
    if (daysAgo === DEMO_DAYS.length - 4) return;
    const day = new Date(last - daysAgo * DAY_MS);
    const writtenAt = new Date(day.getTime() + 12 * 3600_000);
    em.create(EmotionEntry, {
      owner: elder,
      emotion,
      intensity,
      note,
      tags,
      day,
      createdAt: writtenAt,
      updatedAt: writtenAt,
    });
    entries += 1;
  });
  const challenge = em.create(Challenge, {
    owner: elder,
    title: '아침 산책 20분',
    description: '매일 아침 식사 전에 동네 한 바퀴.',
    period: ChallengePeriod.DAILY,
    targetCount: 1,
    startDay: new Date(last - 13 * DAY_MS),
    endDay: new Date(last + 14 * DAY_MS),
    createdAt: new Date(last - 13 * DAY_MS),
  });
  let checkIns = 0;
  for (let daysAgo = 13; daysAgo >= 0; daysAgo -= 1) {
    if (daysAgo === 9 || daysAgo === 5) continue;
    const day = new Date(last - daysAgo * DAY_MS);
    em.create(ChallengeCheckIn, {
      challenge,
      day,
      createdAt: new Date(day.getTime() + 8 * 3600_000),
    });
    checkIns += 1;
  }
  return `${entries} journal entries, 1 challenge with ${checkIns} check-ins`;
}
