import type { Dialect } from '../src/db/dialect.ts';
import { DOWNLOAD_SIZES, downloadCaseName } from './file-download-bench.ts';
import { OPERATION } from './operations.ts';
import { COUNT_CACHE_MODES, listsMeasured, permissionCaseName, type CountCacheMode, type PermissionList } from './permission-cases.ts';
import { TEAM_COUNT } from './permission-dataset.ts';
import { formatMs, formatRate, PROVIDER_NAME, sizeLabel, type CaseResult } from './results.ts';

/** The issue's targets, each with what was measured and whether it is met. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** null: reported for comparison, not a target. */
  pass: boolean | null;
}

/** How much slower the large collection may be than the small one. */
const MAX_SCALING_FACTOR = 2;
/** The share of the bare-Yoga req/s getDocument must reach. */
const MIN_BASELINE_SHARE = 0.5;
/** How much slower the user's list (read check in SQL) may be than the same list with an API key, at p50. */
const MAX_PERMISSION_FACTOR = 1.5;

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

/**
 * The user in 50 teams against the API key, on the same list of the document-security collection. The target is
 * for the gateway as configured by default; with the count cache off the same comparison is reported only.
 */
function permissionCheck(cases: readonly CaseResult[], provider: Dialect, list: PermissionList, mode: CountCacheMode, large: number): TargetCheck {
  const user = findCase(cases, provider, large, permissionCaseName(list, 'user', mode)).load;
  const key = findCase(cases, provider, large, permissionCaseName(list, 'key', mode)).load;
  const factor = user.p50Ms / key.p50Ms;
  const comparison = `${list.label}, ${PROVIDER_NAME[provider]} ${sizeLabel(large)}, 10% readable: user in ${TEAM_COUNT} teams`;
  return {
    target: mode === 'on' ? `${comparison} p50 within ${MAX_PERMISSION_FACTOR}x of API key` : `${comparison} against API key, count cache off`,
    measured: `p50 ${formatMs(key.p50Ms)} → ${formatMs(user.p50Ms)} ms (${Number.isFinite(factor) ? `${factor.toFixed(2)}x` : 'unbounded'}); ${formatRate(key.requestsPerSecond)} → ${formatRate(user.requestsPerSecond)} req/s`,
    pass: mode === 'on' ? factor <= MAX_PERMISSION_FACTOR : null,
  };
}

/** How much slower token downloads may be than the bare file server (req/s and p99): the issue's aim. */
const MAX_DOWNLOAD_FACTOR = 2;

/** A token-authorized download against the same bytes from a bare node:http file server. */
function downloadCheck(cases: readonly CaseResult[], provider: Dialect, label: string): TargetCheck {
  const gateway = findCase(cases, provider, null, downloadCaseName(label, 'gateway')).load;
  const baseline = findCase(cases, null, null, downloadCaseName(label, 'baseline')).load;
  const throughputFactor = baseline.requestsPerSecond / gateway.requestsPerSecond;
  const p99Factor = gateway.p99Ms / baseline.p99Ms;
  return {
    target: `token download of ${label}, ${PROVIDER_NAME[provider]}: within ${MAX_DOWNLOAD_FACTOR}x of a bare node:http file server (req/s and p99)`,
    measured:
      `${formatRate(baseline.requestsPerSecond)} → ${formatRate(gateway.requestsPerSecond)} req/s (${throughputFactor.toFixed(2)}x fewer); ` +
      `p99 ${formatMs(baseline.p99Ms)} → ${formatMs(gateway.p99Ms)} ms (${p99Factor.toFixed(2)}x)`,
    pass: throughputFactor <= MAX_DOWNLOAD_FACTOR && p99Factor <= MAX_DOWNLOAD_FACTOR,
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
    ...providers.flatMap((provider) => DOWNLOAD_SIZES.map((size) => downloadCheck(cases, provider, size.label))),
    ...providers.flatMap((provider) =>
      COUNT_CACHE_MODES.flatMap((mode) => listsMeasured(mode).map((list) => permissionCheck(cases, provider, list, mode, large))),
    ),
  ];
}
