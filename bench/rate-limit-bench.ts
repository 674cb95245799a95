import { join } from 'node:path';
import { uniqueId } from '../src/validation/ids.ts';
import { startTogether, type Cleanup } from './cleanup.ts';
import { graphqlBody, postGraphQL, type Credential } from './graphql-client.ts';
import { loadFailure, runLoad, type LoadResult, type RoundSettings } from './load.ts';
import { startGatewayProcess, type GatewayProcess } from './server-processes.ts';

/**
 * `npm run bench -- --only rate-limit`: createDocument throughput as a signed-in user (API keys are exempt) with
 * limits on — a max never reached, so every request pays the check — in memory and on Redis, against limits off.
 * Each mode runs on its own process and SQLite file; modes are measured interleaved, round after round, and
 * medians reported, since the machine is shared. Prints its table; bench/RESULTS.md is left alone.
 */

const NEVER_REACHED = '{"databasesCreateDocument":{"max":1000000000,"window":"60s"}}';
const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

const MODES: { name: string; env: NodeJS.ProcessEnv }[] = [
  { name: 'limits off', env: { RATE_LIMITS_ENABLED: 'false' } },
  { name: 'limits on, memory', env: { RATE_LIMITS: NEVER_REACHED } },
  { name: 'limits on, Redis', env: { RATE_LIMITS: NEVER_REACHED, REDIS_URL, REDIS_KEY_PREFIX: `bench:${uniqueId()}:` } },
];

const CREATE_BODY = graphqlBody('mutation { databasesCreateDocument(databaseId: "bench", collectionId: "writes", documentId: "unique()", data: {title: "x", n: 1}) { _id } }');

/** A collection users may create in, and a user JWT (an hour long) to write as. */
async function prepare(gateway: GatewayProcess): Promise<Credential> {
  const asKey = (query: string) => postGraphQL(gateway.server.url, { apiKey: gateway.apiKey }, graphqlBody(query));
  await asKey('mutation { databasesCreate(databaseId: "bench", name: "bench") { _id } }');
  await asKey('mutation { databasesCreateCollection(databaseId: "bench", collectionId: "writes", name: "writes", permissions: ["create(\\"users\\")"]) { _id } }');
  await asKey('mutation { databasesCreateStringAttribute(databaseId: "bench", collectionId: "writes", key: "title", size: 64, required: true) { key } }');
  await asKey('mutation { databasesCreateIntegerAttribute(databaseId: "bench", collectionId: "writes", key: "n", required: false) { key } }');
  await asKey('mutation { usersCreate(userId: "writer", email: "writer@example.com", password: "bench-password") { _id } }');
  // A user JWT is bound to a session.
  await asKey('mutation { accountCreateEmailPasswordSession(email: "writer@example.com", password: "bench-password") { _id } }');
  const { usersCreateJWT } = (await asKey('mutation { usersCreateJWT(userId: "writer", duration: 3600) { jwt } }')) as { usersCreateJWT: { jwt: string } };
  const credential = { jwt: usersCreateJWT.jwt };
  // One write before the load: a failing one throws with its error instead of counting as load errors.
  await postGraphQL(gateway.server.url, credential, CREATE_BODY);
  return credential;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchmarkRateLimits(workDir: string, settings: RoundSettings, cleanup: Cleanup): Promise<string> {
  // Started side by side (each on its own SQLite file): nothing is measured before all are up.
  const servers = await startTogether(
    MODES.map((mode, index) => async () => {
      const dataDir = join(workDir, `rate-limit-${index}`);
      const gateway = await startGatewayProcess(`file:${join(dataDir, 'gateway.db')}`, dataDir, mode.env);
      cleanup.add(gateway.server.stop);
      return { mode, gateway, credential: await prepare(gateway), results: [] as LoadResult[] };
    }),
  );
  for (let round = 1; round <= settings.rounds; round++) {
    for (const server of servers) {
      const result = await runLoad(server.gateway.server.url, () => ({ credential: server.credential, body: CREATE_BODY }), settings);
      const failure = loadFailure(result);
      if (failure) throw new Error(`${server.mode.name}: ${failure}`);
      server.results.push(result);
      console.log(`  round ${round}, ${server.mode.name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(2)} ms`);
    }
  }
  await Promise.all(servers.map((server) => server.gateway.server.stop()));

  const off = median(servers[0]!.results.map((r) => r.requestsPerSecond));
  const rows = servers.map(({ mode, results }) => {
    const rps = median(results.map((r) => r.requestsPerSecond));
    const overhead = ((off - rps) / off) * 100;
    return `| ${mode.name} | ${Math.round(rps).toLocaleString('en-US')} | ${median(results.map((r) => r.p50Ms)).toFixed(2)} | ${median(results.map((r) => r.p99Ms)).toFixed(2)} | ${mode === MODES[0] ? '' : `${overhead.toFixed(1)}%${overhead < 10 ? '' : ' (over the 10% target)'}`} |`;
  });
  return [
    `createDocument as a user on SQLite, medians of ${settings.rounds} interleaved rounds of ${settings.durationSeconds} s, ${settings.connections} connections:`,
    '',
    '| mode | req/s | p50 ms | p99 ms | overhead vs off |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
