import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cleanup } from './cleanup.ts';
import { benchmarkFileBaseline } from './file-download-bench.ts';
import { loadFailure, type LoadSettings } from './load.ts';
import { measureServer } from './measure-server.ts';
import { baselineOperation } from './operations.ts';
import { optionArgs, parseOptions, USAGE, UsageError, type BenchGroup, type BenchOptions } from './options.ts';
import { createPostgresDatabase, postgresAdminUrl, redactedUrl } from './postgres-database.ts';
import { benchmarkProvider, type ProviderResults } from './provider-bench.ts';
import { benchmarkPermissions } from './permission-bench.ts';
import { benchmarkRateLimits } from './rate-limit-bench.ts';
import { renderReport } from './report.ts';
import { PROVIDER_NAME, sizeLabel, type CaseResult } from './results.ts';
import { startBaselineProcess } from './server-processes.ts';
import { evaluateTargets } from './targets.ts';

/**
 * `npm run bench`: the bare-Yoga and bare file-server baselines, then SQLite, then PostgreSQL (when reachable),
 * each seeded with one collection per size; writes bench/RESULTS.md and prints it. With `--smoke` the same runs
 * on tiny collections at the shortest load and the report is only printed.
 */

const RESULTS_PATH = fileURLToPath(new URL('RESULTS.md', import.meta.url));
/** The baseline ignores it; sent so that both servers get requests of the same shape. */
const BASELINE_API_KEY = 'unused';

function readOptions(): BenchOptions | null {
  try {
    const options = parseOptions(process.argv.slice(2));
    if (options !== 'help') return options;
    console.log(USAGE);
  } catch (error) {
    const isUsage = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (!isUsage) throw error;
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  }
  return null;
}

async function measureBaseline(settings: LoadSettings, cleanup: Cleanup): Promise<CaseResult[]> {
  console.log('Baseline: bare graphql-yoga');
  const baseline = await startBaselineProcess();
  cleanup.add(baseline.stop);
  const cases = await measureServer({ server: baseline, apiKey: BASELINE_API_KEY }, null, [{ size: null, operation: baselineOperation() }], settings);
  await baseline.stop();
  return cases;
}

/** PostgreSQL's results and the server they ran on, or why it was skipped. */
async function benchmarkPostgres(options: BenchOptions, workDir: string, cleanup: Cleanup): Promise<{ results: ProviderResults; adminUrl: string } | { skipped: string }> {
  const admin = postgresAdminUrl();
  const database = await createPostgresDatabase(admin);
  if ('unreachable' in database) {
    return { skipped: `PostgreSQL skipped: ${redactedUrl(admin)} is unreachable (${database.unreachable}); BENCH_DATABASE_URL or TEST_DATABASE_URL choose the server` };
  }
  cleanup.add(database.drop);
  const results = await benchmarkProvider('postgresql', database.url, join(workDir, 'postgresql'), options.sizes, options, cleanup);
  return { results, adminUrl: admin };
}

/** `--only permissions`: the permission target alone, on SQLite and (when reachable) PostgreSQL, printed. */
async function benchPermissions(options: BenchOptions, cleanup: Cleanup): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  cleanup.add(() => rm(workDir, { recursive: true, force: true }));
  const size = options.sizes.at(-1)!;
  const tables = [await benchmarkPermissions('sqlite', `file:${join(workDir, 'gateway.db')}`, join(workDir, 'sqlite'), size, options, cleanup)];
  const database = await createPostgresDatabase(postgresAdminUrl());
  if ('unreachable' in database) tables.push(`PostgreSQL skipped: ${database.unreachable}`);
  else {
    cleanup.add(database.drop);
    tables.push(await benchmarkPermissions('postgresql', database.url, join(workDir, 'postgresql'), size, options, cleanup));
  }
  console.log(`\n${tables.join('\n\n')}`);
}

/** `--only rate-limit`: the rate-limit overhead cases alone, printed. */
async function benchRateLimits(options: BenchOptions, cleanup: Cleanup): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  cleanup.add(() => rm(workDir, { recursive: true, force: true }));
  console.log('Rate limits: createDocument with limits off and on');
  console.log(`\n${await benchmarkRateLimits(workDir, options, cleanup)}`);
}

async function bench(options: BenchOptions, cleanup: Cleanup): Promise<void> {
  const startedAt = new Date();
  const [loadBefore = 0] = loadavg();
  const workDir = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  cleanup.add(() => rm(workDir, { recursive: true, force: true }));

  const baseline = [...(await measureBaseline(options, cleanup)), ...(await benchmarkFileBaseline(workDir, options, cleanup))];
  const providers = [await benchmarkProvider('sqlite', `file:${join(workDir, 'gateway.db')}`, join(workDir, 'sqlite'), options.sizes, options, cleanup)];
  const postgres = await benchmarkPostgres(options, workDir, cleanup);
  let command = `npm run bench -- ${optionArgs(options)}`;
  const notes: string[] = [];
  if ('skipped' in postgres) {
    console.log(postgres.skipped);
    notes.push(postgres.skipped);
  } else {
    providers.push(postgres.results);
    command = `BENCH_DATABASE_URL=${redactedUrl(postgres.adminUrl)} ${command}`;
  }

  const cases = [...baseline, ...providers.flatMap((p) => p.cases)];
  const report = renderReport({
    settings: options,
    databaseVersions: providers.map((p) => p.databaseVersion),
    cases,
    seeding: providers.flatMap((p) => p.seeding),
    targets: evaluateTargets(cases, options.sizes),
    notes,
    command,
    smoke: options.smoke,
    startedAt,
    loadBefore,
    runSeconds: (Date.now() - startedAt.getTime()) / 1000,
  });
  if (!options.smoke) await writeFile(RESULTS_PATH, report);
  console.log(`\n${report}`);

  const failed = cases.flatMap((c) => {
    const failure = loadFailure(c.load);
    return failure ? [`${c.provider ? PROVIDER_NAME[c.provider] : 'baseline'} ${c.size === null ? '' : `${sizeLabel(c.size)} `}${c.operation}: ${failure}`] : [];
  });
  if (failed.length) {
    console.error(`${failed.length} case(s) had failed requests under load, or none answered: their numbers are not valid\n${failed.join('\n')}`);
    process.exitCode = 1;
  }
}

const options = readOptions();
if (options) {
  const cleanup = new Cleanup();
  cleanup.runOnSignals();
  try {
    const groups: Record<BenchGroup, typeof bench> = { 'rate-limit': benchRateLimits, permissions: benchPermissions };
    const run = options.only ? groups[options.only] : bench;
    await run(options, cleanup);
    if (options.smoke && !process.exitCode) console.log('\nSmoke run passed: every case ran and was answered without errors (its numbers and target verdicts mean nothing).');
  } finally {
    await cleanup.run();
  }
}
