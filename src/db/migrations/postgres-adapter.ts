/** Driver adapter factory for the schema engine on PostgreSQL (node-postgres). */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

export function createPostgresAdapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const probe = new PrismaPg(url);
  return {
    provider: probe.provider,
    adapterName: probe.adapterName,
    connect: () => connect(url),
    // PrismaPg's own shadow database runs in the main database when the config is a connection string (it sets
    // `database` next to `connectionString`, which pg ignores) and drops the database before closing its pool.
    async connectToShadowDb() {
      const database = `prisma_migrate_shadow_db_${randomUUID()}`;
      await runAdminStatement(url, `CREATE DATABASE "${database}"`);
      const shadow = await connect(withDatabase(url, database));
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        // FORCE: a closed pool's backends may still be exiting ("being accessed by other users"); PostgreSQL ≥ 13.
        await runAdminStatement(url, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      };
      return shadow;
    },
  };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.href;
}

/** One statement outside any transaction (CREATE/DROP DATABASE), on a connection of its own. */
export async function runAdminStatement(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function connect(url: string): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPg({ connectionString: url, Client: CharAsTextClient }).connect();
  // PrismaPg splits scripts on every ';' (even inside literals and comments) and runs the pieces one by one.
  // A query without parameters goes through the simple-query protocol, which takes the whole script and runs it
  // as one implicit transaction: what the native engine does with migration scripts.
  adapter.executeScript = async (script) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

/**
 * Reports columns of PostgreSQL's internal one-byte type `"char"` (OID 18) as text (OID 25): the engine reads
 * catalog columns such as `pg_constraint.contype` when it describes a schema, and adapter-pg fails on OID 18
 * ("Column type 'char' could not be deserialized"). The values already arrive as strings.
 */
class CharAsTextClient extends pg.Client {
  // pg.Pool calls query(config, values, callback); adapter-pg's transactions call query(config) for a promise.
  // `any`: the only signature compatible with all of pg's overloads.
  override query(...args: unknown[]): any {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: Error | null, result?: pg.QueryResult) => callback(error, result && reportCharAsText(result));
    }
    const returned: unknown = Reflect.apply(super.query, this, args);
    return returned instanceof Promise ? returned.then(reportCharAsText) : returned;
  }
}

const CHAR_OID = 18;
const TEXT_OID = 25;

function reportCharAsText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result.fields ?? []) if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
  return result;
}
