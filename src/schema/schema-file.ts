import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printGatewaySchema } from './sdl.ts';

/** schema.graphql at the repository root: the reviewed artifact clients generate code from. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

const readIfPresent = (path: string) => readFile(path, 'utf8').catch(() => null);

/** Whether `path` holds the SDL the code builds. */
export async function isSchemaFileCurrent(path = SCHEMA_FILE): Promise<boolean> {
  return (await readIfPresent(path)) === printGatewaySchema();
}

/** Writes the SDL to `path`; answers whether the file changed. */
export async function writeSchemaFile(path = SCHEMA_FILE): Promise<boolean> {
  const sdl = printGatewaySchema();
  if ((await readIfPresent(path)) === sdl) return false;
  await writeFile(path, sdl);
  return true;
}
