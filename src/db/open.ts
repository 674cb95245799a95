import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';
import type { PrismaClient } from '../generated/sqlite/client.ts';
import type { Dialect } from './dialect.ts';
import type { ChangeChannel } from './change-channel.ts';
import { openPgChangeChannel } from './pg-change-channel.ts';
import { PgExecutor } from './pg-executor.ts';
import type { SqlExecutor } from './sql.ts';
import { SqliteExecutor } from './sqlite-executor.ts';
import { watchSqliteChanges } from './sqlite-change-watcher.ts';
import { ensureSqliteDirectory } from './sqlite-file.ts';
import { TransactionGate } from './transaction-gate.ts';

/**
 * The gateway's database: Prisma for the fixed metadata model, and a SqlExecutor for the per-collection
 * document tables, both on the same SQLite connection or PostgreSQL pool.
 * Both generated clients have the same API (one schema, two providers), so the SQLite client's type serves both.
 */
export interface Database {
  readonly dialect: Dialect;
  readonly prisma: PrismaClient;
  readonly sql: SqlExecutor;
  /** Change notices between processes sharing the database. */
  readonly changes: ChangeChannel;
  /** Throws unless the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(url: string, dialect: Dialect): Promise<Database> {
  return dialect === 'sqlite' ? openSqlite(url) : openPostgres(url);
}

/** The SQLite page cache of the gateway's connection: 64 MiB, allocated as pages are read. */
const SQLITE_CACHE_KIB = 64 * 1024;

async function openSqlite(url: string): Promise<Database> {
  const [{ PrismaBetterSqlite3 }, { PrismaClient }] = await Promise.all([
    import('@prisma/adapter-better-sqlite3'),
    import('../generated/sqlite/client.ts'),
  ]);
  ensureSqliteDirectory(url);
  const gate = new TransactionGate();
  const inner = new PrismaBetterSqlite3({ url, timeout: 5000 });
  let connection: BetterSqlite3.Database | undefined;
  const factory: SqlDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await inner.connect();
      // The adapter keeps its better-sqlite3 handle in `client`; the document layer shares that one connection.
      connection = (adapter as unknown as { client: BetterSqlite3.Database }).client;
      return gatedAdapter(adapter, gate);
    },
  };
  const prisma = new PrismaClient({ adapter: factory });
  await prisma.$connect();
  if (!connection) throw new Error('SQLite adapter did not expose its connection');
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  // SQLite's default page cache is 2 MB: a list passing over unreadable documents (or any page of a large
  // collection) would read most pages back from the OS on every request.
  connection.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  const sql = new SqliteExecutor(connection, gate);
  const db = connection;
  const changes = watchSqliteChanges(connection);

  return {
    dialect: 'sqlite',
    prisma,
    sql,
    changes,
    async ping() {
      await sql.query('SELECT 1');
    },
    async close() {
      await changes.close();
      await gate.whenIdle();
      await prisma.$disconnect();
      if (db.open) db.close();
    },
  };
}

/** Prisma's statements and transactions pass through the same gate as the document layer's. */
function gatedAdapter(adapter: SqlDriverAdapter, gate: TransactionGate): SqlDriverAdapter {
  const outside = async <T>(run: () => Promise<T>): Promise<T> => {
    if (!gate.isIdle) await gate.whenIdle();
    return run();
  };
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => outside(() => adapter.queryRaw(query)),
    executeRaw: (query) => outside(() => adapter.executeRaw(query)),
    executeScript: (script) => outside(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    async startTransaction(isolationLevel) {
      const release = await gate.acquire();
      let transaction: Transaction;
      try {
        transaction = await adapter.startTransaction(isolationLevel);
      } catch (error) {
        release();
        throw error;
      }
      const end = (finish: () => Promise<void>) => async () => {
        try {
          await finish();
        } finally {
          release();
        }
      };
      return Object.assign(Object.create(transaction) as Transaction, {
        commit: end(() => transaction.commit()),
        rollback: end(() => transaction.rollback()),
      });
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const [{ default: pg }, { PrismaPg }, { PrismaClient }] = await Promise.all([
    import('pg'),
    import('@prisma/adapter-pg'),
    import('../generated/postgresql/client.ts'),
  ]);
  // JIT off: it pays off for long analytic queries, while the planner's row estimates under a read check (an OR
  // with a subquery) can price a 25-row page high enough to compile it, for ~100 ms, on every request.
  const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c jit=off' });
  // An idle client losing its connection (server restart, termination) is reported on the pool; without a
  // listener pg would crash the process. The next query on a fresh connection reports any lasting failure.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) }) as unknown as PrismaClient;
  await prisma.$connect();
  const sql = new PgExecutor(pool);
  const changes = await openPgChangeChannel(url, pool);
  return {
    dialect: 'postgresql',
    prisma,
    sql,
    changes,
    async ping() {
      await sql.query('SELECT 1');
    },
    async close() {
      await changes.close();
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
