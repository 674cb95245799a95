export { applyMigrations, type ApplyMigrationsOptions, type ApplyMigrationsResult } from './apply.ts';
export { DEFAULT_DATABASE_URL, providerForUrl, redactUrl } from './database-url.ts';
export { SchemaEngineError } from './session.ts';
