import autocannon from 'autocannon';
import { requestHeaders } from './graphql-client.ts';

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors (timeouts included), plus answers that carry GraphQL `errors`. */
  errors: number;
  non2xx: number;
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/**
 * POSTs `nextBody()` bodies to `url` with autocannon: a discarded warm-up (when its seconds are not 0),
 * then the measured run.
 * Latencies are collected from each response rather than autocannon's histogram, which keeps whole
 * milliseconds only: too coarse for the 2x comparisons of millisecond-scale latencies.
 */
export async function runLoad(url: string, apiKey: string, nextBody: () => string, settings: LoadSettings): Promise<LoadResult> {
  const latencies: number[] = [];
  const run = autocannon({
    url,
    method: 'POST',
    headers: requestHeaders(apiKey),
    connections: settings.connections,
    duration: settings.durationSeconds,
    ...(settings.warmupSeconds > 0 ? { warmup: { connections: settings.connections, duration: settings.warmupSeconds } } : {}),
    requests: [{ setupRequest: (request) => ({ ...request, body: nextBody() }) }],
    // A GraphQL error still comes with status 200; a substring test is cheap enough for every answer.
    verifyBody: (body) => !body.includes('"errors"'),
  });
  run.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  const result = await run;
  if (latencies.length === 0) throw new Error(`no answer from ${url} during the measured run`);
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors: result.errors + result.mismatches,
    non2xx: result.non2xx,
  };
}
