/**
 * Names for PostgreSQL prepared statements, one per distinct SELECT text. A named statement is parsed once per
 * pooled connection, and once it has run a few times PostgreSQL keeps a generic plan for it where that plan
 * costs no more than planning for each call's values would (plan_cache_mode auto). Texts are bounded by the
 * query shapes clients use; past MAX_NAMED distinct texts new ones run unnamed, so neither this map nor the
 * statements each connection keeps can grow without end.
 */

const MAX_NAMED = 500;

/** PostgreSQL's words when a table's columns changed under a prepared `SELECT *` (SQLSTATE 0A000). */
const STALE_RESULT_TYPE = 'cached plan must not change result type';

export class StatementNames {
  private readonly names = new Map<string, string>();
  private created = 0;

  /** The name to prepare `sql` under; undefined for statements that should run unnamed. */
  nameFor(sql: string): string | undefined {
    if (!sql.startsWith('SELECT ')) return undefined;
    const known = this.names.get(sql);
    if (known !== undefined || this.created >= MAX_NAMED) return known;
    const name = `gw${++this.created}`;
    this.names.set(sql, name);
    return name;
  }

  /**
   * After an attribute is added or removed, a statement prepared before answers STALE_RESULT_TYPE on the
   * connections that prepared it: the text gets a fresh name (prepared anew), and true says to run it again.
   */
  renamedAfter(error: unknown, sql: string): boolean {
    if (!(error instanceof Error) || !error.message.includes(STALE_RESULT_TYPE) || !this.names.has(sql)) return false;
    this.names.set(sql, `gw${++this.created}`);
    return true;
  }
}
