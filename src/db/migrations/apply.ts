/** Applies pending migrations the way `prisma migrate deploy` does, refusing a history it cannot trust. */
import type { MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { Dialect } from '../dialect.ts';
import type { SchemaEngine } from './engine.ts';
import { migrationsDirectory, MIGRATION_FILE, readMigrationsFolder } from './folder.ts';
import { isMigrationsTableMissing, NO_FILTERS, SchemaEngineError, withSchemaEngine, type EngineLogRecord } from './session.ts';

export interface ApplyMigrationsOptions {
  provider: Dialect;
  /** `file:./data/gateway.db` (relative to the working directory) or `postgresql://user@host:5432/db`. */
  url: string;
  /** Progress and warnings, one line each. */
  log?: (line: string) => void;
  /** Defaults to the committed migrations of the provider (prisma/migrations/<provider>). */
  migrationsDir?: string;
}

export interface ApplyMigrationsResult {
  /** Names of the migrations applied by this call, in order; empty when the database was up to date. */
  applied: string[];
}

export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const log = options.log ?? (() => undefined);
  const migrationsList = await readMigrationsFolder(options.migrationsDir ?? migrationsDirectory(options.provider));
  const onLog = ({ level, fields }: EngineLogRecord) => {
    if ((level === 'WARN' || level === 'ERROR') && fields.message) log(`${level.toLowerCase()}: ${fields.message}`);
  };
  const applied = await withSchemaEngine({ provider: options.provider, url: options.url, onLog }, async (engine) => {
    await refuseUntrustedHistory(engine, migrationsList, log);
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return appliedMigrationNames;
    } catch (error) {
      throw await nameFailedMigration(engine, migrationsList, error);
    }
  });
  for (const name of applied) log(`Applied migration ${name}`);
  if (applied.length === 0) log('No pending migrations');
  return { applied };
}

/**
 * Failed or edited migrations: `migrate deploy` stops on the first and only warns about the second, but a
 * database whose recorded history differs from the committed files is not the schema this code expects.
 */
async function refuseUntrustedHistory(engine: SchemaEngine, migrationsList: MigrationList, log: (line: string) => void): Promise<void> {
  const diagnosis = await engine
    .diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS })
    .catch((error: unknown) => {
      if (isMigrationsTableMissing(error)) return undefined; // fresh database: nothing recorded, nothing to refuse
      throw error;
    });
  if (!diagnosis) return;
  const [failed] = diagnosis.failedMigrationNames;
  if (failed) {
    throw new Error(
      `Migration ${failed} failed in an earlier run and is recorded as failed in _prisma_migrations. ` +
        `Repair the database by hand, then mark it rolled back (npx prisma migrate resolve --rolled-back ${failed}) to retry it.`,
    );
  }
  const [edited] = diagnosis.editedMigrationNames;
  if (edited) {
    throw new Error(
      `Migration ${edited} was edited after it was applied: the checksum of ${migrationsList.baseDir}/${edited}/${MIGRATION_FILE} ` +
        'no longer matches the one recorded in _prisma_migrations. Restore the applied file and put the change in a new migration.',
    );
  }
  const history = diagnosis.history;
  if (history && history.diagnostic !== 'databaseIsBehind') {
    log(`warn: the database has migrations that are not in ${migrationsList.baseDir}: ${history.unpersistedMigrationNames.join(', ')}`);
  }
}

/** The engine's error for a failing script does not always say which migration it was: the history does. */
async function nameFailedMigration(engine: SchemaEngine, migrationsList: MigrationList, error: unknown): Promise<unknown> {
  const diagnosis = await engine
    .diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS })
    .catch(() => undefined);
  const failed = diagnosis?.failedMigrationNames[0];
  if (!failed || !(error instanceof Error)) return error;
  return new SchemaEngineError(
    `Migration ${failed} failed to apply: ${error.message}\n` +
      `It is recorded as failed in _prisma_migrations: fix it, revert what it changed, then mark it rolled back ` +
      `(npx prisma migrate resolve --rolled-back ${failed}).`,
    error instanceof SchemaEngineError ? error.code : undefined,
    { cause: error },
  );
}
