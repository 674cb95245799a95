import { loadConfig } from '../config.ts';
import { applyMigrations } from '../db/migrations/index.ts';
import { redactUrl } from '../db/migrations/redact-url.ts';
import { parseCommandLine } from './command.ts';

/** `gateway migrate` (`npm run migrate`): applies the pending migrations to DATABASE_URL. */
export async function migrate(args: string[]): Promise<number> {
  parseCommandLine({ args });
  const { provider, databaseUrl: url } = loadConfig();
  console.log(`Migrating ${provider} database ${redactUrl(url)}`);
  await applyMigrations({ provider, url, log: (line) => console.log(line) });
  return 0;
}
