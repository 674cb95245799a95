import { join } from 'node:path';
import { Redis } from 'ioredis';
import { uniqueId } from '../src/validation/ids.ts';
import { startTogether, type Cleanup } from './cleanup.ts';
import { graphqlBody, postGraphQL, type Credential } from './graphql-client.ts';
import { loadFailure, median, runLoad, type LoadResult, type LoadSettings, type RoundSettings } from './load.ts';
import { createPostgresDatabase, postgresAdminUrl, redactedUrl } from './postgres-database.ts';
import { startGatewayProcess, type GatewayProcess } from './server-processes.ts';

/**
 * `npm run bench -- --only rate-limit`: createDocument throughput as a signed-in user (API keys are exempt) with
 * limits on — a max never reached, so every request pays the check — in memory and on Redis, against limits off.
 * on SQLite and (when reachable) PostgreSQL. Each mode runs on its own process and database; modes are measured
 * interleaved, round after round, and medians reported, since the machine is shared. Prints its tables;
 * bench/RESULTS.md is left alone.
 */

const NEVER_REACHED = '{"databasesCreateDocument":{"max":1000000000,"window":"60s"}}';
const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
/** BENCH_PIN=1: each gateway alone on CPU 0, as if Redis and the load ran on other hosts (see the usage). */
const PINNED_CPUS = process.env['BENCH_PIN'] === '1' ? '0' : undefined;

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

/** Redis's own CPU seconds so far (INFO cpu), so the Redis mode is charged for the work it moves there. */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

interface ModeRun {
  mode: (typeof MODES)[number];
  dataDir: string;
  databaseUrl: string;
  /** The round's process (a fresh one each round). */
  gateway: GatewayProcess | null;
  /** Made in the first round; the JWT secret is kept in the data directory, so later processes accept it. */
  credential: Credential | null;
  results: LoadResult[];
  /** CPU µs per request of each round: the gateway's, plus Redis's in the Redis mode. */
  cpuPerRequest: number[];
  /** Redis's part of it (0 but in the Redis mode). */
  redisCpuPerRequest: number[];
}

/** One round of one mode: a discarded warm-up, then the measured load with the CPU it took. */
async function measureRound(run: ModeRun, redis: Redis, settings: LoadSettings): Promise<void> {
  const { server } = run.gateway!;
  const load = () => ({ credential: run.credential!, body: CREATE_BODY });
  if (settings.warmupSeconds > 0) await runLoad(server.url, load, { ...settings, durationSeconds: settings.warmupSeconds, warmupSeconds: 0 });
  const chargesRedis = run.mode.env['REDIS_URL'] !== undefined;
  const redisCpu = () => (chargesRedis ? redisCpuSeconds(redis) : Promise.resolve(0));
  const [gatewayBefore, redisBefore] = [server.cpuSeconds(), await redisCpu()];
  const result = await runLoad(server.url, load, { ...settings, warmupSeconds: 0 });
  const [gatewayCpu, redisUsed] = [server.cpuSeconds() - gatewayBefore, (await redisCpu()) - redisBefore];
  const failure = loadFailure(result);
  if (failure) throw new Error(`${run.mode.name}: ${failure}`);
  run.results.push(result);
  run.cpuPerRequest.push(((gatewayCpu + redisUsed) * 1e6) / result.requests);
  run.redisCpuPerRequest.push((redisUsed * 1e6) / result.requests);
}

const overhead = (value: number, reference: number) => ((value - reference) / reference) * 100;

/** The three modes on one provider, each on its own database (`databaseUrls`, one per mode). */
async function benchmarkProvider(provider: string, databaseUrls: readonly string[], workDir: string, settings: RoundSettings, cleanup: Cleanup): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  cleanup.add(async () => redis.disconnect());
  const runs: ModeRun[] = MODES.map((mode, index) => ({
    mode,
    dataDir: join(workDir, `rate-limit-${provider.toLowerCase()}-${index}`),
    databaseUrl: databaseUrls[index]!,
    gateway: null,
    credential: null,
    results: [],
    cpuPerRequest: [],
    redisCpuPerRequest: [],
  }));
  for (let round = 1; round <= settings.rounds; round++) {
    // Fresh processes every round: how one process happens to compile and place its code moves its throughput by
    // more than the limiter costs, so it must vary between rounds rather than stay with a mode. Started side by
    // side; nothing is measured before all are up.
    await startTogether(
      runs.map((run) => async () => {
        run.gateway = await startGatewayProcess(run.databaseUrl, run.dataDir, run.mode.env, PINNED_CPUS);
        cleanup.add(run.gateway.server.stop);
        run.credential ??= await prepare(run.gateway);
      }),
    );
    // Each round starts with another mode, so none is always measured first after the starts.
    for (const run of [...runs.slice((round - 1) % runs.length), ...runs.slice(0, (round - 1) % runs.length)]) {
      await measureRound(run, redis, settings);
      console.log(`  ${provider} round ${round}, ${run.mode.name}: ${Math.round(run.results.at(-1)!.requestsPerSecond)} req/s, ${Math.round(run.cpuPerRequest.at(-1)!)} µs CPU/request`);
    }
    await Promise.all(runs.map((run) => run.gateway!.server.stop()));
  }
  redis.disconnect();

  const offRps = median(runs[0]!.results.map((r) => r.requestsPerSecond));
  const offCpu = median(runs[0]!.cpuPerRequest);
  const rows = runs.map(({ mode, results, cpuPerRequest, redisCpuPerRequest }) => {
    const rps = median(results.map((r) => r.requestsPerSecond));
    const cpu = median(cpuPerRequest);
    const redisCpu = median(redisCpuPerRequest);
    const isOff = mode === MODES[0];
    const rpsOverhead = ((offRps - rps) / offRps) * 100;
    return `| ${mode.name} | ${Math.round(rps).toLocaleString('en-US')} | ${isOff ? '' : `${rpsOverhead.toFixed(1)}%${rpsOverhead < 10 ? '' : ' (over the 10% target)'}`} | ${Math.round(cpu)}${redisCpu > 0 ? ` (Redis ${Math.round(redisCpu)})` : ''} | ${isOff ? '' : `${overhead(cpu, offCpu).toFixed(1)}%`} | ${median(results.map((r) => r.p50Ms)).toFixed(2)} | ${median(results.map((r) => r.p99Ms)).toFixed(2)} |`;
  });
  return [
    `createDocument as a user on ${provider}, medians of ${settings.rounds} interleaved rounds of ${settings.durationSeconds} s, ${settings.connections} connections:`,
    '',
    '| mode | req/s | throughput overhead vs off | CPU µs/request | CPU overhead | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/**
 * The rate-limit overhead on SQLite and, when reachable, PostgreSQL. CPU per request counts the gateway process
 * (and Redis in the Redis mode): steadier than throughput on a shared machine, where the load generator and
 * other work take turns on the same cores.
 */
export async function benchmarkRateLimits(workDir: string, settings: RoundSettings, cleanup: Cleanup): Promise<string> {
  const sqliteUrls = MODES.map((_, index) => `file:${join(workDir, `rate-limit-sqlite-${index}`, 'gateway.db')}`);
  const tables = [await benchmarkProvider('SQLite', sqliteUrls, workDir, settings, cleanup)];
  const admin = postgresAdminUrl();
  const postgresUrls: string[] = [];
  for (const _ of MODES) {
    const database = await createPostgresDatabase(admin);
    if ('unreachable' in database) {
      tables.push(`PostgreSQL skipped: ${redactedUrl(admin)} is unreachable (${database.unreachable})`);
      return tables.join('\n\n');
    }
    cleanup.add(database.drop);
    postgresUrls.push(database.url);
  }
  tables.push(await benchmarkProvider('PostgreSQL', postgresUrls, workDir, settings, cleanup));
  return tables.join('\n\n');
}
