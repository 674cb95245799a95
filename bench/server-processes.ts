import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startChildServer, type ChildServer } from './child-server.ts';

/** Both servers run as in production whatever the caller's environment says (NODE_ENV=development changes Yoga's error handling). */
const PRODUCTION_ENV: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };

export interface GatewayProcess {
  server: ChildServer;
  apiKey: string;
  /** The COUNT_LIMIT the gateway runs with: list totals are capped at it. */
  countLimit: number;
}

/**
 * `node --import tsx src/main.ts` on `databaseUrl`, configured as in production but for a fresh root key and
 * `settings`; with `cpus`, pinned to them (see startChildServer).
 */
export async function startGatewayProcess(databaseUrl: string, dataDir: string, settings: NodeJS.ProcessEnv = {}, cpus?: string): Promise<GatewayProcess> {
  const apiKey = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...PRODUCTION_ENV,
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    ROOT_API_KEY: apiKey,
    DATA_DIR: dataDir,
    STORAGE_DIR: join(dataDir, 'storage'),
    // The production default: it logs nothing per request (debug would, and would be measured with it).
    LOG_LEVEL: 'info',
    ...settings,
  };
  return { server: await startChildServer('gateway', 'src/main.ts', env, cpus), apiKey, countLimit: loadConfig(env).countLimit };
}

/** The bare graphql-yoga server of bench/baseline-server.ts. */
export const startBaselineProcess = (): Promise<ChildServer> =>
  startChildServer('baseline', 'bench/baseline-server.ts', { ...PRODUCTION_ENV, PORT: '0' });
