import type { Config } from '../config.ts';
import { applyMigrations } from '../db/migrations/index.ts';
import { openDatabase, type Database } from '../db/open.ts';

/** DATABASE_URL with its pending migrations applied, opened: what every command that uses the database starts with. */
export async function openMigratedDatabase(config: Config, log: (line: string) => void): Promise<{ db: Database; applied: string[] }> {
  const { applied } = await applyMigrations({ provider: config.provider, url: config.databaseUrl, log });
  return { db: await openDatabase(config.databaseUrl, config.provider), applied };
}
