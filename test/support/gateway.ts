import { loadConfig } from '../../src/config.ts';
import { applyMigrations } from '../../src/db/migrations/index.ts';
import { openDatabase, type Database } from '../../src/db/open.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { createGateway, type Gateway } from '../../src/server.ts';
import type { Provider } from './providers.ts';
import { scratchDatabase } from './scratch-database.ts';

export const ROOT_KEY = 'test-root-key-0123456789abcdef';
/** A JWT_SECRET for tests whose tokens must outlive one gateway object (or be forged in a test). */
export const TEST_JWT_SECRET = 'a-test-jwt-secret-of-at-least-32-characters';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; extensions?: { type?: string; code?: number; [key: string]: unknown } }[];
}

export interface GqlOptions {
  key?: string | null;
  headers?: Record<string, string>;
  ip?: string;
}

export interface TestGateway {
  provider: Provider;
  gateway: Gateway;
  db: Database;
  /** Sends one operation to /v1/graphql; `key: null` sends it as a guest; `ip`: the client address (default loopback). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: GqlOptions): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any error and returns `data`. */
  ok<T = any>(query: string, variables?: Record<string, unknown>, options?: { key?: string | null }): Promise<T>;
  request(path: string, init?: RequestInit, ip?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A gateway on a fresh, migrated database of the provider, driven through its Fetch handler; `now`: its clock;
 * `logger`: where it logs (default: nowhere).
 */
export async function startGateway(provider: Provider, env: Record<string, string> = {}, now?: () => number, logger?: Logger): Promise<TestGateway & { url: string }> {
  const scratch = await scratchDatabase(provider);
  await applyMigrations({ provider, url: scratch.url });
  const gateway = await attachGateway(provider, scratch.url, env, now, logger);
  return {
    ...gateway,
    url: scratch.url,
    async close() {
      await gateway.close();
      await scratch.drop();
    },
  };
}

/** Another gateway instance on an existing, migrated database (as several processes behind a proxy would be). */
export async function attachGateway(provider: Provider, url: string, env: Record<string, string> = {}, now?: () => number, logger: Logger = createLogger('silent')): Promise<TestGateway> {
  const config = loadConfig({ DATABASE_URL: url, ROOT_API_KEY: ROOT_KEY, LOG_LEVEL: 'silent', ...env });
  const db = await openDatabase(url, provider);
  const gateway = createGateway({ config, db, logger, ...(now ? { now } : {}) });
  await gateway.ready;

  const request = (path: string, init?: RequestInit, ip?: string) => gateway.fetch(new Request(`http://gateway.test${path}`, init), ip ? { clientAddress: ip } : {});
  const gql = async (query: string, variables?: Record<string, unknown>, options: GqlOptions = {}) => {
    const key = options.key === undefined ? ROOT_KEY : options.key;
    const response = await request('/v1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-appwrite-key': key } : {}), ...options.headers },
      body: JSON.stringify({ query, variables }),
    }, options.ip);
    return (await response.json()) as GraphQLResponse;
  };
  return {
    provider,
    gateway,
    db,
    gql,
    async ok(query, variables, options) {
      const result = await gql(query, variables, options);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data;
    },
    request,
    async close() {
      await gateway.close();
      await db.close();
    },
  };
}
