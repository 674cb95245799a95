import { once } from 'node:events';
import { createBootstrapKey } from './auth/bootstrap-key.ts';
import { resolveJwtSecret } from './auth/jwt-secret.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { upgradeCollectionTables } from './documents/read-set-backfill.ts';
import { applyMigrations } from './db/migrations/index.ts';
import { createLogger } from './logger.ts';
import { createGateway, createHttpServer } from './server.ts';
import { sweepStoredOrphans } from './storage/files.ts';
import { clearStaleUploads } from './storage/uploads.ts';

/** `npm start`: migrate, serve, and on SIGTERM/SIGINT drain in-flight requests and close the database. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Resolved at start so a fresh install gets its secret (and any file-permission problem shows) at once.
  const jwtSecret = resolveJwtSecret(config.jwtSecret, config.dataDir);
  const migrated = await applyMigrations({ provider: config.provider, url: config.databaseUrl, log: (line) => logger.info(line) });
  if (migrated.applied.length) logger.info('migrations applied', { applied: migrated.applied });
  const db = await openDatabase(config.databaseUrl, config.provider);
  const upgraded = await upgradeCollectionTables(db);
  if (upgraded) logger.info('collection tables upgraded with read sets', { collections: upgraded });
  const gateway = createGateway({ config, db, logger, jwtSecret });
  // Uploads a previous process was receiving when it stopped can never complete; bytes it stored or was
  // deleting without its file row are swept in the background.
  await clearStaleUploads(gateway.services.storage.store.uploadsDir);
  void sweepStoredOrphans(gateway.services.storage).then(
    (removed) => removed && logger.warn('removed stored files no file row names (left by an interrupted process)', { removed }),
    (error: unknown) => logger.error('sweeping orphaned stored files failed', { error: String(error) }),
  );
  const bootstrapKey = await createBootstrapKey(db.prisma, gateway.services.apiKeys, config.rootApiKey);
  if (bootstrapKey) {
    // The one deliberate exception to "no secrets in output": the operator's only copy of the first key. A plain
    // line on stdout, never a log field (logs on stderr stay free of secrets, and redaction would censor it).
    process.stdout.write(`\nNo API key existed: created one with every scope. It is shown only now; send it as X-Appwrite-Key:\n\n  ${bootstrapKey}\n\n`);
    logger.warn('no API key existed: created one with every scope and printed it once on stdout (not in the log)');
  }
  // With REDIS_URL, the first requests should already count on the shared budgets (it never blocks for long).
  await gateway.ready;
  const server = createHttpServer(gateway, config);
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`listening on http://${config.host}:${port}/v1/graphql`, { provider: config.provider });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: draining in-flight requests', { signal });
    server.close();
    server.closeIdleConnections();
    await once(server, 'close');
    await gateway.close();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
