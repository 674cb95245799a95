import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY, startGateway, type TestGateway } from '../support/gateway.ts';

// The HTTP surface does not depend on the provider: SQLite only.
describe('HTTP surface', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('sqlite');
  });
  afterAll(async () => t?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-appwrite-key': ROOT_KEY, ...headers }, body: JSON.stringify(body) });

  it('answers health with 200 JSON once the database is up', async () => {
    const response = await t.request('/v1/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'pass', database: { status: 'pass', provider: 'sqlite' } });
  });

  it('answers liveness with 200 and readiness with 200 while the database answers', async () => {
    const live = await t.request('/v1/health/live');
    expect([live.status, await live.json()]).toEqual([200, { status: 'pass' }]);
    const ready = await t.request('/v1/health/ready');
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'pass' }]);
  });

  it.each(['/v1/graphql', '/v1/graphql/mutation', '/graphql'])('serves GraphQL at %s', async (path) => {
    const response = await post(path, { query: '{ databasesList { total } }' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { databasesList: { total: 0 } } });
  });

  it('unwraps the official SDK body shape (x-sdk-graphql)', async () => {
    const response = await post(
      '/v1/graphql/mutation',
      { query: { query: 'mutation($id: String!) { databasesCreate(databaseId: $id, name: "SDK") { _id name } }', variables: { id: 'sdk' } } },
      { 'x-sdk-graphql': 'true' },
    );
    expect(await response.json()).toEqual({ data: { databasesCreate: { _id: 'sdk', name: 'SDK' } } });
  });

  it('accepts application/graphql bodies and GET queries, but never runs mutations over GET', async () => {
    const graphqlBody = await t.request('/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/graphql', 'x-appwrite-key': ROOT_KEY }, body: '{ databasesList { total } }' });
    expect(await graphqlBody.json()).toEqual({ data: { databasesList: { total: 1 } } });
    const get = await t.request(`/v1/graphql?query=${encodeURIComponent('{ databasesList { total } }')}`, { headers: { 'x-appwrite-key': ROOT_KEY, accept: 'application/json' } });
    expect(await get.json()).toEqual({ data: { databasesList: { total: 1 } } });
    const mutation = await t.request(`/v1/graphql?query=${encodeURIComponent('mutation { databasesCreate(databaseId: "viaget", name: "x") { _id } }')}`, {
      headers: { 'x-appwrite-key': ROOT_KEY, accept: 'application/json' },
    });
    expect(mutation.status).toBe(405);
    expect((await t.ok('{ databasesList { total } }')).databasesList.total).toBe(1);
  });

  it('answers a batch with an array in order, and refuses more than 10 operations with nothing executed', async () => {
    const batch = await post('/v1/graphql', [
      { query: 'mutation { databasesCreate(databaseId: "b1", name: "one") { _id } }' },
      { query: '{ databasesGet(databaseId: "b1") { name } }' },
    ]);
    expect(await batch.json()).toEqual([{ data: { databasesCreate: { _id: 'b1' } } }, { data: { databasesGet: { name: 'one' } } }]);
    const tooMany = await post('/v1/graphql', Array.from({ length: 11 }, (_, i) => ({ query: `mutation { databasesCreate(databaseId: "many${i}", name: "x") { _id } }` })));
    expect(tooMany.status).toBe(400);
    const body = (await tooMany.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ message: 'Too many queries.', extensions: { type: 'graphql_too_many_queries', code: 400 } });
    const none = await t.gql('{ databasesGet(databaseId: "many0") { _id } }');
    expect(none.errors?.[0]?.extensions?.type).toBe('database_not_found');
  });

  it('renders GraphiQL for a browser', async () => {
    const response = await t.request('/v1/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('Appwrite GraphQL gateway');
    expect(page).toContain('X-Appwrite-Key');
    // Everything inline: GraphiQL must work on a machine without internet access.
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet[^>]+href=.?https?:/);
  });

  it('checks X-Appwrite-Project against PROJECT_ID', async () => {
    const good = await t.gql('{ databasesList { total } }', {}, { headers: { 'x-appwrite-project': 'default' } });
    expect(good.errors).toBeUndefined();
    const bad = await t.gql('{ databasesList { total } }', {}, { headers: { 'x-appwrite-project': 'other' } });
    expect(bad.errors?.[0]?.extensions?.type).toBe('general_access_forbidden');
  });

  it('enforces API key scopes and refuses unknown keys', async () => {
    const { secret } = await t.gateway.services.apiKeys.create('reader', ['databases.read']);
    expect((await t.gql('{ databasesList { total } }', {}, { key: secret })).errors).toBeUndefined();
    const write = await t.gql('mutation { databasesCreate(databaseId: "nope", name: "x") { _id } }', {}, { key: secret });
    expect(write.errors?.[0]?.extensions).toMatchObject({ type: 'general_unauthorized_scope', code: 401 });
    expect(write.errors?.[0]?.message).toContain('databases.write');
    const unknown = await t.gql('{ databasesList { total } }', {}, { key: 'standard_wrong' });
    expect(unknown.errors?.[0]?.extensions?.type).toBe('user_unauthorized');
  });

  it('treats callers without a key as guests, who lack the databases scopes', async () => {
    const result = await t.gql('{ databasesList { total } }', {}, { key: null });
    expect(result.errors?.[0]?.extensions?.type).toBe('general_unauthorized_scope');
    expect(result.errors?.[0]?.message).toContain('role: guests');
  });

  it('stores API keys only as hashes', async () => {
    const { secret } = await t.gateway.services.apiKeys.create('hashed', ['databases.read']);
    const rows = await t.db.prisma.apiKey.findMany();
    expect(JSON.stringify(rows)).not.toContain(secret);
  });
});

describe('readiness', () => {
  const withGateway = async (use: (t: TestGateway) => Promise<void>) => {
    const t = await startGateway('sqlite');
    try {
      await use(t);
    } finally {
      await t.close();
    }
  };

  it('answers 503 once the gateway is shutting down, while liveness stays 200', () =>
    withGateway(async (t) => {
      t.gateway.health.markShuttingDown();
      const ready = await t.request('/v1/health/ready');
      expect([ready.status, await ready.json()]).toEqual([503, { status: 'fail', reason: 'shutting down' }]);
      expect((await t.request('/v1/health/live')).status).toBe(200);
    }));

  it('answers 503 when the database does not answer, without the driver message', () =>
    withGateway(async (t) => {
      await t.db.close();
      const ready = await t.request('/v1/health/ready');
      expect([ready.status, await ready.json()]).toEqual([503, { status: 'fail', reason: 'database unavailable' }]);
      expect((await t.request('/v1/health/live')).status).toBe(200);
    }));
});
