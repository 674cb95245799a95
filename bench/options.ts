import { parseArgs } from 'node:util';

/** Command-line settings of `npm run bench`. */
export interface BenchOptions {
  /** Collection sizes, ascending, at least two: the scaling target compares the smallest with the largest. */
  sizes: number[];
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Run only this group of cases (`rate-limit`, `permissions`), printing its table instead of writing RESULTS.md. */
  only: BenchGroup | null;
}

export const BENCH_GROUPS = ['rate-limit', 'permissions'] as const;
export type BenchGroup = (typeof BENCH_GROUPS)[number];

const SMALL_SIZE = 10_000;
const DEFAULTS = { docs: 100_000, duration: 8, warmup: 3, connections: 10 };

export const USAGE = `Usage: npm run bench -- [options]
  --docs N          documents in the large collection, compared with a 10000-document one (default ${DEFAULTS.docs})
  --sizes A,B,...   every collection size to seed and measure instead (the smallest and largest are compared)
  --duration S      seconds of load per case (default ${DEFAULTS.duration})
  --warmup S        seconds of discarded load before each case, three times as long on a fresh server (default ${DEFAULTS.warmup})
  --connections N   concurrent connections (default ${DEFAULTS.connections})
  --only GROUP      run only these cases and print them, leaving RESULTS.md alone: ${BENCH_GROUPS.join(', ')}
PostgreSQL runs on BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test.`;

export class UsageError extends Error {}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

const optionalInteger = (name: string, raw: string | undefined, fallback: number): number => (raw === undefined ? fallback : positiveInteger(name, raw));

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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.docs !== undefined && values.sizes !== undefined) throw new UsageError('give either --docs or --sizes, not both');

  const sizes = values.sizes
    ? values.sizes.split(',').map((size) => positiveInteger('--sizes', size.trim()))
    : [SMALL_SIZE, optionalInteger('--docs', values.docs, DEFAULTS.docs)];
  if (values.only !== undefined && !(BENCH_GROUPS as readonly string[]).includes(values.only)) {
    throw new UsageError(`--only must be one of ${BENCH_GROUPS.join(', ')}, got ${JSON.stringify(values.only)}`);
  }
  const distinct = [...new Set(sizes)].sort((a, b) => a - b);
  if (distinct.length < 2) throw new UsageError('at least two different collection sizes are needed for the scaling comparison');

  return {
    sizes: distinct,
    durationSeconds: optionalInteger('--duration', values.duration, DEFAULTS.duration),
    warmupSeconds: optionalInteger('--warmup', values.warmup, DEFAULTS.warmup),
    connections: optionalInteger('--connections', values.connections, DEFAULTS.connections),
    only: (values.only as BenchGroup | undefined) ?? null,
  };
}

/** The arguments that reproduce a run exactly, defaults spelled out. */
export const optionArgs = (options: BenchOptions): string =>
  `--sizes ${options.sizes.join(',')} --duration ${options.durationSeconds} --warmup ${options.warmupSeconds} --connections ${options.connections}${options.only ? ` --only ${options.only}` : ''}`;
