import type BetterSqlite3 from 'better-sqlite3';
import type { SqlExecutor, SqlRow } from './sql.ts';
import type { TransactionGate } from './transaction-gate.ts';

const STATEMENT_CACHE_SIZE = 512;

/** Prepared statements by SQL text, least recently used dropped first. Integers come back as bigint. */
class StatementCache {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly database: BetterSqlite3.Database) {}

  get(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      statement = this.database.prepare(sql);
      statement.safeIntegers(true);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }
}

/** SqlExecutor over the process's single better-sqlite3 connection. */
export class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;

  constructor(
    private readonly database: BetterSqlite3.Database,
    private readonly gate: TransactionGate,
    private readonly statements = new StatementCache(database),
    private readonly inTransaction = false,
  ) {}

  private prepare(sql: string): BetterSqlite3.Statement {
    return this.statements.get(sql);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    if (!this.inTransaction && !this.gate.isIdle) await this.gate.whenIdle();
    return this.prepare(sql).all(...params) as SqlRow[];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    if (!this.inTransaction && !this.gate.isIdle) await this.gate.whenIdle();
    const statement = this.prepare(sql);
    if (statement.reader) {
      statement.all(...params);
      return 0;
    }
    return statement.run(...params).changes;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    const release = await this.gate.acquire();
    try {
      this.database.exec('BEGIN IMMEDIATE');
      const tx = new SqliteExecutor(this.database, this.gate, this.statements, true);
      try {
        const result = await work(tx);
        this.database.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.database.inTransaction) this.database.exec('ROLLBACK');
        throw error;
      }
    } finally {
      release();
    }
  }
}
