/** SPEC §4 page sizes (apart from `connection.ts`, so the limits load without decorators). */
export const PAGE_SIZE = { default: 20, max: 100 } as const;
