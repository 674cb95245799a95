/** Driver adapter factory for the schema engine on SQLite (better-sqlite3). */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { ensureSqliteDirectory } from '../sqlite-file.ts';

export function createSqliteAdapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaBetterSqlite3({ url });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    async connect() {
      ensureSqliteDirectory(url);
      return acceptMultiStatementRaw(await base.connect());
    },
    async connectToShadowDb() {
      return acceptMultiStatementRaw(await base.connectToShadowDb());
    },
  };
}

/**
 * The engine sends whole scripts through one `executeRaw` (migrations replayed on the shadow database, `db
 * execute`), which better-sqlite3 refuses when there is more than one statement (then P3006 for migrations).
 * Such a script has no parameters and needs no row count, so running it as a script is equivalent.
 */
function acceptMultiStatementRaw(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (!(error instanceof RangeError && /more than one statement/.test(error.message))) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}
