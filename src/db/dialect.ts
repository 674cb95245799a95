/** The two SQL dialects the gateway runs on. Everything provider-specific in SQL text goes through here. */
export type Dialect = 'sqlite' | 'postgresql';

/** Placeholder for the n-th (1-based) bound parameter. */
export const placeholder = (dialect: Dialect, n: number): string => (dialect === 'sqlite' ? '?' : `$${n}`);

/**
 * Quotes an identifier the server itself generated (table `c12`, column `a34`, index `i7`).
 * Client input never reaches this function: names are derived from internal sequence numbers.
 */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`refusing to quote identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** Collects bound parameters while SQL text is assembled, handing out the dialect's placeholders in order. */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(readonly dialect: Dialect) {}

  add(value: unknown): string {
    this.values.push(value);
    return placeholder(this.dialect, this.values.length);
  }
}
