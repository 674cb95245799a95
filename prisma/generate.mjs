// `npm run prisma:generate`, also run by `npm ci` ("prepare"): writes the derived schemas, then generates one
// Prisma Client per provider into src/generated/<provider>. Offline: `prisma generate` never runs the schema
// engine, but the CLI downloads one at start unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PROVIDERS, schemaPath, writeDerivedSchemas } from './schemas.mjs';

await writeDerivedSchemas();

const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
// DATABASE_URL is left out: the Prisma config derives the provider from it, and generating must not depend on it.
const { DATABASE_URL: _unused, ...inherited } = process.env;
const env = {
  ...inherited,
  PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(new URL('./schema-engine-standin.mjs', import.meta.url)),
  CHECKPOINT_DISABLE: '1', // no usage report, no update check
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};

for (const provider of PROVIDERS) {
  const { status } = spawnSync(process.execPath, [cli, 'generate', '--schema', schemaPath(provider)], { stdio: 'inherit', env });
  if (status !== 0) process.exit(status ?? 1);
}
