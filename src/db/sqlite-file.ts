import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The file behind a SQLite URL (`file:./data/gateway.db` → `./data/gateway.db`, relative to the working
 * directory, as the adapter opens it), or undefined for an in-memory database.
 */
export function sqliteFilePath(url: string): string | undefined {
  const path = url.replace(/^file:/, '');
  return path === '' || path === ':memory:' ? undefined : path;
}

/** better-sqlite3 creates the file but not its directory (a fresh checkout has no data/). */
export function ensureSqliteDirectory(url: string): void {
  const file = sqliteFilePath(url);
  if (file !== undefined) mkdirSync(dirname(file), { recursive: true });
}
