// Prisma CLI configuration (found by the CLI in .config/). The gateway's database (DATABASE_URL, see src/config.ts)
// picks the provider, hence the schema (schema.prisma or the derived PostgreSQL one) and migrations folder.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { schemaPath } from '../prisma/schemas.mjs';
import { loadConfig } from '../src/config.ts';
import { migrationsDirectory } from '../src/db/migrations/folder.ts';

// Offline by default: the schema engine is the WebAssembly stand-in (no native binary to download), and the
// CLI's update check stays off. Explicit environment values still win.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('../prisma/schema-engine-standin.mjs', import.meta.url));
process.env.CHECKPOINT_DISABLE ??= '1';

const { databaseUrl: url, provider } = loadConfig();

export default defineConfig({
  schema: schemaPath(provider),
  migrations: { path: migrationsDirectory(provider) },
  datasource: { url },
});
