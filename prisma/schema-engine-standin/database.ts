// The `cli` subcommands: does the database exist, create it.
import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import { providerOf } from '../../src/config.ts';
import { createAdapterFactory } from '../../src/db/migrations/adapter-factory.ts';
import { runAdminStatement, withDatabase } from '../../src/db/migrations/postgres-adapter.ts';
import { redactUrl } from '../../src/db/migrations/redact-url.ts';
import { SchemaEngineError } from '../../src/db/migrations/session.ts';
import { sqliteFilePath } from '../../src/db/sqlite-file.ts';

/**
 * What the CLI passes as `--datasource`, from the Prisma config. A `shadowDatabaseUrl` there is ignored: shadow
 * databases are created (and dropped) on the server of `url`, see src/db/migrations/postgres-adapter.ts.
 */
export interface Datasource {
  url?: string;
}

/**
 * The engine words these failures without their code, and the CLI needs it (P1003 makes `migrate` create the
 * database), so connect directly and map the driver's error kinds to the native engine's codes.
 */
const CONNECTION_ERROR_CODES: Record<string, string> = {
  AuthenticationFailed: 'P1000',
  DatabaseNotReachable: 'P1001',
  DatabaseDoesNotExist: 'P1003',
  DatabaseAccessDenied: 'P1010',
  TlsConnectionError: 'P1011',
};

export async function canConnectToDatabase(url: string): Promise<void> {
  const connections = createAdapterFactory(providerOf(url), url);
  try {
    const connection = await connections.connect();
    await connection.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] });
  } catch (error) {
    if (!isDriverAdapterError(error)) throw error;
    const { kind, originalMessage } = error.cause;
    throw new SchemaEngineError(`${kind} at ${redactUrl(url)}${originalMessage ? `: ${originalMessage}` : ''}`, CONNECTION_ERROR_CODES[kind]);
  } finally {
    await connections.close();
  }
}

/** Returns the database name. A SQLite file is created by the first connection, which makes its directory. */
export async function createDatabase(url: string): Promise<string> {
  if (providerOf(url) === 'sqlite') {
    await canConnectToDatabase(url);
    return sqliteFilePath(url) ?? ':memory:';
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  // Created from the maintenance database of the same server, since the target does not exist yet.
  await runAdminStatement(withDatabase(url, 'postgres'), `CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  return name;
}
