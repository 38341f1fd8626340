import { type EntityClass, type EntityKey, type FilterQuery, raw } from '@mikro-orm/core';
import type { EntityManager } from '../../database/orm.js';
import { Notification } from '../notification/notification.entity.js';
import { NotificationGrade } from '../notification/notification.enums.js';
import { Activity, HealthStatus, MentalStatus } from '../report/report.entities.js';
import { ActivityAction, Emotion, RiskLevel } from '../report/report.enums.js';
import { ChatMessage } from './ai.entities.js';
import { ChatRole } from './ai.enums.js';

/** What a mental report is written from: aggregates of the family's records over a period. */
export interface PeriodStats {
  from: Date;
  to: Date;
  mood: {
    /** Mental statuses in the period (every source). */
    analyses: number;
    /** How many had each dominant emotion. */
    dominant: Record<Emotion, number>;
    /** Mean scores, or null without analyses. */
    average: Record<'joy' | 'sadness' | 'anger' | 'anxiety' | 'neutral', number> | null;
  };
  activity: { total: number; falls: number; byAction: Partial<Record<ActivityAction, number>> };
  health: {
    readings: number;
    heartRate: { average: number; min: number; max: number } | null;
    bloodOxygenMin: number | null;
    bodyTemperatureMax: number | null;
  };
  alerts: { warn: number; crit: number };
  /** Messages the elder wrote to the companion. */
  chatMessages: number;
}

/** A report as a provider writes it. */
export interface MentalReportDraft {
  summary: string;
  riskLevel: RiskLevel;
  recommendations: string[];
  provider: string;
}

const num = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** How many rows matching `where` hold each value of `column` (one grouped query). */
async function countBy<T extends object, V extends string>(
  em: EntityManager,
  entity: EntityClass<T>,
  column: EntityKey<T>,
  where: FilterQuery<T>,
): Promise<Map<V, number>> {
  const rows = await em
    .createQueryBuilder(entity)
    .select([column, raw('count(*) as n')] as never)
    .where(where as never)
    .groupBy(column as never)
    .execute<Record<string, unknown>[]>('all', false);
  // unmapped rows are keyed by the column's name in the table, not the property's
  const [field] = em.getMetadata(entity).properties[column].fieldNames;
  return new Map(rows.map((row) => [row[field!] as V, Number(row['n'])]));
}

const sum = (counts: ReadonlyMap<unknown, number>) =>
  [...counts.values()].reduce((total, n) => total + n, 0);

/** Aggregates a family's records in [from, to) with a few grouped queries (no row scans in JS). */
export async function gatherPeriodStats(
  em: EntityManager,
  familyId: number,
  from: Date,
  to: Date,
): Promise<PeriodStats> {
  const period = { family: familyId, measuredAt: { $gte: from, $lt: to } };
  const [moods, moodAverage, actions, health, alerts, chatMessages] = await Promise.all([
    countBy<MentalStatus, Emotion>(em, MentalStatus, 'emotion', period),
    em
      .createQueryBuilder(MentalStatus)
      .select([
        raw('avg(joy) as joy'),
        raw('avg(sadness) as sadness'),
        raw('avg(anger) as anger'),
        raw('avg(anxiety) as anxiety'),
        raw('avg(neutral) as neutral'),
      ])
      .where(period)
      .execute<Record<string, unknown>>('get', false),
    countBy<Activity, ActivityAction>(em, Activity, 'action', period),
    em
      .createQueryBuilder(HealthStatus)
      .select([
        raw('count(*) as readings'),
        raw('avg(heart_rate) as hr_avg'),
        raw('min(heart_rate) as hr_min'),
        raw('max(heart_rate) as hr_max'),
        raw('min(blood_oxygen) as spo2_min'),
        raw('max(body_temperature) as temp_max'),
      ])
      .where(period)
      .execute<Record<string, unknown>>('get', false),
    countBy<Notification, NotificationGrade>(em, Notification, 'grade', {
      family: familyId,
      createdAt: { $gte: from, $lt: to },
      grade: { $in: [NotificationGrade.WARN, NotificationGrade.CRIT] },
    }),
    em.count(ChatMessage, {
      conversation: { family: familyId },
      role: ChatRole.USER,
      createdAt: { $gte: from, $lt: to },
    }),
  ]);

  const dominant = Object.fromEntries(
    Object.values(Emotion).map((emotion) => [emotion, moods.get(emotion) ?? 0]),
  ) as Record<Emotion, number>;
  const analyses = sum(moods);
  const byAction: Partial<Record<ActivityAction, number>> = Object.fromEntries(actions);
  const activities = sum(actions);
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  const hrAverage = num(health['hr_avg']);
  return {
    from,
    to,
    mood: {
      analyses,
      dominant,
      average:
        analyses === 0
          ? null
          : {
              joy: round(num(moodAverage['joy']) ?? 0, 3),
              sadness: round(num(moodAverage['sadness']) ?? 0, 3),
              anger: round(num(moodAverage['anger']) ?? 0, 3),
              anxiety: round(num(moodAverage['anxiety']) ?? 0, 3),
              neutral: round(num(moodAverage['neutral']) ?? 0, 3),
            },
    },
    activity: { total: activities, falls: byAction[ActivityAction.FALL] ?? 0, byAction },
    health: {
      readings: Number(health['readings'] ?? 0),
      heartRate:
        hrAverage === null
          ? null
          : {
              average: Math.round(hrAverage),
              min: num(health['hr_min']) ?? 0,
              max: num(health['hr_max']) ?? 0,
            },
      bloodOxygenMin: num(health['spo2_min']),
      bodyTemperatureMax: num(health['temp_max']),
    },
    alerts: {
      warn: alerts.get(NotificationGrade.WARN) ?? 0,
      crit: alerts.get(NotificationGrade.CRIT) ?? 0,
    },
    chatMessages,
  };
}

/** Whether a period holds nothing to report on. */
export function isEmptyPeriod(stats: PeriodStats): boolean {
  return (
    stats.mood.analyses === 0 &&
    stats.activity.total === 0 &&
    stats.health.readings === 0 &&
    stats.chatMessages === 0
  );
}

/** Share of analyses whose dominant emotion was sadness or anxiety (0 without analyses). */
export function lowMoodShare(stats: PeriodStats): number {
  const { analyses, dominant } = stats.mood;
  return analyses === 0 ? 0 : (dominant[Emotion.SADNESS] + dominant[Emotion.ANXIETY]) / analyses;
}

/**
 * The risk rule of the built-in writer, stated plainly so caregivers can trust it:
 * a fall or a critical alert is HIGH; with a mostly low mood (≥ 60 % of at least 3 analyses) as
 * well it is CRITICAL; a mostly low mood alone is HIGH; a partly low mood (≥ 35 %) or three or
 * more warnings is MEDIUM; anything else LOW.
 */
export function assessRisk(stats: PeriodStats): RiskLevel {
  const share = lowMoodShare(stats);
  const mostlyLow = stats.mood.analyses >= 3 && share >= 0.6;
  const acute = stats.activity.falls > 0 || stats.alerts.crit > 0;
  if (acute && mostlyLow) return RiskLevel.CRITICAL;
  if (acute || mostlyLow) return RiskLevel.HIGH;
  if ((stats.mood.analyses >= 3 && share >= 0.35) || stats.alerts.warn >= 3)
    return RiskLevel.MEDIUM;
  return RiskLevel.LOW;
}

const EMOTION_KO: Record<Emotion, string> = {
  [Emotion.JOY]: '기쁨',
  [Emotion.SADNESS]: '슬픔',
  [Emotion.ANGER]: '분노',
  [Emotion.ANXIETY]: '불안',
  [Emotion.NEUTRAL]: '평온',
};

const seoulDate = (date: Date) =>
  new Intl.DateTimeFormat('ko-KR', {
    timeZone: 'Asia/Seoul',
    month: 'long',
    day: 'numeric',
  }).format(date);

/** The built-in writer: a Korean report built only from the period's statistics. */
export function writeLocalMentalReport(stats: PeriodStats): MentalReportDraft {
  const risk = assessRisk(stats);
  const lines: string[] = [
    `기간: ${seoulDate(stats.from)} ~ ${seoulDate(new Date(stats.to.getTime() - 1))}.`,
  ];
  const recommendations: string[] = [];
  if (isEmptyPeriod(stats)) {
    lines.push('이 기간에는 Carebot이 보낸 기록이 없습니다.');
    recommendations.push('Carebot의 전원과 인터넷 연결 상태를 확인해 주세요.');
    return { summary: lines.join(' '), riskLevel: risk, recommendations, provider: 'local' };
  }

  const { mood } = stats;
  if (mood.analyses > 0 && mood.average !== null) {
    const ranked = (Object.entries(mood.dominant) as [Emotion, number][])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    const share = Math.round(lowMoodShare(stats) * 100);
    lines.push(
      `감정 분석 ${mood.analyses}회 중 주된 감정은 ${ranked
        .map(([emotion, n]) => `${EMOTION_KO[emotion]} ${n}회`)
        .join(', ')}였고, 슬픔·불안이 주된 경우는 ${share}%입니다.`,
    );
  } else {
    lines.push('이 기간에는 감정 분석 기록이 없습니다.');
  }
  if (stats.chatMessages > 0) lines.push(`AI 말벗과 ${stats.chatMessages}번 대화를 나누셨습니다.`);
  lines.push(
    stats.activity.total > 0
      ? `활동 기록 ${stats.activity.total}건${stats.activity.falls > 0 ? `, 그중 넘어짐 ${stats.activity.falls}건` : ', 넘어짐은 없었습니다'}.`
      : '활동 기록이 없습니다.',
  );
  const { health } = stats;
  if (health.heartRate !== null)
    lines.push(
      `심박수는 평균 ${health.heartRate.average}회/분(${health.heartRate.min}~${health.heartRate.max})입니다.`,
    );
  if (health.bloodOxygenMin !== null)
    lines.push(`가장 낮은 산소포화도는 ${health.bloodOxygenMin}%입니다.`);
  lines.push(`경보: 위험 ${stats.alerts.crit}건, 주의 ${stats.alerts.warn}건.`);

  const share = lowMoodShare(stats);
  if (mood.analyses >= 3 && share >= 0.35)
    recommendations.push(
      '슬프거나 불안한 감정이 자주 보입니다. 전화나 방문으로 안부를 자주 여쭤 주세요.',
    );
  if (mood.analyses >= 3 && share >= 0.6)
    recommendations.push(
      '우울감이 이어지고 있습니다. 가까운 정신건강복지센터나 의사와 상담해 보세요.',
    );
  if (stats.activity.falls > 0)
    recommendations.push(
      '넘어짐이 있었습니다. 다치신 곳이 없는지 확인하고 집 안의 미끄러운 곳을 살펴 주세요.',
    );
  if (stats.alerts.crit > 0)
    recommendations.push(
      '위험 경보가 있었습니다. 경보 내역을 확인하고 필요하면 의료진과 상의해 주세요.',
    );
  if (health.bloodOxygenMin !== null && health.bloodOxygenMin < 92)
    recommendations.push('산소포화도가 낮았던 적이 있습니다. 호흡 상태를 의사와 상의해 주세요.');
  if (stats.activity.total === 0)
    recommendations.push('활동 기록이 없습니다. Carebot이 어르신 곁에 있는지 확인해 주세요.');
  if (mood.analyses > 0 && mood.dominant[Emotion.JOY] / mood.analyses >= 0.4)
    recommendations.push('즐거운 대화가 많았습니다. 지금처럼 자주 이야기 나눠 주세요.');
  if (recommendations.length === 0)
    recommendations.push('특별한 이상은 없습니다. 지금처럼 꾸준히 안부를 나눠 주세요.');
  return { summary: lines.join(' '), riskLevel: risk, recommendations, provider: 'local' };
}
