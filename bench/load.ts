import autocannon from 'autocannon';
import { requestHeaders, type Credential } from './graphql-client.ts';

export interface LoadSettings {
  connections: number;
  /** Whole seconds, or a fraction of one (a smoke run's short load). */
  durationSeconds: number;
  /** Whole seconds (a warm-up takes its samples from the measured run), 0: none. */
  warmupSeconds: number;
}

/**
 * autocannon counts requests in samples of this many ms and ends a run on a sample only, so a run shorter than a
 * second samples (and lasts) just its own length; whole seconds keep autocannon's 1 s samples.
 */
const sampleMs = (durationSeconds: number): number => (durationSeconds < 1 ? durationSeconds * 1000 : 1000);

export interface LoadResult {
  /** Requests answered during the measured run. */
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors (timeouts included), plus answers that carry GraphQL `errors`. */
  errors: number;
  non2xx: number;
}

/** LoadSettings of the groups measured in interleaved rounds (`--only`), whose medians they report. */
export interface RoundSettings extends LoadSettings {
  rounds: number;
}

/** The middle value (the upper one of an even count): what the interleaved groups report of their rounds. */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** What makes a run's numbers invalid (failed requests, or none answered), or null when nothing does. */
export function loadFailure(result: LoadResult): string | null {
  if (result.errors === 0 && result.non2xx === 0 && result.requests > 0) return null;
  return `${result.errors} errors, ${result.non2xx} non-2xx answers, ${result.requests} requests answered under load`;
}

/** One request under load: who sends it, and its GraphQL body. */
export interface LoadRequest {
  credential: Credential;
  body: string;
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/**
 * POSTs `nextRequest()` requests to `url` with autocannon: a discarded warm-up (when its seconds are not 0),
 * then the measured run.
 */
export const runLoad = (url: string, nextRequest: () => LoadRequest, settings: LoadSettings): Promise<LoadResult> =>
  measure(
    {
      url,
      method: 'POST',
      requests: [
        {
          setupRequest: (request) => {
            const { credential, body } = nextRequest();
            return { ...request, headers: requestHeaders(credential), body };
          },
        },
      ],
      // A GraphQL error still comes with status 200; a substring test is cheap enough for every answer.
      verifyBody: (body) => !body.includes('"errors"'),
    },
    settings,
  );

/** GETs `url` (a file download) under load; any status but 200 counts as non-2xx. */
export const runDownloadLoad = (url: string, settings: LoadSettings): Promise<LoadResult> => measure({ url, method: 'GET' }, settings);

/**
 * Latencies are collected from each response rather than autocannon's histogram, which keeps whole
 * milliseconds only: too coarse for the 2x comparisons of millisecond-scale latencies.
 */
async function measure(options: autocannon.Options, settings: LoadSettings): Promise<LoadResult> {
  const latencies: number[] = [];
  const sampleInt = sampleMs(settings.durationSeconds);
  const run = autocannon({
    ...options,
    connections: settings.connections,
    duration: settings.durationSeconds,
    sampleInt,
    ...(settings.warmupSeconds > 0 ? { warmup: { connections: settings.connections, duration: settings.warmupSeconds } } : {}),
  });
  run.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  const result = await run;
  latencies.sort((a, b) => a - b);
  // No answer within the run: latency unbounded, and every connection's request still in flight is an error.
  const unanswered = latencies.length ? 0 : settings.connections;
  const at = (fraction: number) => (latencies.length ? percentile(latencies, fraction) : Number.POSITIVE_INFINITY);
  return {
    requests: latencies.length,
    // The mean count per sample, per second.
    requestsPerSecond: result.requests.average * (1000 / sampleInt),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors: result.errors + result.mismatches + unanswered,
    non2xx: result.non2xx,
  };
}
