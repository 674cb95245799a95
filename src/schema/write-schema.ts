import { SCHEMA_FILE, writeSchemaFile } from './schema-file.ts';

/** `npm run schema`: rewrites schema.graphql from the code. */
const changed = await writeSchemaFile();
process.stdout.write(`${SCHEMA_FILE} ${changed ? 'updated' : 'is up to date'}\n`);
