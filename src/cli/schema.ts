import { resolve } from 'node:path';
import { isSchemaFileCurrent, SCHEMA_FILE, writeSchemaFile } from '../schema/schema-file.ts';
import { parseCommandLine, UsageError } from './command.ts';

/** `gateway schema [--out <path>] [--check]` (`npm run schema`): writes or checks schema.graphql. */
export async function schema(args: string[]): Promise<number> {
  const { values } = parseCommandLine({ args, options: { out: { type: 'string' }, check: { type: 'boolean' } } });
  if (values.out === '') throw new UsageError('--out needs a path');
  const path = values.out === undefined ? SCHEMA_FILE : resolve(values.out);
  if (values.check) {
    const current = await isSchemaFileCurrent(path);
    process.stdout.write(`${path} ${current ? 'is up to date' : 'is stale: run `gateway schema` and commit it'}\n`);
    return current ? 0 : 1;
  }
  const changed = await writeSchemaFile(path);
  process.stdout.write(`${path} ${changed ? 'updated' : 'is up to date'}\n`);
  return 0;
}
