import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      databaseUrl: 'file:./data/gateway.db',
      provider: 'sqlite',
      storageDir: './data/storage',
      rootApiKey: null,
      jwtSecret: null,
      projectId: 'default',
      logLevel: 'info',
      countLimit: 5000,
    });
  });

  it('selects PostgreSQL from a postgresql:// or postgres:// URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).provider).toBe('postgresql');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).provider).toBe('postgresql');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['PROJECT_ID', '_bad'],
    ['ROOT_API_KEY', 'short'],
    ['JWT_SECRET', 'too-short'],
    ['COUNT_LIMIT', '0'],
  ])('refuses %s=%s with one message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} `));
  });
});
