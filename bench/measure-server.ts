import type { Dialect } from '../src/db/dialect.ts';
import type { ChildServer } from './child-server.ts';
import { postGraphQL, type Credential } from './graphql-client.ts';
import { runLoad, type LoadSettings } from './load.ts';
import type { Operation } from './operations.ts';
import { formatMs, formatRate, PROVIDER_NAME, sizeLabel, type CaseResult } from './results.ts';

export interface ServerUnderTest {
  server: ChildServer;
  apiKey: string;
}

/** An operation to measure, on the collection of `size` documents (null: the baseline). */
export interface PlannedCase {
  size: number | null;
  operation: Operation;
  /** Who calls; the server's API key when absent. */
  credential?: Credential;
}

/** A freshly started server gets this many case warm-ups' worth of mixed load before its first case. */
export const SERVER_WARMUP_FACTOR = 3;

const caseLabel = (provider: Dialect | null, { size, operation }: PlannedCase): string =>
  [provider && PROVIDER_NAME[provider], size && sizeLabel(size), operation.name].filter(Boolean).join(' ');

/**
 * Measures every planned case on one freshly started server. All answers are checked first: a wrong one
 * throws, as its numbers would mean nothing. Then a mix of all the cases' requests warms the server up: a
 * new process needs several seconds of load to reach its steady speed, which would otherwise count against
 * whichever case runs first (none when `settings.warmupSeconds` is 0). Then the cases run one by one, each after
 * its own short warm-up.
 */
export async function measureServer(
  target: ServerUnderTest,
  provider: Dialect | null,
  planned: readonly PlannedCase[],
  settings: LoadSettings,
): Promise<CaseResult[]> {
  const { url } = target.server;
  const credentialOf = (plan: PlannedCase): Credential => plan.credential ?? { apiKey: target.apiKey };
  const requestOf = (plan: PlannedCase) => ({ credential: credentialOf(plan), body: plan.operation.nextBody() });
  for (const plan of planned) {
    await plan.operation.verify((body) => postGraphQL(url, credentialOf(plan), body)).catch((error: unknown) => {
      throw new Error(`${caseLabel(provider, plan)}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  const mixedRequest = () => requestOf(planned[Math.floor(Math.random() * planned.length)]!);
  if (settings.warmupSeconds > 0) {
    await runLoad(url, mixedRequest, { ...settings, durationSeconds: settings.warmupSeconds * SERVER_WARMUP_FACTOR, warmupSeconds: 0 });
  }

  const results: CaseResult[] = [];
  for (const plan of planned) {
    const load = await runLoad(url, () => requestOf(plan), settings);
    results.push({ provider, size: plan.size, operation: plan.operation.name, load, rssMegabytes: target.server.rssMegabytes() });
    console.log(`  ${caseLabel(provider, plan)}: ${formatRate(load.requestsPerSecond)} req/s, p50 ${formatMs(load.p50Ms)} ms, p99 ${formatMs(load.p99Ms)} ms`);
  }
  return results;
}
