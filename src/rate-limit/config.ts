import { choice } from '../config-choice.ts';
import { ConfigError } from '../errors/config-error.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitSpec } from './defaults.ts';

/** A limit as enforced: at most `max` calls in any `windowMs` (a sliding window). */
export interface RateLimit extends RateLimitSpec {
  windowMs: number;
}

export interface RateLimitConfig {
  /** The limit of each write operation; null: that operation is not limited. Empty when RATE_LIMITS_ENABLED=false. */
  limits: ReadonlyMap<string, RateLimit | null>;
  /** API-key callers (servers) are not limited (RATE_LIMITS_API_KEYS=exempt, the default). */
  exemptApiKeys: boolean;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MIN_WINDOW_MS = 1000;
const MAX_WINDOW_MS = 7 * UNIT_MS.d;
const MAX_CALLS = 1_000_000_000;

/** "60s", "1h", "500ms": digits and a unit; null when the text is not one. */
export function parseWindow(text: string): number | null {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : null;
}

function checked(name: string, spec: RateLimitSpec): RateLimit {
  if (!Number.isInteger(spec.max) || spec.max < 1 || spec.max > MAX_CALLS) {
    throw new ConfigError(`RATE_LIMITS: ${name}.max must be an integer between 1 and ${MAX_CALLS}, got ${JSON.stringify(spec.max)}`);
  }
  const windowMs = typeof spec.window === 'string' ? parseWindow(spec.window) : null;
  if (windowMs === null || windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) {
    throw new ConfigError(`RATE_LIMITS: ${name}.window must be a duration from 1s to 7d such as "60s", "15m" or "1h", got ${JSON.stringify(spec.window)}`);
  }
  return { ...spec, windowMs };
}

/** RATE_LIMITS: a JSON object of operation name → {max?, window?} (merged over the default) or false (off). */
function overrides(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`RATE_LIMITS must be a JSON object, e.g. {"databasesCreateDocument":{"max":500,"window":"60s"}}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('RATE_LIMITS must be a JSON object of operation names');
  return parsed as Record<string, unknown>;
}

function override(name: string, base: RateLimitSpec, value: unknown): RateLimit | null {
  if (value === false) return null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`RATE_LIMITS: ${name} must be false or an object with max and/or window, got ${JSON.stringify(value)}`);
  }
  const unknown = Object.keys(value).filter((key) => key !== 'max' && key !== 'window');
  if (unknown.length) throw new ConfigError(`RATE_LIMITS: ${name} may set only max and window, not ${unknown.join(', ')}`);
  return checked(name, { ...base, ...(value as Partial<RateLimitSpec>) });
}

export function loadRateLimitConfig(env: NodeJS.ProcessEnv): RateLimitConfig {
  const enabled = choice(env, 'RATE_LIMITS_ENABLED', ['true', 'false'], 'true') === 'true';
  const exemptApiKeys = choice(env, 'RATE_LIMITS_API_KEYS', ['exempt', 'limited'], 'exempt') === 'exempt';
  const given = overrides(env['RATE_LIMITS']);
  const unknown = Object.keys(given).filter((name) => !Object.hasOwn(DEFAULT_RATE_LIMITS, name));
  if (unknown.length) throw new ConfigError(`RATE_LIMITS names no such write operation: ${unknown.join(', ')}`);
  const limits = new Map<string, RateLimit | null>();
  if (enabled) {
    for (const [name, spec] of Object.entries(DEFAULT_RATE_LIMITS)) {
      limits.set(name, Object.hasOwn(given, name) ? override(name, spec, given[name]) : checked(name, spec));
    }
  }
  return { limits, exemptApiKeys };
}
