import type { Dialect } from '../src/db/dialect.ts';
import { bulkLoad } from './bulk-load.ts';
import type { Cleanup } from './cleanup.ts';
import { createCollections } from './create-collections.ts';
import type { LoadSettings } from './load.ts';
import { measureServer } from './measure-server.ts';
import { documentOperations } from './operations.ts';
import { PROVIDER_NAME, sizeLabel, type CaseResult, type SeedResult } from './results.ts';
import { startGatewayProcess } from './server-processes.ts';

export interface ProviderResults {
  cases: CaseResult[];
  seeding: SeedResult[];
  databaseVersion: string;
}

/**
 * One provider end to end. A first gateway creates the schema through the API and is stopped before the
 * bulk load, so nothing else holds the database while rows and statistics are written; a fresh gateway,
 * started on the final data, is then measured on every collection, smallest first.
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
  await schemaGateway.server.stop();

  const loaded = await bulkLoad(databaseUrl, provider, collections);
  const seeding = loaded.timings.map((timing): SeedResult => ({ provider, ...timing }));
  for (const s of seeding) console.log(`  ${sizeLabel(s.size)} documents inserted and analyzed in ${s.seconds.toFixed(1)} s`);

  console.log(`${name}: measuring (${loaded.databaseVersion})`);
  const gateway = await startGatewayProcess(databaseUrl, dataDir);
  cleanup.add(gateway.server.stop);
  const planned = collections.flatMap((collection) => documentOperations(collection, gateway.countLimit).map((operation) => ({ size: collection.size, operation })));
  const cases = await measureServer(gateway, provider, planned, settings);
  await gateway.server.stop();
  return { cases, seeding, databaseVersion: loaded.databaseVersion };
}
