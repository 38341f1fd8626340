import { randomBytes } from 'node:crypto';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Length of a file id: 26 base32 characters carry 130 bits, 128 of them random. */
export const FILE_ID_LENGTH = 26;

/**
 * File ids exactly as {@link newFileId} makes them: 26 lower-case base32 characters. The one
 * pattern every input taking a file id is checked against ({@link IsFileId}), so an id that
 * differs from a real one by case alone is refused at the boundary on every database.
 */
export const FILE_ID = /^[a-z2-7]{26}$/;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A new random, opaque file id. Lower-case base32 rather than base64url: ids must not differ by
 * case alone (the MariaDB id columns compare them in binary collation, SQLite always does).
 */
export function newFileId(): string {
  const bytes = randomBytes(17);
  let bits = 0;
  let value = 0;
  let id = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && id.length < FILE_ID_LENGTH) {
      id += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return id;
}

/**
 * An input field holding a file id (from `createUpload`): anything but {@link FILE_ID}, an
 * upper-cased id included, is BAD_USER_INPUT "must be a file id" on that field.
 */
export function IsFileId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFileId',
      validator: {
        validate: (value) => typeof value === 'string' && FILE_ID.test(value),
        defaultMessage: () => 'must be a file id',
      },
    },
    options,
  );
}
