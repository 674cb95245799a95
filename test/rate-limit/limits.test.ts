import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY, startGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { CREATE_DOCUMENT, createAs, createNotes, PASSWORD, userSession } from './support.ts';

warnIfPostgresSkipped('rate limits');

/** A gateway with the notes collection, a clock the test moves, and two signed-in users. */
async function limitedGateway(provider: (typeof PROVIDERS)[number], env: Record<string, string> = {}) {
  let clock = Date.now();
  const t = await startGateway(provider, env, () => clock);
  await createNotes(t);
  return { t, advance: (ms: number) => void (clock += ms), alice: await userSession(t, 'alice'), bob: await userSession(t, 'bob') };
}

async function times<T>(count: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await run(i));
  return results;
}

describe.each(PROVIDERS)('rate limits on %s', (provider) => {
  describe('Appwrite\'s defaults', () => {
    let g: Awaited<ReturnType<typeof limitedGateway>>;
    beforeAll(async () => {
      g = await limitedGateway(provider);
    });
    afterAll(() => g.t.close());

    it('refuses the 121st createDocument of a user from one IP within 60 s; another user or IP is unaffected; the window slides', async () => {
      const { t, alice, bob } = g;
      expect((await times(120, () => createAs(t, alice))).filter(Boolean)).toEqual([]);
      const refused = await t.gql(CREATE_DOCUMENT, { id: 'unique()' }, { key: null, headers: alice });
      expect(refused.data).toEqual({ databasesCreateDocument: null });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ type: 'general_rate_limit_exceeded', code: 429, retryAfter: 60 });
      expect(await createAs(t, bob)).toBeUndefined();
      expect(await createAs(t, alice, { ip: '203.0.113.9' })).toBeUndefined();
      // An IPv6 client spends its /64's budget, whichever of its addresses it calls from.
      expect((await times(120, (i) => createAs(t, alice, { ip: `2001:db8:5:6::${(i + 1).toString(16)}` }))).filter(Boolean)).toEqual([]);
      expect(await createAs(t, alice, { ip: '2001:db8:5:6:ffff::1' })).toBe('general_rate_limit_exceeded');
      expect(await createAs(t, alice, { ip: '2001:db8:5:7::1' })).toBeUndefined();
      // Refusals are not recorded: once the oldest calls leave the window, calls pass again.
      g.advance(59_000);
      expect(await createAs(t, alice)).toBe('general_rate_limit_exceeded');
      g.advance(1_001);
      expect(await createAs(t, alice)).toBeUndefined();
    });

    it('API keys are exempt', async () => {
      const results = await times(130, () => g.t.gql(CREATE_DOCUMENT, { id: 'unique()' }));
      expect(results.filter((r) => r.errors)).toEqual([]);
    });

    it('sign-ins are limited per email, whatever the address (Appwrite\'s 10 per hour)', async () => {
      const { t } = g;
      await t.ok('mutation { usersCreate(userId: "carol", email: "carol@example.com", password: "correct horse battery") { _id } }');
      const signIn = (ip: string) =>
        t.gql('mutation($e: String!, $p: String!) { accountCreateEmailPasswordSession(email: $e, password: $p) { _id } }', { e: 'carol@example.com', p: PASSWORD }, { key: null, ip });
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(`198.51.100.${i + 1}`)));
      expect(answers.filter((a) => !a.errors)).toHaveLength(10);
      expect(answers.filter((a) => a.errors?.[0]?.extensions?.type === 'general_rate_limit_exceeded')).toHaveLength(2);
    });
  });

  describe('counting', () => {
    let g: Awaited<ReturnType<typeof limitedGateway>>;
    beforeAll(async () => {
      g = await limitedGateway(provider, { RATE_LIMITS: '{"databasesCreateDocument":{"max":5}}' });
    });
    afterAll(() => g.t.close());

    it('each alias counts: a mutation with three aliases uses three calls', async () => {
      const { t, alice } = g;
      const three = 'mutation { a: databasesCreateDocument(databaseId: "db", collectionId: "notes", documentId: "unique()", data: {title: "a"}) { _id } b: databasesCreateDocument(databaseId: "db", collectionId: "notes", documentId: "unique()", data: {title: "b"}) { _id } c: databasesCreateDocument(databaseId: "db", collectionId: "notes", documentId: "unique()", data: {title: "c"}) { _id } }';
      expect((await t.gql(three, {}, { key: null, headers: alice })).errors).toBeUndefined();
      const again = await t.gql(three, {}, { key: null, headers: alice });
      expect(again.data).toEqual({ a: { _id: expect.any(String) }, b: { _id: expect.any(String) }, c: null });
      expect(again.errors?.map((e) => e.extensions?.type)).toEqual(['general_rate_limit_exceeded']);
      g.advance(60_000);
    });

    it('each operation of a batch counts, and a batch carries no X-RateLimit-* headers', async () => {
      const { t, bob } = g;
      const operation = { query: CREATE_DOCUMENT, variables: { id: 'unique()' } };
      const response = await t.request('/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...bob }, body: JSON.stringify(Array(7).fill(operation)) });
      const results = (await response.json()) as { errors?: { extensions: { type: string } }[] }[];
      expect(results.filter((r) => !r.errors)).toHaveLength(5);
      expect(results.filter((r) => r.errors?.[0]?.extensions.type === 'general_rate_limit_exceeded')).toHaveLength(2);
      expect(response.headers.get('x-ratelimit-limit')).toBeNull();
      g.advance(60_000);
    });

    it('a single operation answers 200 with X-RateLimit-Limit, -Remaining and -Reset (unix seconds)', async () => {
      const { t, alice } = g;
      const send = () => t.request('/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...alice }, body: JSON.stringify({ query: CREATE_DOCUMENT, variables: { id: 'unique()' } }) });
      const first = await send();
      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-limit')).toBe('5');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('4');
      const reset = Number(first.headers.get('x-ratelimit-reset'));
      expect(reset * 1000).toBeGreaterThanOrEqual(Date.now() + 59_000);
      for (let i = 0; i < 4; i++) await send();
      const refused = await send();
      expect(refused.status).toBe(200);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(((await refused.json()) as { errors: { extensions: { type: string } }[] }).errors[0]!.extensions.type).toBe('general_rate_limit_exceeded');
      // Unlimited operations and API keys get no headers.
      expect((await t.request('/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-appwrite-key': ROOT_KEY }, body: JSON.stringify({ query: CREATE_DOCUMENT, variables: { id: 'unique()' } }) })).headers.get('x-ratelimit-limit')).toBeNull();
    });
  });

  describe('configuration', () => {
    it('RATE_LIMITS_ENABLED=false switches every limit off; RATE_LIMITS false one; RATE_LIMITS_API_KEYS=limited counts keys too', async () => {
      const off = await limitedGateway(provider, { RATE_LIMITS_ENABLED: 'false' });
      expect((await times(125, () => createAs(off.t, off.alice))).filter(Boolean)).toEqual([]);
      await off.t.close();

      const one = await limitedGateway(provider, { RATE_LIMITS: '{"databasesCreateDocument":false,"databasesUpdateDocument":{"max":1,"window":"1h"}}', RATE_LIMITS_API_KEYS: 'limited' });
      expect((await times(125, () => createAs(one.t, one.alice))).filter(Boolean)).toEqual([]);
      const update = 'mutation($id: String!) { databasesUpdateDocument(databaseId: "db", collectionId: "notes", documentId: $id, data: {title: "y"}) { _id } }';
      const { databasesCreateDocument: doc } = await one.t.ok(CREATE_DOCUMENT, { id: 'unique()' });
      expect((await one.t.gql(update, { id: doc._id })).errors).toBeUndefined();
      expect((await one.t.gql(update, { id: doc._id })).errors?.[0]?.extensions?.type).toBe('general_rate_limit_exceeded');
      await one.t.close();
    });

    it('X-Forwarded-For names the client only behind a trusted proxy', async () => {
      const g = await limitedGateway(provider, { TRUST_PROXY: '10.0.0.0/8', RATE_LIMITS: '{"databasesCreateDocument":{"max":1}}' });
      const via = (socket: string, forwardedFor: string) => createAs(g.t, g.alice, { ip: socket, headers: { ...g.alice, 'x-forwarded-for': forwardedFor } });
      expect(await via('10.0.0.1', '203.0.113.1')).toBeUndefined();
      // The same client through another trusted proxy: the same budget.
      expect(await via('10.0.0.2', '203.0.113.1')).toBe('general_rate_limit_exceeded');
      // An untrusted socket's X-Forwarded-For is ignored: it cannot buy a fresh budget.
      expect(await via('192.0.2.7', '203.0.113.50')).toBeUndefined();
      expect(await via('192.0.2.7', '203.0.113.51')).toBe('general_rate_limit_exceeded');
      await g.t.close();
    });
  });
});
