// Prisma CLI configuration (found by the CLI in .config/). DATABASE_URL picks the database and with it the
// provider: the matching schema (schema.prisma or the derived PostgreSQL one) and migrations folder.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { schemaPath } from '../prisma/schemas.mjs';
import { DEFAULT_DATABASE_URL, providerForUrl } from '../src/db/migrations/database-url.ts';
import { migrationsDirectory } from '../src/db/migrations/folder.ts';

// Offline by default: the schema engine is the WebAssembly stand-in (no native binary to download), and the
// CLI's update check stays off. Explicit environment values still win.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('../prisma/schema-engine-standin.mjs', import.meta.url));
process.env.CHECKPOINT_DISABLE ??= '1';

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const provider = providerForUrl(url);

export default defineConfig({
  schema: schemaPath(provider),
  migrations: { path: migrationsDirectory(provider) },
  datasource: { url },
});
