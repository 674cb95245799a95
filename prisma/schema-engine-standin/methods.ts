// The schema engine's JSON-RPC methods, answered by the WebAssembly engine, with the native engine's behaviour
// where the two differ.
import { providerOf } from '../../src/config.ts';
import type { SchemaEngine } from '../../src/db/migrations/engine.ts';
import { isMigrationsTableMissing } from '../../src/db/migrations/session.ts';
import { sqliteFilePath } from '../../src/db/sqlite-file.ts';
import { createDatabase } from './database.ts';

export type Method = (params: unknown) => Promise<unknown>;

/** Methods whose parameters and results are the same over JSON-RPC and on the WebAssembly engine. */
const FORWARDED = [
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'debugPanic',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'schemaPush',
] as const;

type Input<Name extends keyof SchemaEngine> = SchemaEngine[Name] extends (input: infer P) => unknown ? P : never;

/**
 * @param print shows text to the user through the CLI
 */
export function engineMethods(engine: SchemaEngine, url: string, print: (content: string) => void): Record<string, Method> {
  const methods: Record<string, Method> = {
    // On SQLite the wasm engine empties tables without dropping them (the native one deletes the file), and the
    // migrations then fail on a non-empty schema: refuse rather than half-reset.
    async reset(params) {
      if (providerOf(url) === 'sqlite') {
        throw new Error(`Resetting a SQLite database is not supported offline: delete ${sqliteFilePath(url) ?? 'it'} instead, then run the command again.`);
      }
      return (await engine.reset(params as Input<'reset'>)) ?? {};
    },

    // The native engine prints the script through the CLI and returns no stdout; the CLI prints nothing else.
    async diff(params) {
      const result = await engine.diff(params as Input<'diff'>);
      if (result.stdout) print(result.stdout);
      return { ...result, stdout: null };
    },

    // On a database never migrated the native engine reports every migration as pending; the wasm one fails (P1014).
    async diagnoseMigrationHistory(params) {
      const input = params as Input<'diagnoseMigrationHistory'>;
      return engine.diagnoseMigrationHistory(input).catch((error: unknown) => {
        if (!isMigrationsTableMissing(error)) throw error;
        const unappliedMigrationNames = input.migrationsList.migrationDirectories.map((migration) => migration.path);
        return {
          editedMigrationNames: [],
          failedMigrationNames: [],
          hasMigrationsTable: false,
          history: unappliedMigrationNames.length ? { diagnostic: 'databaseIsBehind', unappliedMigrationNames } : null,
        };
      });
    },

    // Same failure; `migrate dev` writes to this database anyway: applying no migration creates the table.
    async devDiagnostic(params) {
      const input = params as Input<'devDiagnostic'>;
      return engine.devDiagnostic(input).catch(async (error: unknown) => {
        if (!isMigrationsTableMissing(error)) throw error;
        await engine.applyMigrations({ ...input, migrationsList: { ...input.migrationsList, migrationDirectories: [] } });
        return engine.devDiagnostic(input);
      });
    },

    getDatabaseVersion: () => engine.version(),
    createDatabase: async () => ({ databaseName: await createDatabase(url) }),
  };
  for (const name of FORWARDED) {
    const forward = engine[name] as (params: unknown) => Promise<unknown> | void;
    methods[name] = async (params) => (await forward(params)) ?? {}; // JSON-RPC needs a result even for void
  }
  return methods;
}
