#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, which no npm package ships: point PRISMA_SCHEMA_ENGINE_BINARY
// here and `prisma migrate …` / `db push` / `db pull` run offline on the WebAssembly engine. The implementation is
// TypeScript (it shares src/db/migrations), loaded through tsx relative to this file whatever the working directory.
import { tsImport } from 'tsx/esm/api';

await tsImport('./schema-engine-standin/main.ts', import.meta.url);
