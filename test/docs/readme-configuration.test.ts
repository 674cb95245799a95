import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

/** An external identity provider's key set: the variables that refine it are read only when one is configured. */
const JWKS = JSON.stringify({ keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'k1' }] });

/** Every variable loadConfig reads, found by letting it read environments that record each lookup. */
function variablesRead(): string[] {
  const read = new Set<string>();
  for (const given of [{}, { JWKS }] as Record<string, string>[]) {
    const env = new Proxy(given as NodeJS.ProcessEnv, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
    });
    loadConfig(env);
  }
  return [...read].sort();
}

/** The Configuration section's table: the `NAME`s its rows start with. */
function variablesDocumented(): Set<string> {
  const section = README.slice(README.indexOf('\n## Configuration'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  return new Set([...table.matchAll(/^\| ((?:`[A-Z0-9_]+`(?:, )?)+) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!)));
}

describe('README configuration reference', () => {
  it('documents every environment variable the gateway reads, and none it does not', () => {
    const read = variablesRead();
    expect(read.length).toBeGreaterThan(20);
    const documented = variablesDocumented();
    expect(read.filter((name) => !documented.has(name)), 'read by loadConfig but missing from the README table').toEqual([]);
    expect([...documented].filter((name) => !read.includes(name)), 'in the README table but never read').toEqual([]);
  });
});
