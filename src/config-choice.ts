import { ConfigError } from './errors/config-error.ts';

/** An environment variable that must be one of `values`; `fallback` when unset or empty. */
export function choice<Value extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly Value[], fallback: Value): Value {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be ${values.join(' or ')}, got ${JSON.stringify(raw)}`);
  return raw as Value;
}
