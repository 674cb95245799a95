/** What the next migration would be: the committed migrations replayed on a shadow database, diffed to the model. */
import type { Dialect } from '../dialect.ts';
import { readMigrationsFolder } from './folder.ts';
import { NO_FILTERS, withSchemaEngine, type SchemaFile } from './session.ts';

export interface NextMigrationOptions {
  provider: Dialect;
  /**
   * A database the engine may connect to; it is not changed. The shadow database is in memory for SQLite, and
   * created next to this database (then dropped) for PostgreSQL, which needs the CREATEDB privilege.
   */
  url: string;
  migrationsDir: string;
  /** The data model, for this provider. */
  schema: SchemaFile;
}

const DIFFERENCE_FOUND = 2;

/** The SQL of the next migration, or undefined when the migrations already produce exactly the data model. */
export async function nextMigrationScript(options: NextMigrationOptions): Promise<string | undefined> {
  const migrationsList = await readMigrationsFolder(options.migrationsDir);
  const { exitCode, stdout } = await withSchemaEngine({ provider: options.provider, url: options.url }, (engine) =>
    engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [options.schema] },
      script: true,
      exitCode: true, // exit code 2 when there is a difference, as `prisma migrate diff --exit-code`
      filters: NO_FILTERS,
    }),
  );
  return exitCode === DIFFERENCE_FOUND && stdout ? stdout : undefined;
}
