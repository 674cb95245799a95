import type { Dialect } from '../src/db/dialect.ts';
import type { LoadResult } from './load.ts';

/** One measured row: an operation on a collection of one provider, or the baseline (no provider, no size). */
export interface CaseResult {
  provider: Dialect | null;
  size: number | null;
  operation: string;
  load: LoadResult;
  /** The server's resident set size right after the measured run. */
  rssMegabytes: number;
}

export interface SeedResult {
  provider: Dialect;
  size: number;
  /** Whether permission rows were written too (a document-security collection). */
  withPermissions: boolean;
  /** Bulk insert plus ANALYZE. */
  seconds: number;
}

export const PROVIDER_NAME: Record<Dialect, string> = { sqlite: 'SQLite', postgresql: 'PostgreSQL' };

/** 10000 → "10k", 1000000 → "1M". */
export function sizeLabel(size: number): string {
  if (size % 1_000_000 === 0) return `${size / 1_000_000}M`;
  if (size % 1_000 === 0) return `${size / 1_000}k`;
  return String(size);
}

export const formatRate = (requestsPerSecond: number): string => Math.round(requestsPerSecond).toLocaleString('en-US');
/** Infinity: no request was answered during the run. */
export const formatMs = (ms: number): string => (Number.isFinite(ms) ? ms.toFixed(2) : 'no answer');
