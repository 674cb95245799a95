import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachGateway, startGateway, type TestGateway } from '../support/gateway.ts';
import { PASSWORD, REDIS_URL, uniquePrefix, warnIfRedisSkipped } from './support.ts';

warnIfRedisSkipped('sign-in failures on Redis');

const SIGN_IN = 'mutation($e: String!, $p: String!) { accountCreateEmailPasswordSession(email: $e, password: $p) { _id } }';

describe.skipIf(!REDIS_URL)('sign-in failures counted on Redis', () => {
  let a: TestGateway & { url: string };
  let b: TestGateway;
  beforeAll(async () => {
    // Appwrite's 10 sign-ins per hour per email is a separate limit; off here so only the failure counter acts.
    const env = { REDIS_URL, REDIS_KEY_PREFIX: uniquePrefix('attempts'), RATE_LIMITS: '{"accountCreateEmailPasswordSession":false}' };
    a = await startGateway('sqlite', env);
    b = await attachGateway('sqlite', a.url, env);
    await a.ok('mutation($p: String!) { usersCreate(userId: "dan", email: "dan@example.com", password: $p) { _id } }', { p: PASSWORD });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('are shared by instances: failures on one refuse even the right password on the other', async () => {
    const failures = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).gql(SIGN_IN, { e: 'dan@example.com', p: 'wrong password' }, { key: null })));
    expect(failures.map((f) => f.errors?.[0]?.extensions?.type)).toEqual(Array(10).fill('user_invalid_credentials'));
    expect((await b.gql(SIGN_IN, { e: 'DAN@example.com', p: PASSWORD }, { key: null })).errors?.[0]?.extensions?.type).toBe('general_rate_limit_exceeded');
    expect((await a.gql(SIGN_IN, { e: 'dan@example.com', p: PASSWORD }, { key: null })).errors?.[0]?.extensions?.type).toBe('general_rate_limit_exceeded');
  });
});
