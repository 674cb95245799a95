import type { Dialect } from '../src/db/dialect.ts';
import { OPERATION } from './operations.ts';
import { formatMs, formatRate, PROVIDER_NAME, sizeLabel, type CaseResult } from './results.ts';

/** The targets, each with what was measured and whether it is met. */
export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

/** How much slower the large collection may be than the small one. */
const MAX_SCALING_FACTOR = 2;
/** The share of the bare-Yoga req/s getDocument must reach. */
const MIN_BASELINE_SHARE = 0.5;

function findCase(cases: readonly CaseResult[], provider: Dialect | null, size: number | null, operation: string): CaseResult {
  const found = cases.find((c) => c.provider === provider && c.size === size && c.operation === operation);
  if (!found) throw new Error(`no measurement of ${operation} for ${provider ?? 'baseline'} ${size ?? ''}`);
  return found;
}

/** A filtered, sorted, limited list over the large collection stays within 2x of the small one, p50 and req/s. */
function scalingCheck(cases: readonly CaseResult[], provider: Dialect, operation: string, small: number, large: number): TargetCheck {
  const { load: before } = findCase(cases, provider, small, operation);
  const { load: after } = findCase(cases, provider, large, operation);
  const latencyFactor = after.p50Ms / before.p50Ms;
  const throughputFactor = before.requestsPerSecond / after.requestsPerSecond;
  return {
    target: `${operation}, ${PROVIDER_NAME[provider]}: ${sizeLabel(large)} within ${MAX_SCALING_FACTOR}x of ${sizeLabel(small)}`,
    measured:
      `p50 ${formatMs(before.p50Ms)} → ${formatMs(after.p50Ms)} ms (${latencyFactor.toFixed(2)}x); ` +
      `${formatRate(before.requestsPerSecond)} → ${formatRate(after.requestsPerSecond)} req/s (${throughputFactor.toFixed(2)}x fewer)`,
    pass: latencyFactor <= MAX_SCALING_FACTOR && throughputFactor <= MAX_SCALING_FACTOR,
  };
}

/** getDocument on SQLite, over the large collection, against the bare-Yoga baseline. */
function baselineCheck(cases: readonly CaseResult[], large: number): TargetCheck {
  const get = findCase(cases, 'sqlite', large, OPERATION.get).load;
  const baseline = findCase(cases, null, null, OPERATION.baseline).load;
  const share = get.requestsPerSecond / baseline.requestsPerSecond;
  return {
    target: `${OPERATION.get}, SQLite ${sizeLabel(large)}: at least ${MIN_BASELINE_SHARE}x the req/s of bare Yoga`,
    measured: `${formatRate(get.requestsPerSecond)} vs ${formatRate(baseline.requestsPerSecond)} req/s (${share.toFixed(2)}x)`,
    pass: share >= MIN_BASELINE_SHARE,
  };
}

/** `sizes` ascending: the smallest and the largest are compared. */
export function evaluateTargets(cases: readonly CaseResult[], sizes: readonly number[]): TargetCheck[] {
  const small = sizes[0]!;
  const large = sizes.at(-1)!;
  const providers = [...new Set(cases.flatMap((c) => (c.provider ? [c.provider] : [])))];
  return [
    ...providers.flatMap((provider) =>
      [OPERATION.listWithTotal, OPERATION.listWithoutTotal].map((operation) => scalingCheck(cases, provider, operation, small, large)),
    ),
    baselineCheck(cases, large),
  ];
}
