// `npm run migration:create -- <name>`: writes the next migration of every provider, offline, as the diff from
// the committed migrations (replayed on a shadow database) to schema.prisma. Providers without a change are skipped.
import { relative } from 'node:path';
import { nextMigrationScript } from '../src/db/migrations/diff.ts';
import { ensureLockfile, migrationsDirectory, readMigrationsFolder, writeMigration } from '../src/db/migrations/folder.ts';
import { redactUrl } from '../src/db/migrations/redact-url.ts';
import { PROVIDERS, readSchema, type Provider } from './schemas.mjs';

/**
 * The database the engine connects to while diffing; it is left unchanged. The shadow database is in memory for
 * SQLite; for PostgreSQL it is created on this server, then dropped.
 */
const SCRATCH_URLS: Record<Provider, string> = {
  sqlite: ':memory:',
  postgresql: process.env.MIGRATION_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test',
};

const name = slug(process.argv.slice(2).join(' '));
if (!name) {
  console.error('usage: npm run migration:create -- <name>');
  process.exit(2);
}
const folderName = `${timestamp(new Date())}_${name}`;

let failures = 0;
for (const provider of PROVIDERS) {
  try {
    console.log(`${provider}: ${await createMigration(provider)}`);
  } catch (error) {
    failures++;
    const hint = provider === 'postgresql' ? ` (PostgreSQL at ${redactUrl(SCRATCH_URLS.postgresql)}; set MIGRATION_POSTGRES_URL)` : '';
    console.error(`${provider}: NOT created${hint}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exitCode = failures ? 1 : 0;

async function createMigration(provider: Provider): Promise<string> {
  const dir = migrationsDirectory(provider);
  await ensureLockfile(dir, provider);
  const latest = (await readMigrationsFolder(dir)).migrationDirectories.at(-1)?.path;
  if (latest !== undefined && latest >= folderName) throw new Error(`${folderName} would not sort after the latest migration ${latest}`);
  const sql = await nextMigrationScript({ provider, url: SCRATCH_URLS[provider], migrationsDir: dir, schema: await readSchema(provider) });
  if (sql === undefined) return 'no change to the data model, skipped';
  return `created ${relative(process.cwd(), await writeMigration(dir, folderName, sql))}`;
}

/** Prisma's migration names: lowercase words joined by underscores. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** UTC yyyyMMddHHmmss, the prefix `prisma migrate dev` uses. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}
