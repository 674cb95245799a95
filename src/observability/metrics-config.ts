import { choice } from '../config-choice.ts';
import { ConfigError } from '../errors/config-error.ts';

/** The Prometheus endpoint: served only with METRICS_ENABLED=true. */
export interface MetricsConfig {
  /** METRICS_PATH, default /metrics. */
  path: string;
  /** METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`; null: the endpoint is open. */
  token: string | null;
}

const MIN_TOKEN_LENGTH = 16;
/** Paths the gateway already answers: the metrics path must not shadow them. */
const TAKEN = /^\/(v1\/)?graphql(\/|$)|^\/v1\/(health|storage)(\/|$)/;

export function loadMetricsConfig(env: NodeJS.ProcessEnv): MetricsConfig | null {
  if (choice(env, 'METRICS_ENABLED', ['true', 'false'], 'false') !== 'true') {
    const stray = ['METRICS_PATH', 'METRICS_TOKEN'].filter((name) => env[name]);
    if (stray.length) throw new ConfigError(`${stray.join(' and ')} set, but metrics are off: set METRICS_ENABLED=true to serve them`);
    return null;
  }
  const path = env['METRICS_PATH'] || '/metrics';
  if (!/^\/[A-Za-z0-9._~\/-]*$/.test(path)) throw new ConfigError(`METRICS_PATH must be a URL path such as /metrics, got ${JSON.stringify(path)}`);
  if (TAKEN.test(path)) throw new ConfigError(`METRICS_PATH must not be a GraphQL, health or storage path, got ${JSON.stringify(path)}`);
  const token = env['METRICS_TOKEN'] || null;
  if (token !== null && (token.length < MIN_TOKEN_LENGTH || /\s/.test(token))) {
    throw new ConfigError(`METRICS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters long, without spaces`);
  }
  return { path, token };
}
