/**
 * The providers integration tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set
 * (.ci/run sets it). Without it the PostgreSQL cases are skipped with a visible message.
 */
export type Provider = 'sqlite' | 'postgresql';

export const POSTGRES_URL = process.env['TEST_DATABASE_URL'] ?? '';

export const PROVIDERS: Provider[] = POSTGRES_URL ? ['sqlite', 'postgresql'] : ['sqlite'];

let warned = false;
export function warnIfPostgresSkipped(suite: string): void {
  if (POSTGRES_URL || warned) return;
  warned = true;
  console.warn(`[skip] ${suite}: PostgreSQL cases skipped — set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run them`);
}
