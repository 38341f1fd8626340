import { describe, expect, it } from 'vitest';
import { sniffContentType } from './file.purposes.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))),
  );

describe('sniffContentType', () => {
  it('names images and PDFs by their signatures', () => {
    expect(sniffContentType(bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'))).toBe('image/jpeg');
    expect(sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR'))).toBe(
      'image/png',
    );
    expect(sniffContentType(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '))).toBe('image/webp');
    expect(sniffContentType(bytes('%PDF-1.7\n', [0xe2, 0xe3, 0xcf, 0xd3]))).toBe('application/pdf');
  });

  it('needs the whole signature at the very start', () => {
    expect(sniffContentType(bytes('%PDF'))).toBe('text/csv');
    expect(sniffContentType(bytes(' %PDF-1.7'))).toBe('text/csv');
    expect(sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    expect(sniffContentType(bytes('RIFF', 'abcd', 'WAVE'))).toBe('text/csv');
  });

  it('takes UTF-8 text with tabs and line breaks (and a byte order mark) as CSV', () => {
    expect(sniffContentType(bytes('name,score\r\n김영희,3\n'))).toBe('text/csv');
    expect(sniffContentType(bytes([0xef, 0xbb, 0xbf], 'a\tb\n'))).toBe('text/csv');
  });

  it('refuses NUL and other control bytes, and text that is not UTF-8', () => {
    expect(sniffContentType(bytes('a,b\n', [0], 'c\n'))).toBeUndefined();
    expect(sniffContentType(bytes('a,b', [0x1b], '[31m\n'))).toBeUndefined();
    expect(sniffContentType(bytes('a,b', [0x7f]))).toBeUndefined();
    // "김영희" in EUC-KR: a common legacy encoding of Korean spreadsheets
    expect(sniffContentType(bytes([0xb1, 0xe8, 0xbf, 0xb5, 0xc8, 0xf1]))).toBeUndefined();
  });
});
