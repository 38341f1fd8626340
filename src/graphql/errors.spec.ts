import { describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.js';

describe('NotFoundError', () => {
  it('echoes an ordinary id as it is', () => {
    expect(new NotFoundError('Family', 'RmFtaWx5OjE=').message).toBe(
      'Family RmFtaWx5OjE= not found.',
    );
    expect(new NotFoundError('Family', 7).message).toBe('Family 7 not found.');
  });

  it('escapes control and format characters of a client-sent id and cuts a long one', () => {
    const forged = new NotFoundError('Post', 'x\nERROR admin logged in\u202e\u0000').message;
    expect(forged).toBe('Post x\\u000aERROR admin logged in\\u202e\\u0000 not found.');
    for (const raw of ['\n', '\u202e', '\u0000']) expect(forged).not.toContain(raw);
    const long = new NotFoundError('Post', 'a'.repeat(500)).message;
    expect(long).toBe(`Post ${'a'.repeat(64)}… not found.`);
  });
});
