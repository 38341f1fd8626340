/** The `extensions.code` of the first GraphQL error. */
export const codeOf = (errors: readonly { extensions?: Record<string, unknown> }[]) =>
  errors[0]?.extensions?.['code'];

/**
 * Polls `check` until it returns something other than undefined (at most 10 s): for work a
 * background job finishes after the request returned.
 */
export async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
