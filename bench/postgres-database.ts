import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/test';
const CONNECT_TIMEOUT_MS = 3000;

/** The PostgreSQL server the benchmark creates its throwaway database on. */
export function postgresAdminUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env['BENCH_DATABASE_URL'] || env['TEST_DATABASE_URL'] || DEFAULT_ADMIN_URL;
}

/** A URL fit to print: without its password. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export interface PostgresDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates `bench_<random>` on the server at `adminUrl`; `{ unreachable }` when the server cannot be reached. */
export async function createPostgresDatabase(adminUrl: string): Promise<PostgresDatabase | { unreachable: string }> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await admin.connect();
  } catch (error) {
    return { unreachable: error instanceof Error ? error.message : String(error) };
  }
  const name = `bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
