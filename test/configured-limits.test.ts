import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindFamiliesDocument, SignUpDocument } from './__generated__/graphql.js';
import { createUser, signUpInput } from './factories/users.js';
import { codeOf } from './helpers/assertions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * The SPEC §7 budgets are defaults: a deployment raises or lowers each one from the environment
 * (e.g. a care home signing up its residents from one address).
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    TRUST_PROXY: 'true',
    RATE_LIMIT_SIGN_UP_POINTS: '12',
    RATE_LIMIT_FIND_FAMILIES_POINTS: '2',
    RATE_LIMIT_FIND_FAMILIES_WINDOW_SECONDS: '120',
  });
});
afterAll(async () => {
  await t?.close();
});

describe('rate limits from the environment', () => {
  it('raises signUp per IP: RATE_LIMIT_SIGN_UP_POINTS=12 lets twelve residents sign up from one address', async () => {
    const careHome = { 'x-forwarded-for': '10.9.0.1' };
    for (let i = 0; i < 12; i += 1)
      await t.request(SignUpDocument, { input: signUpInput() }, careHome);
    const refused = await t.requestErrors(SignUpDocument, { input: signUpInput() }, careHome);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    // the window stays SPEC's hour: only the points were configured
    expect(refused[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(3000);
  });

  it('lowers findFamilies per IP and shortens its window', async () => {
    const member = await createUser(t);
    const headers = { ...member.headers, 'x-forwarded-for': '10.9.0.2' };
    const input = {
      mainUserName: '박순자',
      birthDate: '1950-05-05',
      gender: 'FEMALE' as const,
      subRegionCode: '11110',
    };
    for (let i = 0; i < 2; i += 1) await t.request(FindFamiliesDocument, { input }, headers);
    const refused = await t.requestErrors(FindFamiliesDocument, { input }, headers);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(refused[0]?.extensions?.['retryAfterSeconds']).toBeLessThanOrEqual(120);
  });
});
