import { readFileSync } from 'node:fs';
import { importVerificationKeys, type VerificationKey } from './auth/jwt.ts';
import { choice } from './config-choice.ts';
import { redactUrl } from './db/migrations/redact-url.ts';
import { ConfigError } from './errors/config-error.ts';
import { loadMetricsConfig, type MetricsConfig } from './observability/metrics-config.ts';
import { parseTrustProxy, type TrustProxy } from './rate-limit/client-ip.ts';
import { loadRateLimitConfig, type RateLimitConfig } from './rate-limit/config.ts';
import { isValidId } from './validation/ids.ts';

/**
 * Configuration from environment variables. Every value is checked once at start; a bad one stops the
 * process with a single line naming the variable (see ConfigError).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  provider: 'sqlite' | 'postgresql';
  storageDir: string;
  /** Directory that holds the SQLite file and generated secrets. */
  dataDir: string;
  rootApiKey: string | null;
  jwtSecret: string | null;
  /** An external identity provider whose RS256/ES256 tokens are accepted as user JWTs; null when not configured. */
  externalJwt: ExternalJwtConfig | null;
  projectId: string;
  logLevel: LogLevel;
  /** Upper bound of `total` in list answers: counting stops here (Appwrite's APP_LIMIT_COUNT). */
  countLimit: number;
  /** Remembered list totals (0: count every time). */
  countCacheEntries: number;
  /** How long a caller's read-set snapshot serves lists before it is taken again (0: every list). */
  readSetRefreshMs: number;
  /** Largest `limit` a list query may ask for. */
  maxListLimit: number;
  /** Largest `offset` a list query may use: an offset walks that many rows. */
  maxOffset: number;
  /** Largest accepted request body, in bytes (uploads: see maxFileBytes). */
  maxBodyBytes: number;
  /** Largest file a bucket may accept (its maximumFileSize is at most this; Appwrite's _APP_STORAGE_LIMIT). */
  maxFileBytes: number;
  /** The gateway's public origin (e.g. https://api.example.com), for absolute file-token URLs; null: relative URLs. */
  publicUrl: string | null;
  /** Redis shared by instances (rate limits, sign-in failure counts); null: each instance counts in memory. */
  redisUrl: string | null;
  /** Prefix of every Redis key this gateway writes. */
  redisKeyPrefix: string;
  /** Proxies whose X-Forwarded-For names the client (TRUST_PROXY). */
  trustProxy: TrustProxy;
  rateLimits: RateLimitConfig;
  /** What one GraphQL operation may ask for (see src/http/abuse-limits.ts). */
  graphqlLimits: GraphQLLimits;
  /** How long a shutdown waits for in-flight requests before it destroys their connections and exits non-zero. */
  shutdownTimeoutMs: number;
  /** The Prometheus endpoint; null unless METRICS_ENABLED=true. */
  metrics: MetricsConfig | null;
}

export interface GraphQLLimits {
  /** Largest cost of an operation (Appwrite's _APP_GRAPHQL_MAX_COMPLEXITY), weighed as Appwrite does (src/http/cost-plan.ts). */
  maxComplexity: number;
  /** Deepest nesting below a top-level field, leaves not counted (Appwrite's _APP_GRAPHQL_MAX_DEPTH). */
  maxDepth: number;
  maxAliases: number;
  /** Lexical tokens of one document: bounds parsing work. */
  maxTokens: number;
  maxDirectives: number;
  /** Whether `__schema` / `__type` may be queried. */
  introspection: boolean;
}

export interface ExternalJwtConfig {
  /** Public keys, read once at start (no network access). */
  keys: VerificationKey[];
  /** The claim holding the ID of an existing user. */
  userIdClaim: string;
  issuer?: string;
  audience?: string;
}

export { ConfigError };

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** MAX_LIST_LIMIT when unset. */
export const DEFAULT_MAX_LIST_LIMIT = 5000;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

function optional(env: NodeJS.ProcessEnv, name: string, minLength: number): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (raw.length < minLength) throw new ConfigError(`${name} must be at least ${minLength} characters long`);
  return raw;
}

/** Defaults are Appwrite's where Appwrite has the limit (complexity 250, depth 3), else graphql-armor's. */
function graphqlLimits(env: NodeJS.ProcessEnv): GraphQLLimits {
  return {
    maxComplexity: integer(env, 'GRAPHQL_MAX_COMPLEXITY', 250, 1, 1_000_000),
    maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 3, 1, 100),
    maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 50, 0, 10_000),
    maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 1000, 10, 1_000_000),
    maxDirectives: integer(env, 'GRAPHQL_MAX_DIRECTIVES', 50, 0, 10_000),
    introspection: choice(env, 'GRAPHQL_INTROSPECTION', ['true', 'false'], 'true') === 'true',
  };
}

/** A value given inline (PEM or JSON) or as a path to a file holding it. */
function inlineOrFile(name: string, raw: string): string {
  const value = raw.trim();
  if (value.startsWith('-----BEGIN') || value.startsWith('{')) return value;
  try {
    return readFileSync(value, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`${name} must be inline PEM/JSON or a readable file path: ${(error as Error).message}`);
  }
}

/** JWT_PUBLIC_KEY (PEM or one JWK) or JWKS (a JWK set), inline or as a file path; at most one of them. */
function externalJwt(env: NodeJS.ProcessEnv): ExternalJwtConfig | null {
  const publicKey = env['JWT_PUBLIC_KEY'] || undefined;
  const jwks = env['JWKS'] || undefined;
  if (publicKey && jwks) throw new ConfigError('JWT_PUBLIC_KEY and JWKS are exclusive: set one of them');
  if (!publicKey && !jwks) return null;
  const name = publicKey ? 'JWT_PUBLIC_KEY' : 'JWKS';
  const source = inlineOrFile(name, (publicKey ?? jwks)!);
  let keys: VerificationKey[];
  try {
    keys = importVerificationKeys(source.startsWith('{') ? JSON.parse(source) : source);
  } catch (error) {
    throw new ConfigError(`${name} holds no usable public key: ${(error as Error).message}`);
  }
  if (!keys.length) throw new ConfigError(`${name} holds no signing key`);
  return {
    keys,
    userIdClaim: text(env, 'JWT_USER_ID_CLAIM', 'sub'),
    ...(env['JWT_ISSUER'] ? { issuer: env['JWT_ISSUER'] } : {}),
    ...(env['JWT_AUDIENCE'] ? { audience: env['JWT_AUDIENCE'] } : {}),
  };
}

/** PUBLIC_URL: an http(s) origin, kept without a trailing slash. */
function publicUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env['PUBLIC_URL'];
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`PUBLIC_URL must be an http(s) URL, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, '');
}

/** REDIS_URL: redis:// or rediss://. */
function redisUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env['REDIS_URL'];
  if (!raw) return null;
  if (!/^rediss?:\/\/[^/]/.test(raw)) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got ${JSON.stringify(redactUrl(raw))}`);
  return raw;
}

export function providerOf(databaseUrl: string): Config['provider'] {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  throw new ConfigError(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got ${JSON.stringify(redactUrl(databaseUrl))}`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = text(env, 'DATABASE_URL', 'file:./data/gateway.db');
  const provider = providerOf(databaseUrl);
  const logLevel = text(env, 'LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  const projectId = text(env, 'PROJECT_ID', 'default');
  if (!isValidId(projectId)) throw new ConfigError(`PROJECT_ID must be a valid ID (a-z, A-Z, 0-9, '.', '-', '_', max 36 chars), got ${JSON.stringify(projectId)}`);
  const host = text(env, 'HOST', '127.0.0.1');
  const storageDir = text(env, 'STORAGE_DIR', './data/storage');

  return {
    host,
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl,
    provider,
    storageDir,
    dataDir: text(env, 'DATA_DIR', './data'),
    rootApiKey: optional(env, 'ROOT_API_KEY', 16),
    jwtSecret: optional(env, 'JWT_SECRET', 32),
    externalJwt: externalJwt(env),
    projectId,
    logLevel,
    countLimit: integer(env, 'COUNT_LIMIT', 5000, 1, 1_000_000_000),
    countCacheEntries: integer(env, 'COUNT_CACHE_ENTRIES', 10_000, 0, 10_000_000),
    readSetRefreshMs: integer(env, 'READ_SET_REFRESH_MS', 1000, 0, 3_600_000),
    maxListLimit: integer(env, 'MAX_LIST_LIMIT', DEFAULT_MAX_LIST_LIMIT, 1, 100_000),
    maxOffset: integer(env, 'MAX_OFFSET', 100_000, 0, 10_000_000),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxFileBytes: integer(env, 'MAX_FILE_BYTES', 30_000_000, 1, 2 ** 31 - 1),
    publicUrl: publicUrl(env),
    graphqlLimits: graphqlLimits(env),
    redisUrl: redisUrl(env),
    redisKeyPrefix: text(env, 'REDIS_KEY_PREFIX', 'gateway:'),
    trustProxy: parseTrustProxy(env['TRUST_PROXY']),
    rateLimits: loadRateLimitConfig(env),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 3_600_000),
    metrics: loadMetricsConfig(env),
  };
}
