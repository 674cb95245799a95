/** For messages: a database URL without its password (`scheme://user:password@host` → `scheme://user:***@host`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
