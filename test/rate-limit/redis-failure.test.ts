import { createServer, connect, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { applyMigrations } from '../../src/db/migrations/index.ts';
import { openDatabase, type Database } from '../../src/db/open.ts';
import { createLogger } from '../../src/logger.ts';
import { createGateway, type Gateway } from '../../src/server.ts';
import { ROOT_KEY } from '../support/gateway.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { CREATE_DOCUMENT, PASSWORD, REDIS_URL, uniquePrefix, warnIfRedisSkipped } from './support.ts';

warnIfRedisSkipped('rate limits when Redis fails');

/** A TCP proxy in front of Redis that the test can cut (and restore) like a network failure. */
class CuttableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 6379), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server!.close(resolve));
    this.sockets.forEach((socket) => socket.destroy());
    await closed;
  }
}

const logged: { level: string; msg: string }[] = [];

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe.skipIf(!REDIS_URL)('when Redis goes away', () => {
  const proxy = new CuttableProxy(new URL(REDIS_URL || 'redis://127.0.0.1:6379'));
  const prefix = uniquePrefix('failure');
  let database: ScratchDatabase;
  let db: Database;
  let gateway: Gateway;
  let inspector: Redis;

  const gql = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = { 'x-appwrite-key': ROOT_KEY }) => {
    const response = await gateway.fetch(new Request('http://gateway.test/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) }));
    return (await response.json()) as { data?: any; errors?: { extensions?: { type?: string } }[] };
  };
  const create = (headers: Record<string, string>) => gql(CREATE_DOCUMENT, { id: 'unique()' }, headers);
  const rateLimitKeys = () => inspector.keys(`${prefix}rl:*`);

  beforeAll(async () => {
    await proxy.open();
    database = await scratchDatabase('sqlite');
    await applyMigrations({ provider: 'sqlite', url: database.url });
    db = await openDatabase(database.url, 'sqlite');
    const config = loadConfig({
      DATABASE_URL: database.url,
      ROOT_API_KEY: ROOT_KEY,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMITS: '{"databasesCreateDocument":{"max":1000}}',
    });
    const logger = createLogger('info', (line) => logged.push(JSON.parse(line)));
    gateway = createGateway({ config, db, logger });
    await gateway.ready;
    inspector = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await gateway.close();
    await db.close();
    await database.drop();
    await proxy.cut().catch(() => {});
    inspector.disconnect();
  });

  it('serves requests at once from this instance\'s memory, logs it once, and shares budgets again when Redis is back', async () => {
    await gql('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await gql('mutation { databasesCreateCollection(databaseId: "db", collectionId: "notes", name: "notes", permissions: ["create(\\"users\\")"]) { _id } }');
    await gql('mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "notes", key: "title", size: 64, required: true) { key } }');
    await gql('mutation { usersCreate(userId: "u", email: "u@example.com", password: "correct horse battery") { _id } }');
    const signedIn = await gql('mutation($p: String!) { accountCreateEmailPasswordSession(email: "u@example.com", password: $p) { secret } }', { p: PASSWORD });
    const session = { 'x-appwrite-session': signedIn.data.accountCreateEmailPasswordSession.secret };

    expect((await create(session)).errors).toBeUndefined();
    expect(await rateLimitKeys()).toHaveLength(1);

    await proxy.cut();
    for (let i = 0; i < 5; i++) {
      const { value, ms } = await timed(() => create(session));
      expect(value.errors).toBeUndefined();
      expect(ms).toBeLessThan(1000);
    }
    // Failed sign-ins are counted (locally) too, without errors.
    expect((await gql('mutation { accountCreateEmailPasswordSession(email: "u@example.com", password: "wrong password!") { _id } }', {}, {})).errors?.[0]?.extensions?.type).toBe('user_invalid_credentials');
    const outages = logged.filter((line) => line.msg.startsWith('Redis is unavailable'));
    expect(outages).toHaveLength(1);
    expect(outages[0]!.level).toBe('warn');

    await inspector.del(await rateLimitKeys());
    await proxy.open();
    for (let i = 0; i < 50 && !logged.some((line) => line.msg.startsWith('Redis is reachable again')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logged.filter((line) => line.msg.startsWith('Redis is reachable again'))).toHaveLength(1);
    expect((await create(session)).errors).toBeUndefined();
    expect(await rateLimitKeys()).toHaveLength(1);
  }, 30_000);
});

describe.skipIf(!REDIS_URL)('a gateway whose Redis never answers', () => {
  it('starts and serves requests without waiting on it', async () => {
    const database = await scratchDatabase('sqlite');
    await applyMigrations({ provider: 'sqlite', url: database.url });
    const db = await openDatabase(database.url, 'sqlite');
    // A port nothing listens on.
    const config = loadConfig({ DATABASE_URL: database.url, ROOT_API_KEY: ROOT_KEY, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' });
    const gateway = createGateway({ config, db, logger: createLogger('silent') });
    const { ms } = await timed(async () => {
      await gateway.ready;
      const response = await gateway.fetch(new Request('http://gateway.test/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { accountCreateEmailPasswordSession(email: "nobody@example.com", password: "whatever1") { _id } }' }) }));
      expect(((await response.json()) as { errors: { extensions: { type: string } }[] }).errors[0]!.extensions.type).toBe('user_invalid_credentials');
    });
    expect(ms).toBeLessThan(1500);
    await gateway.close();
    await db.close();
    await database.drop();
  });
});
