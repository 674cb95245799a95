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
   * `name` marks a hot statement of fixed text: PostgreSQL then prepares it once per connection and skips
   * parsing and planning afterwards (SQLite caches every statement anyway).
   */
  query(sql: string, params?: readonly unknown[], name?: string): Promise<SqlRow[]>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}
