import type { MailMessage } from '../../mail/mailer.js';
import type { DigestContent } from './digest.sections.js';
import { DigestLocale } from './digest.enums.js';

/**
 * The digest e-mail: each section renders to a small document model (a heading, lines or a table
 * of cells), and one function turns the model into text and another into HTML, escaping every
 * value there. No template engine: the model is the template.
 */
export interface Block {
  heading: string;
  /** Shown when the section has nothing to say. */
  empty?: string;
  /** Free lines (plain text; escaped in HTML). */
  lines?: string[];
  /** A table: the first row is the header. */
  table?: string[][];
}

/** The strings of one locale. */
export interface Labels {
  subject(familyName: string, day: string): string;
  greeting(name: string): string;
  intro(familyName: string, day: string, timeZone: string): string;
  footer: string;
  alerts: string;
  noAlerts: string;
  alertsTotal(total: number, resolved: number): string;
  critical: string;
  raisedAt: string;
  state: string;
  outcome: string;
  toAck: string;
  minutes(n: number): string;
  vitals: string;
  noVitals: string;
  metric: string;
  min: string;
  avg: string;
  max: string;
  count: string;
  usual: string;
  activity: string;
  noActivity: string;
  action: string;
  reports: string;
  duration: string;
  previous: string;
  mood: string;
  noMood: string;
  emotion: string;
  checkIns: string;
  noCheckIns: string;
  checkIn: string;
  answered: string;
  missed: string;
  negative: string;
  enums: Record<string, string>;
}

const KO: Labels = {
  subject: (family, day) => `[Carebot] ${family} 일일 요약 (${day})`,
  greeting: (name) => `${name}님, 안녕하세요.`,
  intro: (family, day, zone) => `${family}의 ${day} 하루 요약입니다 (${zone} 기준).`,
  footer: '이 메일은 일일 요약을 신청하셨기 때문에 발송되었습니다. 앱에서 수신을 끌 수 있습니다.',
  alerts: '알림',
  noAlerts: '알림이 없었습니다.',
  alertsTotal: (total, resolved) => `알림 ${total}건, 그중 ${resolved}건 해결`,
  critical: '긴급 알림',
  raisedAt: '발생',
  state: '상태',
  outcome: '결과',
  toAck: '확인까지',
  minutes: (n) => `${n}분`,
  vitals: '생체 신호',
  noVitals: '측정값이 없었습니다.',
  metric: '항목',
  min: '최저',
  avg: '평균',
  max: '최고',
  count: '횟수',
  usual: '평소 범위',
  activity: '활동',
  noActivity: '활동 기록이 없었습니다.',
  action: '활동',
  reports: '횟수',
  duration: '시간',
  previous: '지난 7일 평균',
  mood: '기분',
  checkIns: '체크인',
  noCheckIns: '예정된 체크인이 없었습니다.',
  checkIn: '질문',
  answered: '응답',
  missed: '미응답',
  negative: '주의 응답',
  noMood: '기분 측정이 없었습니다.',
  emotion: '감정',
  enums: {
    WARN: '주의',
    CRIT: '긴급',
    FIRE: '화재',
    FALL: '낙상',
    DISASTER: '재난',
    HEALTH: '건강',
    ENVIRONMENT: '환경',
    INACTIVITY: '무활동',
    EMERGENCY: '도움 요청',
    SYSTEM: '시스템',
    MOOD: '기분',
    REPORT: '보고서',
    OTHER: '기타',
    OPEN: '미확인',
    ACKNOWLEDGED: '확인됨',
    RESOLVED: '해결됨',
    CANCELLED: '취소됨',
    HANDLED: '처리함',
    FALSE_ALARM: '오경보',
    EMERGENCY_SERVICES_CALLED: '119 신고',
    HEART_RATE: '심박수 (bpm)',
    BLOOD_OXYGEN: '산소포화도 (%)',
    BODY_TEMPERATURE: '체온 (°C)',
    SYSTOLIC: '수축기 혈압 (mmHg)',
    DIASTOLIC: '이완기 혈압 (mmHg)',
    WALKING: '걷기',
    SITTING: '앉아 있기',
    LYING: '누워 있기',
    SLEEPING: '수면',
    EATING: '식사',
    EXERCISING: '운동',
    TALKING: '대화',
    OUTING: '외출',
    JOY: '기쁨',
    SADNESS: '슬픔',
    ANGER: '분노',
    ANXIETY: '불안',
    NEUTRAL: '평온',
  },
};

const EN: Labels = {
  subject: (family, day) => `[Carebot] Daily digest of ${family} (${day})`,
  greeting: (name) => `Hello ${name},`,
  intro: (family, day, zone) => `Here is ${day} for ${family} (${zone}).`,
  footer:
    'You receive this because you turned on the daily digest; you can turn it off in the app.',
  alerts: 'Alerts',
  noAlerts: 'No alerts.',
  alertsTotal: (total, resolved) => `${total} alert(s), ${resolved} resolved`,
  critical: 'Critical alerts',
  raisedAt: 'Raised',
  state: 'State',
  outcome: 'Outcome',
  toAck: 'To acknowledge',
  minutes: (n) => `${n} min`,
  vitals: 'Vital signs',
  noVitals: 'No readings.',
  metric: 'Metric',
  min: 'Min',
  avg: 'Avg',
  max: 'Max',
  count: 'Readings',
  usual: 'Usual range',
  activity: 'Activity',
  noActivity: 'No activity reported.',
  action: 'Activity',
  reports: 'Reports',
  duration: 'Time',
  previous: '7-day average',
  mood: 'Mood',
  checkIns: 'Check-ins',
  noCheckIns: 'No check-ins were due.',
  checkIn: 'Check-in',
  answered: 'Answered',
  missed: 'Missed',
  negative: 'Worrying answers',
  noMood: 'No mood readings.',
  emotion: 'Emotion',
  enums: {
    HEART_RATE: 'Heart rate (bpm)',
    BLOOD_OXYGEN: 'SpO₂ (%)',
    BODY_TEMPERATURE: 'Body temperature (°C)',
    SYSTOLIC: 'Systolic BP (mmHg)',
    DIASTOLIC: 'Diastolic BP (mmHg)',
    EMERGENCY_SERVICES_CALLED: 'Emergency services called',
  },
};

/** The labels of a locale. */
export function labelsOf(locale: DigestLocale): Labels {
  return locale === DigestLocale.EN ? EN : KO;
}

/** An enum value in words: the locale's label, else the value itself made readable. */
function word(t: Labels, value: string | null): string {
  if (value === null) return '–';
  return t.enums[value] ?? value.charAt(0) + value.slice(1).toLowerCase().replaceAll('_', ' ');
}

const num = (value: number, digits = 1) => String(Number(value.toFixed(digits)));

/** The local time of an instant in `zone`, HH:MM. */
function clock(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** The way each section renders (the compiler asks for one per key of DigestContent). */
export const RENDERERS: {
  readonly [K in keyof DigestContent]: (
    value: DigestContent[K],
    t: Labels,
    zone: string,
  ) => Block[];
} = {
  alerts: (alerts, t, zone) => {
    if (alerts.total === 0) return [{ heading: t.alerts, empty: t.noAlerts }];
    const blocks: Block[] = [
      {
        heading: t.alerts,
        lines: [
          t.alertsTotal(alerts.total, alerts.resolved),
          alerts.byGrade.map((g) => `${word(t, g.grade)} ${g.count}`).join(' · '),
          alerts.byKind.map((k) => `${word(t, k.kind)} ${k.count}`).join(' · '),
        ],
      },
    ];
    if (alerts.critical.length > 0)
      blocks.push({
        heading: t.critical,
        table: [
          [t.raisedAt, t.alerts, t.state, t.outcome, t.toAck],
          ...alerts.critical.map((alert) => [
            clock(alert.raisedAt, zone),
            `${word(t, alert.kind)}: ${alert.message}`,
            word(t, alert.state),
            word(t, alert.outcome),
            alert.minutesToAcknowledge === null ? '–' : t.minutes(alert.minutesToAcknowledge),
          ]),
        ],
      });
    return blocks;
  },
  vitals: (vitals, t) =>
    vitals.metrics.length === 0
      ? [{ heading: t.vitals, empty: t.noVitals }]
      : [
          {
            heading: t.vitals,
            table: [
              [t.metric, t.min, t.avg, t.max, t.count, t.usual],
              ...vitals.metrics.map((m) => [
                word(t, m.metric),
                num(m.min),
                num(m.avg),
                num(m.max),
                String(m.count),
                m.usualLow == null || m.usualHigh == null
                  ? '–'
                  : `${num(m.usualLow)}–${num(m.usualHigh)}`,
              ]),
            ],
          },
        ],
  activity: (activity, t) =>
    activity.kinds.length === 0
      ? [{ heading: t.activity, empty: t.noActivity }]
      : [
          {
            heading: t.activity,
            table: [
              [t.action, t.reports, t.duration, t.previous],
              ...activity.kinds.map((k) => [
                word(t, k.action),
                String(k.count),
                t.minutes(Math.round(k.minutes)),
                `${num(k.previousCount)} / ${t.minutes(Math.round(k.previousMinutes))}`,
              ]),
            ],
          },
        ],
  mood: (mood, t) =>
    mood.readings === 0
      ? [{ heading: t.mood, empty: t.noMood }]
      : [
          {
            heading: t.mood,
            table: [
              [t.emotion, t.count],
              ...mood.emotions.map((e) => [word(t, e.emotion), String(e.count)]),
            ],
          },
        ],
  checkIns: (checkIns, t) =>
    checkIns.scheduled === 0
      ? [{ heading: t.checkIns, empty: t.noCheckIns }]
      : [
          {
            heading: t.checkIns,
            table: [
              [t.checkIn, t.count, t.answered, t.missed, t.negative],
              ...checkIns.checkIns.map((c) => [
                c.prompt ?? '',
                String(c.scheduled),
                String(c.answered),
                String(c.missed),
                String(c.negative),
              ]),
            ],
          },
        ],
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function blockText(block: Block): string {
  const lines = [block.heading, '-'.repeat(Math.max(8, block.heading.length))];
  if (block.empty !== undefined) lines.push(block.empty);
  if (block.lines !== undefined) lines.push(...block.lines);
  if (block.table !== undefined) lines.push(...block.table.map((row) => row.join(' | ')));
  return lines.join('\n');
}

function blockHtml(block: Block): string {
  const parts = [`<h2 style="font-size:16px;margin:20px 0 8px">${escapeHtml(block.heading)}</h2>`];
  if (block.empty !== undefined) parts.push(`<p style="color:#666">${escapeHtml(block.empty)}</p>`);
  for (const line of block.lines ?? [])
    parts.push(`<p style="margin:4px 0">${escapeHtml(line)}</p>`);
  if (block.table !== undefined) {
    const [head, ...rows] = block.table;
    const cell = (tag: string, text: string) =>
      `<${tag} style="border:1px solid #ddd;padding:4px 8px;text-align:left">${escapeHtml(text)}</${tag}>`;
    parts.push(
      '<table style="border-collapse:collapse">' +
        `<tr>${head!.map((text) => cell('th', text)).join('')}</tr>` +
        rows.map((row) => `<tr>${row.map((text) => cell('td', text)).join('')}</tr>`).join('') +
        '</table>',
    );
  }
  return parts.join('\n');
}

/** What one e-mail needs besides the content. */
export interface DigestMailInput {
  to: string;
  name: string;
  familyName: string;
  day: string;
  timeZone: string;
  locale: DigestLocale;
  content: DigestContent;
}

/** The digest as an e-mail in the member's language: a text part and an escaped HTML part. */
export function renderDigestMail(input: DigestMailInput): MailMessage {
  const t = labelsOf(input.locale);
  const keys = Object.keys(RENDERERS) as (keyof DigestContent)[];
  const blocks = keys.flatMap((key) =>
    (RENDERERS[key] as (value: unknown, t: Labels, zone: string) => Block[])(
      input.content[key],
      t,
      input.timeZone,
    ),
  );
  const intro = t.intro(input.familyName, input.day, input.timeZone);
  const text = [
    t.greeting(input.name),
    '',
    intro,
    '',
    ...blocks.map((block) => `${blockText(block)}\n`),
    t.footer,
  ].join('\n');
  const lang = input.locale === DigestLocale.EN ? 'en' : 'ko';
  const html =
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(t.subject(input.familyName, input.day))}</title></head>` +
    '<body style="font-family:sans-serif;color:#222;max-width:640px">\n' +
    `<p>${escapeHtml(t.greeting(input.name))}</p>\n<p>${escapeHtml(intro)}</p>\n` +
    blocks.map(blockHtml).join('\n') +
    `\n<p style="color:#888;font-size:12px;margin-top:24px">${escapeHtml(t.footer)}</p>\n</body></html>`;
  return { to: input.to, subject: t.subject(input.familyName, input.day), text, html };
}
