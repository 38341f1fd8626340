import { NotFoundError } from './errors.js';

/** One of our integer keys, or `undefined` for anything we could not have issued. */
export function keyOf(value: string | number): number | undefined {
  const text = String(value);
  if (!/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

/**
 * Reads a client-supplied `ID` as one of our integer keys. Anything that is not a key we could
 * have issued is simply "not found": an id reveals nothing about what exists.
 */
export function parseId(value: string | number, what: string): number {
  const id = keyOf(value);
  if (id === undefined) throw new NotFoundError(what, String(value).slice(0, 40));
  return id;
}

/** The keys among bulk-operation ids; malformed ones name nothing and are dropped. */
export function bulkKeys(values: readonly string[]): number[] {
  return [...new Set(values)].flatMap((value) => {
    const id = keyOf(value);
    return id === undefined ? [] : [id];
  });
}
