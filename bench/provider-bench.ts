import type { Dialect } from '../src/db/dialect.ts';
import { bulkLoad } from './bulk-load.ts';
import type { Cleanup } from './cleanup.ts';
import { createCollections } from './create-collections.ts';
import { benchmarkTokenDownloads } from './file-download-bench.ts';
import type { LoadSettings } from './load.ts';
import { measureServer } from './measure-server.ts';
import { documentOperations } from './operations.ts';
import { COUNT_CACHE_MODES, COUNT_CACHE_SETTINGS, PERMISSION_CALLERS, permissionCases } from './permission-cases.ts';
import { mintUserJwt, setUpPermissionCollection } from './permission-setup.ts';
import { PROVIDER_NAME, sizeLabel, type CaseResult, type SeedResult } from './results.ts';
import { startGatewayProcess } from './server-processes.ts';

export interface ProviderResults {
  cases: CaseResult[];
  seeding: SeedResult[];
  databaseVersion: string;
}

/**
 * One provider end to end. A first gateway creates the schema (and the permission benchmark's user and teams)
 * through the API and is stopped before the bulk load, so nothing else holds the database while rows and
 * statistics are written; a fresh gateway, started on the final data with the count cache off (every total is
 * counted in SQL, which is what the scaling targets are about), is then measured on every collection, smallest
 * first, then on token-authorized file downloads; then one per caller (API key, user) and count cache setting on the document-security collection (as
 * large as the largest).
 */
export async function benchmarkProvider(
  provider: Dialect,
  databaseUrl: string,
  dataDir: string,
  sizes: readonly number[],
  settings: LoadSettings,
  cleanup: Cleanup,
): Promise<ProviderResults> {
  const name = PROVIDER_NAME[provider];
  console.log(`${name}: seeding ${sizes.map(sizeLabel).join(' + ')} documents`);
  const schemaGateway = await startGatewayProcess(databaseUrl, dataDir);
  cleanup.add(schemaGateway.server.stop);
  const collections = await createCollections(schemaGateway, sizes);
  const secured = await setUpPermissionCollection(schemaGateway, sizes.at(-1)!);
  await schemaGateway.server.stop();

  const loaded = await bulkLoad(databaseUrl, provider, [...collections, secured]);
  const seeding = loaded.timings.map((timing): SeedResult => ({ provider, ...timing }));
  for (const s of seeding) {
    console.log(`  ${sizeLabel(s.size)} documents${s.withPermissions ? ' and permission rows' : ''} inserted and analyzed in ${s.seconds.toFixed(1)} s`);
  }

  console.log(`${name}: measuring (${loaded.databaseVersion})`);
  const gateway = await startGatewayProcess(databaseUrl, dataDir, COUNT_CACHE_SETTINGS.off);
  cleanup.add(gateway.server.stop);
  const planned = collections.flatMap((collection) => documentOperations(collection, gateway.countLimit).map((operation) => ({ size: collection.size, operation })));
  const cases = await measureServer(gateway, provider, planned, settings);
  cases.push(...(await benchmarkTokenDownloads(gateway, provider, settings)));
  await gateway.server.stop();

  // Each caller on its own server process: a slow case leaves requests queued in the server (and queries running in
  // PostgreSQL), which would slow down whatever is measured next; stopping the process ends them.
  for (const mode of COUNT_CACHE_MODES) {
    for (const caller of PERMISSION_CALLERS) {
      const permissionGateway = await startGatewayProcess(databaseUrl, dataDir, COUNT_CACHE_SETTINGS[mode]);
      cleanup.add(permissionGateway.server.stop);
      const credential = caller === 'key' ? { apiKey: permissionGateway.apiKey } : { jwt: await mintUserJwt(permissionGateway) };
      const planned = permissionCases(secured, caller, mode, credential, permissionGateway.countLimit);
      cases.push(...(await measureServer(permissionGateway, provider, planned, settings)));
      await permissionGateway.server.stop();
    }
  }
  return { cases, seeding, databaseVersion: loaded.databaseVersion };
}
