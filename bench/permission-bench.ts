import { join } from 'node:path';
import type { Dialect } from '../src/db/dialect.ts';
import { bulkLoad } from './bulk-load.ts';
import { startTogether, type Cleanup } from './cleanup.ts';
import { createCollections } from './create-collections.ts';
import { postGraphQL, type Credential } from './graphql-client.ts';
import { loadFailure, median, runLoad, type LoadResult, type RoundSettings } from './load.ts';
import type { Operation } from './operations.ts';
import { COUNT_CACHE_MODES, COUNT_CACHE_SETTINGS, listsMeasured, permissionCases, type CountCacheMode, type PermissionCaller } from './permission-cases.ts';
import { TEAM_COUNT } from './permission-dataset.ts';
import { mintUserJwt, setUpPermissionCollection } from './permission-setup.ts';
import { PROVIDER_NAME, sizeLabel } from './results.ts';
import { startGatewayProcess, type GatewayProcess } from './server-processes.ts';

/**
 * `npm run bench -- --only permissions`: the permission target alone (a user in 50 teams against the API key on
 * the document-security collection, as large as --docs), on one provider. Key and user run on their own server
 * processes, measured interleaved round after round so that machine noise falls on both alike; medians are
 * reported. Prints its table; bench/RESULTS.md is left alone.
 */

const MAX_PERMISSION_FACTOR = 1.5;

interface CallerServer {
  gateway: GatewayProcess;
  credential: Credential;
  operations: Operation[];
  results: LoadResult[][];
}

async function startCaller(databaseUrl: string, dataDir: string, caller: PermissionCaller, mode: CountCacheMode, secured: Parameters<typeof permissionCases>[0], cleanup: Cleanup): Promise<CallerServer> {
  const gateway = await startGatewayProcess(databaseUrl, dataDir, COUNT_CACHE_SETTINGS[mode]);
  cleanup.add(gateway.server.stop);
  const credential = caller === 'key' ? { apiKey: gateway.apiKey } : { jwt: await mintUserJwt(gateway) };
  const operations = permissionCases(secured, caller, mode, credential, gateway.countLimit).map((planned) => planned.operation);
  for (const operation of operations) await operation.verify((body) => postGraphQL(gateway.server.url, credential, body));
  return { gateway, credential, operations, results: operations.map(() => []) };
}

export async function benchmarkPermissions(provider: Dialect, databaseUrl: string, dataDir: string, size: number, settings: RoundSettings, cleanup: Cleanup): Promise<string> {
  const schemaGateway = await startGatewayProcess(databaseUrl, dataDir);
  cleanup.add(schemaGateway.server.stop);
  await createCollections(schemaGateway, []);
  const secured = await setUpPermissionCollection(schemaGateway, size);
  await schemaGateway.server.stop();
  await bulkLoad(databaseUrl, provider, [secured]);

  const rows: string[] = [];
  for (const mode of COUNT_CACHE_MODES) {
    // Started side by side: nothing is measured before both are up.
    const start = (caller: PermissionCaller) => () => startCaller(databaseUrl, join(dataDir, caller), caller, mode, secured, cleanup);
    const [key, user] = await startTogether<[CallerServer, CallerServer]>([start('key'), start('user')]);
    for (let round = 1; round <= settings.rounds; round++) {
      for (const server of [key, user]) {
        for (const [index, operation] of server.operations.entries()) {
          const result = await runLoad(server.gateway.server.url, () => ({ credential: server.credential, body: operation.nextBody() }), settings);
          const failure = loadFailure(result);
          if (failure) throw new Error(`${operation.name}: ${failure}`);
          server.results[index]!.push(result);
        }
      }
      console.log(`  ${PROVIDER_NAME[provider]}, count cache ${mode}: round ${round} of ${settings.rounds} done`);
    }
    await Promise.all([key.gateway.server.stop(), user.gateway.server.stop()]);
    for (const [index, list] of listsMeasured(mode).entries()) {
      const keyP50 = median(key.results[index]!.map((r) => r.p50Ms));
      const userP50 = median(user.results[index]!.map((r) => r.p50Ms));
      const factor = userP50 / keyP50;
      const verdict = mode === 'on' ? (factor <= MAX_PERMISSION_FACTOR ? 'pass' : 'FAIL') : 'reported';
      rows.push(`| ${PROVIDER_NAME[provider]} | ${list.label} | ${mode} | ${keyP50.toFixed(2)} | ${userP50.toFixed(2)} | ${factor.toFixed(2)}x | ${verdict} |`);
    }
  }
  return [
    `${PROVIDER_NAME[provider]}, ${sizeLabel(size)} documents, 10% readable to a user in ${TEAM_COUNT} teams; medians of ${settings.rounds} interleaved rounds of ${settings.durationSeconds} s, ${settings.connections} connections (target: user p50 within ${MAX_PERMISSION_FACTOR}x of the key's with the count cache on, the default):`,
    '',
    '| provider | list | count cache | key p50 ms | user p50 ms | user/key | target |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}
