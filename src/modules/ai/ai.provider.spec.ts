import { describe, expect, it } from 'vitest';
import { Emotion } from '../report/report.enums.js';
import {
  LocalAiProvider,
  createAiProvider,
  OpenAiCompatibleProvider,
  scoreText,
} from './ai.provider.js';

const provider = new LocalAiProvider();

const CORPUS: [string, Emotion][] = [
  ['오늘 손녀가 와서 정말 기쁘고 행복했어요', Emotion.JOY],
  ['날씨가 좋아서 산책했어', Emotion.JOY],
  ['요즘 너무 외롭고 우울해', Emotion.SADNESS],
  ['아들이 전화를 안 해서 슬퍼요', Emotion.SADNESS],
  ['옆집 개가 짖어서 너무 짜증나고 화나', Emotion.ANGER],
  ['내일 병원 검사가 걱정돼서 불안해요', Emotion.ANXIETY],
  ['밤에 혼자 있으면 무서워', Emotion.ANXIETY],
  ['점심으로 국수를 먹었어요', Emotion.NEUTRAL],
  ['I am so happy and glad to see you', Emotion.JOY],
  ['I feel sad and lonely today', Emotion.SADNESS],
  ['The neighbours make me angry', Emotion.ANGER],
  ["I'm worried and afraid about the storm", Emotion.ANXIETY],
  ['I had soup for lunch', Emotion.NEUTRAL],
];

describe('LocalAiProvider', () => {
  it.each(CORPUS)('scores %j as %s', async (text, emotion) => {
    const mood = await provider.analyseMood(text);
    expect(mood.emotion).toBe(emotion);
    expect(mood.provider).toBe('local');
    const values: number[] = Object.values(mood.scores as unknown as Record<string, number>);
    const sum = values.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 3);
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it('is neutral (neutral = 1) when nothing matches, and splits mixed feelings', () => {
    expect(scoreText('').scores).toEqual({ joy: 0, sadness: 0, anger: 0, anxiety: 0, neutral: 1 });
    const mixed = scoreText('기쁘지만 걱정도 돼요');
    expect(mixed.scores.joy).toBeCloseTo(0.5);
    expect(mixed.scores.anxiety).toBeCloseTo(0.5);
    expect(mixed.scores.neutral).toBe(0);
  });

  it('replies deterministically, in the language of the last user message, to its emotion', async () => {
    const ko = await provider.chatReply([
      { role: 'user', content: 'I am happy' },
      { role: 'assistant', content: 'Great!' },
      { role: 'user', content: '요즘 너무 외로워요' },
    ]);
    expect(ko.provider).toBe('local');
    expect(ko.content).toMatch(/[가-힣]/);
    expect(ko.content).toContain('곁에');
    expect(await provider.chatReply([{ role: 'user', content: '요즘 너무 외로워요' }])).toEqual(ko);
    const en = await provider.chatReply([{ role: 'user', content: "I'm worried about tomorrow" }]);
    expect(en.content).not.toMatch(/[가-힣]/);
    expect(en.content).toMatch(/worrying/);
    const neutral = await provider.chatReply([{ role: 'user', content: 'I had soup' }]);
    expect(neutral.content).not.toBe(en.content);
  });

  it('is what createAiProvider picks without AI_BASE_URL', () => {
    const base = { aiModel: 'm', aiApiKey: undefined, aiTimeoutMs: 1000 };
    expect(createAiProvider({ ...base, aiBaseUrl: undefined })).toBeInstanceOf(LocalAiProvider);
    expect(createAiProvider({ ...base, aiBaseUrl: 'http://127.0.0.1:1/v1' })).toBeInstanceOf(
      OpenAiCompatibleProvider,
    );
  });
});
