import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BadUserInputError, NotFoundError } from './errors.js';
import { formatError, isInternalError } from './format-error.js';

const hidden = { exposeInternals: false };

describe('formatError', () => {
  it('passes a domain error through with its code and fields', () => {
    const error = new GraphQLError('wrapped', {
      originalError: BadUserInputError.field('input.email', 'is not an email address'),
    });
    expect(formatError(error.toJSON(), error, hidden)).toMatchObject({
      message: 'Invalid input: input.email is not an email address.',
      extensions: { code: 'BAD_USER_INPUT', fields: { 'input.email': 'is not an email address' } },
    });
  });

  it('finds a domain error however deeply it was wrapped', () => {
    const inner = new NotFoundError('Family', '42');
    const outer = new GraphQLError('outer', {
      originalError: new GraphQLError('middle', { originalError: inner }),
    });
    expect(formatError(outer.toJSON(), outer, hidden).extensions).toEqual({ code: 'NOT_FOUND' });
    expect(isInternalError(outer)).toBe(false);
  });

  it('masks anything else as INTERNAL_SERVER_ERROR with no message, stack or SQL', () => {
    const error = new GraphQLError('select * from user where password_hash = ?', {
      originalError: new Error('ER_NO_SUCH_TABLE: select * from user'),
    });
    const formatted = formatError(error.toJSON(), error, hidden);
    expect(formatted).toEqual({
      message: 'Internal server error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(formatted)).not.toMatch(/select|password|stack/i);
    expect(isInternalError(error)).toBe(true);
  });

  it('shows the internal message in development only, under extensions.detail', () => {
    const error = new GraphQLError('boom', { originalError: new Error('boom') });
    expect(formatError(error.toJSON(), error, { exposeInternals: true }).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      detail: 'boom',
    });
  });

  it('does not trust a client-looking code on an error that is not ours', () => {
    const error = new GraphQLError('db down', { extensions: { code: 'DOWNSTREAM' } });
    expect(formatError(error.toJSON(), error, hidden).extensions?.['code']).toBe(
      'INTERNAL_SERVER_ERROR',
    );
  });
});
