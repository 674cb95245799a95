import type pg from 'pg';
import type { SqlExecutor, SqlRow } from './sql.ts';

/** SqlExecutor over a pg pool (shared with Prisma's adapter); a transaction holds one pooled client. */
export class PgExecutor implements SqlExecutor {
  readonly dialect = 'postgresql' as const;

  constructor(
    private readonly client: pg.Pool | pg.PoolClient,
    private readonly pool: pg.Pool | null = client as pg.Pool,
  ) {}

  async query(sql: string, params: readonly unknown[] = [], name?: string): Promise<SqlRow[]> {
    const values = params as unknown[];
    return (await this.client.query(name ? { name, text: sql, values } : { text: sql, values })).rows as SqlRow[];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.client.query(sql, params as unknown[])).rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (!this.pool) return work(this);
    const connection = await this.pool.connect();
    try {
      await connection.query('BEGIN');
      const result = await work(new PgExecutor(connection, null));
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
