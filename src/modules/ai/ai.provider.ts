import { z } from 'zod';
import { Emotion, RiskLevel } from '../report/report.enums.js';
import {
  type MentalReportDraft,
  type PeriodStats,
  writeLocalMentalReport,
} from './mental-report.js';

/** One turn of a conversation as a provider sees it. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A generated reply and who produced it (`local`, or the model name). */
export interface ChatReplyResult {
  content: string;
  provider: string;
}

/** Emotion scores in [0, 1] that sum to 1. */
export interface EmotionScores {
  joy: number;
  sadness: number;
  anger: number;
  anxiety: number;
  neutral: number;
}

export interface MoodResult {
  emotion: Emotion;
  scores: EmotionScores;
  provider: string;
}

/** What the AI features need from a language model. */
export interface AiProvider {
  /** Replies to the last user turn of `history` (oldest first). */
  chatReply(history: readonly ChatTurn[]): Promise<ChatReplyResult>;
  /** The emotional state a text expresses. */
  analyseMood(text: string): Promise<MoodResult>;
  /** A mental report (summary, risk, recommendations) of a period's statistics. */
  writeMentalReport(stats: PeriodStats): Promise<MentalReportDraft>;
}

/**
 * A provider call failed; `retryable` when trying again later may succeed (a timeout, a network
 * error, HTTP 5xx or 429), false when it cannot (another 4xx, an answer of the wrong shape). The
 * job runner reads `retryable`: its attempts are the only retries (see `JOB_MAX_ATTEMPTS`).
 */
export class AiProviderError extends Error {
  override readonly name = 'AiProviderError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const EMOTION_KEYS = ['joy', 'sadness', 'anger', 'anxiety', 'neutral'] as const;
type EmotionKey = (typeof EMOTION_KEYS)[number];

const EMOTION_OF: Record<EmotionKey, Emotion> = {
  joy: Emotion.JOY,
  sadness: Emotion.SADNESS,
  anger: Emotion.ANGER,
  anxiety: Emotion.ANXIETY,
  neutral: Emotion.NEUTRAL,
};

/** Word stems per emotion, Korean and English; a stem counts once per occurrence. */
const LEXICON: Record<Exclude<EmotionKey, 'neutral'>, readonly string[]> = {
  joy: [
    '기쁘',
    '기뻐',
    '행복',
    '좋아',
    '좋았',
    '좋네',
    '즐거',
    '신나',
    '고마',
    '감사',
    'happy',
    'glad',
    'joy',
    'great',
    'wonderful',
    'love',
    'thank',
  ],
  sadness: [
    '슬프',
    '슬퍼',
    '외로',
    '우울',
    '쓸쓸',
    '그리워',
    '보고 싶',
    '보고싶',
    'sad',
    'lonely',
    'depress',
    'miss ',
    'unhappy',
  ],
  anger: ['화나', '화가', '짜증', '억울', '열받', 'angry', 'annoy', 'furious', 'mad at'],
  anxiety: [
    '걱정',
    '불안',
    '무서',
    '무섭',
    '두려',
    '겁나',
    'worried',
    'worry',
    'afraid',
    'anxious',
    'scared',
    'nervous',
  ],
};

function countOccurrences(text: string, stem: string): number {
  let count = 0;
  for (let at = text.indexOf(stem); at !== -1; at = text.indexOf(stem, at + stem.length)) count++;
  return count;
}

/** Scores normalised to sum 1 and the dominant emotion (ties: the first in `EMOTION_KEYS`). */
export function normaliseScores(raw: Record<EmotionKey, number>): {
  emotion: Emotion;
  scores: EmotionScores;
} {
  const clean = Object.fromEntries(
    EMOTION_KEYS.map((key) => [key, Number.isFinite(raw[key]) && raw[key] > 0 ? raw[key] : 0]),
  ) as Record<EmotionKey, number>;
  const total = EMOTION_KEYS.reduce((sum, key) => sum + clean[key], 0);
  if (total === 0) {
    return {
      emotion: Emotion.NEUTRAL,
      scores: { joy: 0, sadness: 0, anger: 0, anxiety: 0, neutral: 1 },
    };
  }
  const scores = Object.fromEntries(
    EMOTION_KEYS.map((key) => [key, Math.round((clean[key] / total) * 10_000) / 10_000]),
  ) as unknown as EmotionScores;
  let best: EmotionKey = 'neutral';
  for (const key of EMOTION_KEYS) if (scores[key] > scores[best]) best = key;
  return { emotion: EMOTION_OF[best], scores };
}

/** Lexicon scores of a text: counts of emotion stems, normalised; neutral when none match. */
export function scoreText(text: string): { emotion: Emotion; scores: EmotionScores } {
  const lower = text.toLowerCase();
  const raw: Record<EmotionKey, number> = { joy: 0, sadness: 0, anger: 0, anxiety: 0, neutral: 0 };
  for (const key of Object.keys(LEXICON) as (keyof typeof LEXICON)[]) {
    for (const stem of LEXICON[key]) raw[key] += countOccurrences(lower, stem);
  }
  return normaliseScores(raw);
}

const HANGUL = /[\u3131-\u318e\uac00-\ud7a3]/;

const REPLIES: Record<'ko' | 'en', Record<Emotion, string>> = {
  ko: {
    [Emotion.JOY]: '그 말씀을 들으니 저도 기뻐요! 오늘 좋은 일이 있으셨군요. 더 이야기해 주세요.',
    [Emotion.SADNESS]:
      '마음이 많이 힘드셨겠어요. 제가 곁에 있을게요. 가족분께 연락해 보시는 건 어떨까요?',
    [Emotion.ANGER]:
      '속상하셨겠어요. 천천히 숨을 한번 쉬어 보세요. 무슨 일이 있었는지 들려주실래요?',
    [Emotion.ANXIETY]:
      '걱정이 많으시군요. 괜찮아요, 함께 생각해 봐요. 필요하면 언제든 가족에게 알릴게요.',
    [Emotion.NEUTRAL]: '말씀 잘 들었어요. 오늘 하루는 어떠셨어요?',
  },
  en: {
    [Emotion.JOY]: "That's lovely to hear! I'm glad you're having a good day. Tell me more.",
    [Emotion.SADNESS]:
      "I'm sorry you're feeling this way. I'm here with you. Would you like to call your family?",
    [Emotion.ANGER]: "That sounds frustrating. Let's take a slow breath together. What happened?",
    [Emotion.ANXIETY]:
      "That sounds worrying. It's all right, we can think it through together. I can let your family know if you need.",
    [Emotion.NEUTRAL]: 'Thank you for telling me. How has your day been?',
  },
};

/** The built-in offline provider: deterministic, no network (`provider: "local"`). */
export class LocalAiProvider implements AiProvider {
  async chatReply(history: readonly ChatTurn[]): Promise<ChatReplyResult> {
    const last = [...history].reverse().find((turn) => turn.role === 'user')?.content ?? '';
    const { emotion } = scoreText(last);
    const language = HANGUL.test(last) ? 'ko' : 'en';
    return { content: REPLIES[language][emotion], provider: 'local' };
  }

  async analyseMood(text: string): Promise<MoodResult> {
    return { ...scoreText(text), provider: 'local' };
  }

  async writeMentalReport(stats: PeriodStats): Promise<MentalReportDraft> {
    return writeLocalMentalReport(stats);
  }
}

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  /** How long one request may take; then it fails as retryable. */
  timeoutMs: number;
}

const SYSTEM_PROMPT =
  'You are Carebot, a warm and patient companion for an elderly person who lives alone. ' +
  'Answer briefly (one to three sentences) in the language of their last message. ' +
  'Never give medical diagnoses; suggest contacting family or a doctor when something sounds serious.';

const MOOD_PROMPT =
  'Classify the emotional state of the user text. Answer with JSON only, exactly: ' +
  '{"emotion":"joy|sadness|anger|anxiety|neutral","scores":{"joy":0,"sadness":0,"anger":0,"anxiety":0,"neutral":0}} ' +
  'where scores are numbers between 0 and 1 that sum to 1.';

const REPORT_PROMPT =
  'You write a weekly wellbeing report for the family and care workers of an elderly person who ' +
  'lives alone, in Korean, from the statistics the user sends (JSON). Be factual and kind; never ' +
  'diagnose. Answer with JSON only, exactly: {"summary":"…","riskLevel":"LOW|MEDIUM|HIGH|CRITICAL",' +
  '"recommendations":["…"]} with a summary under 1,500 characters and at most 5 recommendations.';

const reportSchema = z.object({
  summary: z.string().trim().min(1),
  riskLevel: z.enum(RiskLevel),
  recommendations: z.array(z.string().trim().min(1)).max(20),
});

const completionSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }) }))
    .min(1),
});

const moodSchema = z.object({
  emotion: z.string().optional(),
  scores: z.object({
    joy: z.coerce.number().min(0).max(1),
    sadness: z.coerce.number().min(0).max(1),
    anger: z.coerce.number().min(0).max(1),
    anxiety: z.coerce.number().min(0).max(1),
    neutral: z.coerce.number().min(0).max(1),
  }),
});

/** Takes the JSON object out of a model answer (which may wrap it in prose or a code fence). */
function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) throw new AiProviderError('The model answered no JSON.', false);
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    throw new AiProviderError('The model answered malformed JSON.', false);
  }
}

/**
 * Any OpenAI-compatible `/chat/completions` endpoint (OpenAI, vLLM, Ollama, LM Studio, …). Each
 * call makes exactly one request: retrying is the job runner's (one retry layer, with backoff
 * between attempts); a failure says whether it is worth retrying.
 */
export class OpenAiCompatibleProvider implements AiProvider {
  constructor(private readonly options: OpenAiCompatibleOptions) {}

  async chatReply(history: readonly ChatTurn[]): Promise<ChatReplyResult> {
    const content = await this.complete(
      [{ role: 'system', content: SYSTEM_PROMPT }, ...history],
      false,
    );
    const reply = content.trim();
    if (reply === '') throw new AiProviderError('The model answered an empty reply.', true);
    return { content: reply.slice(0, 2000), provider: this.options.model };
  }

  async analyseMood(text: string): Promise<MoodResult> {
    const content = await this.complete(
      [
        { role: 'system', content: MOOD_PROMPT },
        { role: 'user', content: text },
      ],
      true,
    );
    const parsed = moodSchema.safeParse(extractJson(content));
    if (!parsed.success)
      throw new AiProviderError('The model answered JSON of the wrong shape.', false);
    return { ...normaliseScores(parsed.data.scores), provider: this.options.model };
  }

  async writeMentalReport(stats: PeriodStats): Promise<MentalReportDraft> {
    const content = await this.complete(
      [
        { role: 'system', content: REPORT_PROMPT },
        { role: 'user', content: JSON.stringify(stats) },
      ],
      true,
    );
    const parsed = reportSchema.safeParse(extractJson(content));
    if (!parsed.success)
      throw new AiProviderError('The model answered a report of the wrong shape.', false);
    return {
      summary: parsed.data.summary.slice(0, 5000),
      riskLevel: parsed.data.riskLevel,
      recommendations: parsed.data.recommendations.map((r) => r.slice(0, 500)),
      provider: this.options.model,
    };
  }

  /** One completion, one request; any failure becomes an {@link AiProviderError}. */
  private async complete(
    messages: { role: string; content: string }[],
    json: boolean,
  ): Promise<string> {
    try {
      return await this.request(messages, json);
    } catch (error) {
      if (error instanceof AiProviderError) throw error;
      throw new AiProviderError(`The AI provider failed: ${String(error)}`, true);
    }
  }

  private async request(
    messages: { role: string; content: string }[],
    json: boolean,
  ): Promise<string> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey === undefined
            ? {}
            : { authorization: `Bearer ${this.options.apiKey}` }),
        },
        body: JSON.stringify({
          model: this.options.model,
          messages,
          temperature: json ? 0 : 0.7,
          ...(json ? { response_format: { type: 'json_object' } } : {}),
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new AiProviderError(
        timedOut
          ? `The AI provider did not answer within ${this.options.timeoutMs} ms.`
          : `The AI provider is unreachable: ${error instanceof Error ? error.message : String(error)}`,
        true,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryable = response.status >= 500 || response.status === 429;
      throw new AiProviderError(`The AI provider answered HTTP ${response.status}.`, retryable);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new AiProviderError(
        timedOut ? 'The AI provider timed out.' : 'The AI provider answered malformed JSON.',
        timedOut,
      );
    }
    const parsed = completionSchema.safeParse(body);
    if (!parsed.success)
      throw new AiProviderError('The AI provider answered an unexpected shape.', false);
    return parsed.data.choices[0]!.message.content ?? '';
  }
}

/** The configured provider: OpenAI-compatible when `AI_BASE_URL` is set, else the local one. */
export function createAiProvider(config: {
  aiBaseUrl: string | undefined;
  aiModel: string;
  aiApiKey: string | undefined;
  aiTimeoutMs: number;
}): AiProvider {
  if (config.aiBaseUrl === undefined) return new LocalAiProvider();
  return new OpenAiCompatibleProvider({
    baseUrl: config.aiBaseUrl,
    model: config.aiModel,
    apiKey: config.aiApiKey,
    timeoutMs: config.aiTimeoutMs,
  });
}
