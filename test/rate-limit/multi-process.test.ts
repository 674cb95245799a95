import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../../bench/child-server.ts';
import { applyMigrations } from '../../src/db/migrations/index.ts';
import { ROOT_KEY, TEST_JWT_SECRET } from '../support/gateway.ts';
import { POSTGRES_URL, type Provider } from '../support/providers.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { CREATE_DOCUMENT, createNotes, REDIS_URL, uniquePrefix, userSession, warnIfRedisSkipped } from './support.ts';

warnIfRedisSkipped('rate limits across processes');

const MAX = 20;
const REQUESTS = 90;
const INSTANCES = 3;
/** PostgreSQL when the suite has it (how instances are deployed), else one SQLite file. */
const PROVIDER: Provider = POSTGRES_URL ? 'postgresql' : 'sqlite';

/** An HTTP client of one instance, speaking as the API key or as a session. */
function clientOf(server: ChildServer) {
  const gql = async (query: string, variables: Record<string, unknown>, headers: Record<string, string> = { 'x-appwrite-key': ROOT_KEY }) => {
    const response = await fetch(`${server.url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: { extensions?: { type?: string } }[] };
  };
  return {
    gql,
    async ok(query: string, variables: Record<string, unknown> = {}) {
      const result = await gql(query, variables);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data;
    },
  };
}

describe.skipIf(!REDIS_URL)(`${INSTANCES} gateway processes on one Redis and one ${PROVIDER} database`, () => {
  let database: ScratchDatabase;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    database = await scratchDatabase(PROVIDER);
    await applyMigrations({ provider: PROVIDER, url: database.url });
    const env = {
      PATH: process.env['PATH'],
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      ROOT_API_KEY: ROOT_KEY,
      JWT_SECRET: TEST_JWT_SECRET,
      REDIS_URL,
      REDIS_KEY_PREFIX: uniquePrefix('processes'),
      RATE_LIMITS: `{"databasesCreateDocument":{"max":${MAX},"window":"60s"}}`,
    };
    servers.push(...(await Promise.all(Array.from({ length: INSTANCES }, (_, i) => startChildServer(`gateway ${i + 1}`, 'src/main.ts', env)))));
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.drop();
  });

  it(`of ${REQUESTS} simultaneous createDocuments from one user and IP spread over the instances, exactly ${MAX} succeed`, async () => {
    const clients = servers.map(clientOf);
    await createNotes(clients[0]!);
    const session = await userSession(clients[0]!, 'racer');
    const results = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => clients[i % INSTANCES]!.gql(CREATE_DOCUMENT, { id: 'unique()' }, session)));
    const types = results.map((result) => result.errors?.[0]?.extensions?.type);
    expect(types.filter((type) => type === undefined)).toHaveLength(MAX);
    expect(types.filter((type) => type === 'general_rate_limit_exceeded')).toHaveLength(REQUESTS - MAX);
    const { databasesListDocuments } = await clients[2]!.ok('{ databasesListDocuments(databaseId: "db", collectionId: "notes") { total } }');
    expect(databasesListDocuments.total).toBe(MAX);
  }, 60_000);
});
