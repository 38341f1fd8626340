/**
 * Every MikroORM entity of the application. Listed explicitly (not discovered by glob) so the
 * same list works from TypeScript sources under vitest and from the compiled `dist/` build.
 */
export const entities: Function[] = [];
