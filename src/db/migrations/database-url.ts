/** Database URLs as the gateway takes them (DATABASE_URL): the scheme selects the provider. */
import type { Dialect } from '../dialect.ts';

/** Relative to the working directory; its directory is created on first use. */
export const DEFAULT_DATABASE_URL = 'file:./data/gateway.db';

export function providerForUrl(url: string): Dialect {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgresql';
  if (/^file:/i.test(url) || url === ':memory:') return 'sqlite';
  throw new Error(`Unsupported database URL ${redactUrl(url)}: expected file:<path> (SQLite) or postgresql://… (PostgreSQL)`);
}

/** For messages: the URL without its password (`scheme://user:password@host` → `scheme://user:***@host`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
