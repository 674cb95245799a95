// `npm run migrate`: applies the pending migrations to the configured database (DATABASE_URL, see src/config.ts).
import { ConfigError, loadConfig } from '../../config.ts';
import { applyMigrations } from './apply.ts';
import { redactUrl } from './redact-url.ts';

try {
  const { provider, databaseUrl: url } = loadConfig();
  console.log(`Migrating ${provider} database ${redactUrl(url)}`);
  await applyMigrations({ provider, url, log: (line) => console.log(line) });
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
