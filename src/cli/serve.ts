import { once } from 'node:events';
import type { Server } from 'node:http';
import { createBootstrapKey } from '../auth/bootstrap-key.ts';
import { resolveJwtSecret } from '../auth/jwt-secret.ts';
import { loadConfig, type Config } from '../config.ts';
import type { Database } from '../db/open.ts';
import { upgradeCollectionTables } from '../documents/read-set-backfill.ts';
import { gracefulClose } from '../http/graceful-close.ts';
import { createLogger, type Logger } from '../logger.ts';
import { createGateway, createHttpServer, type Gateway } from '../server.ts';
import { sweepStoredOrphans } from '../storage/files.ts';
import { clearStaleUploads } from '../storage/uploads.ts';
import { parseCommandLine } from './command.ts';
import { openMigratedDatabase } from './database.ts';

/** `gateway serve` (`npm start`): serves until SIGTERM/SIGINT, then resolves to the exit code of the drain. */
export async function serve(args: string[]): Promise<number> {
  parseCommandLine({ args });
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { gateway, db } = await startGateway(config, logger);
  const server = createHttpServer(gateway, config);
  const closeServer = gracefulClose(server);
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`listening on http://${config.host}:${port}/v1/graphql`, { provider: config.provider });
  return drainOnSignal({ server, closeServer, gateway, db, logger, timeoutMs: config.shutdownTimeoutMs });
}

/** Migrates and opens the database, builds the gateway and does the start-up housekeeping. */
async function startGateway(config: Config, logger: Logger): Promise<{ gateway: Gateway; db: Database }> {
  // Resolved at start so a fresh install gets its secret (and any file-permission problem shows) at once.
  const jwtSecret = resolveJwtSecret(config.jwtSecret, config.dataDir);
  const { db, applied } = await openMigratedDatabase(config, (line) => logger.info(line));
  if (applied.length) logger.info('migrations applied', { applied });
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
  return { gateway, db };
}

interface Serving {
  server: Server;
  closeServer: () => Promise<void>;
  gateway: Gateway;
  db: Database;
  logger: Logger;
  timeoutMs: number;
}

/**
 * Resolves to the exit code once SIGTERM or SIGINT has stopped the server: 0 when in-flight requests finished and
 * everything closed within `timeoutMs`, 1 when connections had to be destroyed. A second signal exits at once.
 */
function drainOnSignal({ server, closeServer, gateway, db, logger, timeoutMs }: Serving): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn('second signal during shutdown: exiting without waiting for in-flight requests', { signal });
        process.exit(1);
      }
      stopping = true;
      gateway.health.markShuttingDown();
      logger.info('shutting down: draining in-flight requests', { signal, timeoutMs });
      let settled = false;
      const settle = (code: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(code);
      };
      const timer = setTimeout(() => {
        logger.error('shutdown timed out: destroying the connections still open', { timeoutMs });
        server.closeAllConnections();
        settle(1);
      }, timeoutMs);
      closeServer()
        .then(() => gateway.close())
        .then(() => db.close())
        .then(
          () => {
            if (!settled) logger.info('stopped');
            settle(0);
          },
          (error: unknown) => {
            logger.error('shutdown failed', { error: String(error) });
            settle(1);
          },
        );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
