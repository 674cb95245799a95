import { parseArgs } from 'node:util';

/** Command-line settings of `npm run bench`. */
export interface BenchOptions {
  /** Collection sizes, ascending, at least two: the scaling target compares the smallest with the largest. */
  sizes: number[];
  /** Whole seconds, or a fraction of one. */
  durationSeconds: number;
  /** Whole seconds; 0: no warm-up at all (neither the case's nor a fresh server's mixed one). */
  warmupSeconds: number;
  connections: number;
  /** Interleaved rounds of the `--only` groups, whose medians they report. */
  rounds: number;
  /** Run only this group of cases (`rate-limit`, `permissions`), printing its table instead of writing RESULTS.md. */
  only: BenchGroup | null;
  /**
   * A smoke run: tiny collections, the shortest load, one round; it proves every case runs end to end and prints
   * its report instead of writing RESULTS.md (its numbers mean nothing, so missed targets do not fail it).
   */
  smoke: boolean;
}

export const BENCH_GROUPS = ['rate-limit', 'permissions'] as const;
export type BenchGroup = (typeof BENCH_GROUPS)[number];

const SMALL_SIZE = 10_000;
const DEFAULTS = { docs: 100_000, duration: 8, warmup: 3, connections: 10, rounds: 3 };
/** Long enough for even the slowest case (1 MiB downloads, ~50 req/s here) to answer a few dozen requests. */
const SMOKE = { small: 100, docs: 1_000, duration: 0.5, warmup: 0, connections: 10, rounds: 1 };

export const USAGE = `Usage: npm run bench -- [options]
  --docs N          documents in the large collection, compared with a 10000-document one (default ${DEFAULTS.docs})
  --sizes A,B,...   every collection size to seed and measure instead (the smallest and largest are compared)
  --duration S      seconds of load per case, whole or a fraction below 1 (default ${DEFAULTS.duration})
  --warmup S        seconds of discarded load before each case, three times as long on a fresh server; 0: none (default ${DEFAULTS.warmup})
  --connections N   concurrent connections (default ${DEFAULTS.connections})
  --only GROUP      run only these cases and print them, leaving RESULTS.md alone: ${BENCH_GROUPS.join(', ')}
  --rounds N        interleaved rounds of an --only group, whose medians it reports (default ${DEFAULTS.rounds})
  --smoke           not a measurement: check that every case runs, on ${SMOKE.small} and ${SMOKE.docs} documents (--docs: the larger),
                    ${SMOKE.duration} s per case, no warm-up, ${SMOKE.rounds} round (other options still apply); prints the report, leaving
                    RESULTS.md alone, and fails on a case with errors or no answer, never on a missed target
PostgreSQL runs on BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test.
BENCH_PIN=1 runs the gateways of --only rate-limit on CPU 0 only; start the bench on the others
(taskset -c 1 npm run bench -- ...) so that the load generator does not share the gateway's core.`;

export class UsageError extends Error {}

function integerAtLeast(minimum: number, name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new UsageError(`${name} must be a ${minimum === 0 ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

const positiveInteger = (name: string, raw: string): number => integerAtLeast(1, name, raw);

/** autocannon ends a run on a sample, 1 s apart unless the run is shorter: hence whole seconds or below one. */
function seconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !(value > 0) || (value > 1 && !Number.isSafeInteger(value))) {
    throw new UsageError(`${name} must be a whole number of seconds or a fraction below 1, got ${JSON.stringify(raw)}`);
  }
  return value;
}

const optionalInteger = (name: string, raw: string | undefined, fallback: number, minimum = 1): number =>
  raw === undefined ? fallback : integerAtLeast(minimum, name, raw);

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      docs: { type: 'string' },
      sizes: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      rounds: { type: 'string' },
      smoke: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.docs !== undefined && values.sizes !== undefined) throw new UsageError('give either --docs or --sizes, not both');
  const smoke = values.smoke ?? false;
  const defaults = smoke ? SMOKE : { ...DEFAULTS, small: SMALL_SIZE };

  const sizes = values.sizes
    ? values.sizes.split(',').map((size) => positiveInteger('--sizes', size.trim()))
    : [defaults.small, optionalInteger('--docs', values.docs, defaults.docs)];
  if (values.only !== undefined && !(BENCH_GROUPS as readonly string[]).includes(values.only)) {
    throw new UsageError(`--only must be one of ${BENCH_GROUPS.join(', ')}, got ${JSON.stringify(values.only)}`);
  }
  const distinct = [...new Set(sizes)].sort((a, b) => a - b);
  if (distinct.length < 2) throw new UsageError('at least two different collection sizes are needed for the scaling comparison');

  return {
    sizes: distinct,
    durationSeconds: seconds('--duration', values.duration, defaults.duration),
    warmupSeconds: optionalInteger('--warmup', values.warmup, defaults.warmup, 0),
    connections: optionalInteger('--connections', values.connections, defaults.connections),
    rounds: optionalInteger('--rounds', values.rounds, defaults.rounds),
    only: (values.only as BenchGroup | undefined) ?? null,
    smoke,
  };
}

/** The arguments that reproduce a run exactly, defaults spelled out. */
export const optionArgs = (options: BenchOptions): string =>
  `--sizes ${options.sizes.join(',')} --duration ${options.durationSeconds} --warmup ${options.warmupSeconds} --connections ${options.connections}` +
  `${options.only ? ` --only ${options.only} --rounds ${options.rounds}` : ''}${options.smoke ? ' --smoke' : ''}`;
