import type { Dialect } from './dialect.ts';

/** A row as the driver returns it: SQLite integers as bigint (safe integers), PostgreSQL int8 as string. */
export type SqlRow = Record<string, unknown>;

/**
 * Parameterised SQL over the gateway's own connection(s). The document layer uses it for the per-collection
 * tables Prisma cannot model; Prisma shares the same connection (SQLite) or pool (PostgreSQL).
 * Placeholders follow the dialect: `?` for SQLite, `$1…` for PostgreSQL (see `placeholder`).
 */
export interface SqlExecutor {
  readonly dialect: Dialect;
  /**
   * Runs a statement and returns its rows. PostgreSQL runs reads as prepared statements, whose plan may be kept
   * for every call (see pg-statements.ts); `plan: 'custom'` plans this one for its values every time, for
   * statements whose best plan depends on them (one index probe per role of a list of 3 or of 300).
   */
  query(sql: string, params?: readonly unknown[], options?: { plan: 'custom' }): Promise<SqlRow[]>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}
