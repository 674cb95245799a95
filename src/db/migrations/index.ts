export { applyMigrations, type ApplyMigrationsOptions, type ApplyMigrationsResult } from './apply.ts';
export { SchemaEngineError } from './session.ts';
