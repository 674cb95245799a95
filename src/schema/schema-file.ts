import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printGatewaySchema } from './sdl.ts';

/** schema.graphql at the repository root: the reviewed artifact clients generate code from. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

/** Writes the SDL to `path`; answers whether the file changed. */
export async function writeSchemaFile(path = SCHEMA_FILE): Promise<boolean> {
  const sdl = printGatewaySchema();
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current === sdl) return false;
  await writeFile(path, sdl);
  return true;
}
