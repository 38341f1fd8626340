import { NotFoundError } from './errors.js';

/**
 * Reads a client-supplied `ID` as one of our integer keys. Anything that is not a key we could
 * have issued is simply "not found": an id reveals nothing about what exists.
 */
export function parseId(value: string | number, what: string): number {
  const text = String(value);
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new NotFoundError(what, text.slice(0, 40));
  const id = Number(text);
  if (!Number.isSafeInteger(id)) throw new NotFoundError(what, text.slice(0, 40));
  return id;
}
