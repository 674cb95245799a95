// `npm run migrate`: applies the pending migrations to DATABASE_URL (default file:./data/gateway.db).
import { applyMigrations } from './apply.ts';
import { DEFAULT_DATABASE_URL, providerForUrl, redactUrl } from './database-url.ts';

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
try {
  const provider = providerForUrl(url);
  console.log(`Migrating ${provider} database ${redactUrl(url)}`);
  await applyMigrations({ provider, url, log: (line) => console.log(line) });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
