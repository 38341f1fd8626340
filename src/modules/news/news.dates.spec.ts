import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../graphql/errors.js';
import { seoulDate, seoulDay } from '../../util/seoul-time.js';
import { newsDay } from './news.dates.js';

describe('Seoul days', () => {
  it('puts 15:00 UTC on the next Seoul day', () => {
    expect(seoulDate(new Date('2026-11-24T14:59:59.999Z'))).toBe('2026-11-24');
    expect(seoulDate(new Date('2026-11-24T15:00:00Z'))).toBe('2026-11-25');
    expect(seoulDay('2026-11-25')).toEqual({
      from: new Date('2026-11-24T15:00:00Z'),
      to: new Date('2026-11-25T15:00:00Z'),
    });
  });

  it('defaults news to today in Seoul and refuses the future and the purged past', () => {
    const now = new Date('2026-11-24T16:00:00Z'); // 01:00 on the 25th in Seoul
    expect(newsDay(undefined, now)).toBe('2026-11-25');
    expect(newsDay('2026-11-25', now)).toBe('2026-11-25');
    expect(newsDay('2026-10-26', now)).toBe('2026-10-26');
    expect(() => newsDay('2026-11-26', now)).toThrow(BadUserInputError);
    expect(() => newsDay('2026-10-25', now)).toThrow(/kept for 30 days/);
  });
});
