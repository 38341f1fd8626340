import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
// .ci/run asks for a machine-readable summary too, to print one plain "N passed, N failed" line
const jsonReport = process.env['VITEST_JSON_REPORT'];

export default defineConfig({
  // test files declare resolvers too (test/closed-by-default.test.ts); src gets these from tsconfig
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    // type-graphql and Apollo load graphql's CJS build; make the tests use that same instance
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // each test file starts its own server on its own fresh database
    fileParallelism: true,
    pool: 'forks',
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
