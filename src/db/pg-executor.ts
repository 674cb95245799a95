import type pg from 'pg';
import { StatementNames } from './pg-statements.ts';
import type { SqlExecutor, SqlRow } from './sql.ts';

/**
 * SqlExecutor over a pg pool (shared with Prisma's adapter); a transaction holds one pooled client. Reads
 * outside transactions run as prepared statements (see pg-statements.ts); inside one they run unnamed, since a
 * statement that fails there cannot be run again.
 */
export class PgExecutor implements SqlExecutor {
  readonly dialect = 'postgresql' as const;

  constructor(
    private readonly client: pg.Pool | pg.PoolClient,
    private readonly pool: pg.Pool | null = client as pg.Pool,
    private readonly statements: StatementNames | null = new StatementNames(),
  ) {}

  async query(sql: string, params: readonly unknown[] = [], options?: { plan: 'custom' }): Promise<SqlRow[]> {
    const values = params as unknown[];
    const name = options?.plan === 'custom' ? undefined : this.statements?.nameFor(sql);
    if (name === undefined) return (await this.client.query({ text: sql, values })).rows as SqlRow[];
    try {
      return (await this.client.query({ name, text: sql, values })).rows as SqlRow[];
    } catch (error) {
      if (!this.statements!.renamedAfter(error, sql)) throw error;
      return (await this.client.query({ name: this.statements!.nameFor(sql)!, text: sql, values })).rows as SqlRow[];
    }
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.client.query(sql, params as unknown[])).rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (!this.pool) return work(this);
    const connection = await this.pool.connect();
    try {
      await connection.query('BEGIN');
      const result = await work(new PgExecutor(connection, null, null));
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }
}
