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
      graphqlLimits: { maxComplexity: 250, maxDepth: 3, maxAliases: 50, maxTokens: 1000, maxDirectives: 50, introspection: true },
    });
  });

  it('reads the GraphQL limits', () => {
    const env = { GRAPHQL_MAX_COMPLEXITY: '500', GRAPHQL_MAX_DEPTH: '5', GRAPHQL_MAX_ALIASES: '0', GRAPHQL_MAX_TOKENS: '2000', GRAPHQL_MAX_DIRECTIVES: '0', GRAPHQL_INTROSPECTION: 'false' };
    expect(loadConfig(env).graphqlLimits).toEqual({ maxComplexity: 500, maxDepth: 5, maxAliases: 0, maxTokens: 2000, maxDirectives: 0, introspection: false });
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
    ['GRAPHQL_MAX_DEPTH', '0'],
    ['GRAPHQL_MAX_COMPLEXITY', '2.5'],
    ['GRAPHQL_INTROSPECTION', 'no'],
  ])('refuses %s=%s with one message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} `));
  });
});


describe('DATABASE_URL in errors', () => {
  it('never shows the password of a refused URL', () => {
    const load = () => loadConfig({ DATABASE_URL: 'mysql://admin:s3cret-pw@db.example:3306/app' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('got "mysql://admin:***@db.example:3306/app"');
    expect(load).not.toThrow(/s3cret-pw/);
  });

  it('still shows a URL without a password as given', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db.example/app' })).toThrow('got "mysql://db.example/app"');
  });
});

describe('MAX_OFFSET', () => {
  it('defaults to 100000', () => {
    expect(loadConfig({}).maxOffset).toBe(100_000);
  });

  it.each([['0', 0], ['10000000', 10_000_000], ['250', 250]])('accepts %s', (raw, value) => {
    expect(loadConfig({ MAX_OFFSET: raw }).maxOffset).toBe(value);
  });

  it.each(['-1', '10000001', '1.5', 'many'])('refuses %s with one message naming the variable', (raw) => {
    expect(() => loadConfig({ MAX_OFFSET: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_OFFSET: raw })).toThrow(/^MAX_OFFSET must be an integer between 0 and 10000000/);
  });
});

describe('PROJECT_ID', () => {
  it.each(['default', 'my.project-1_x', 'p'.repeat(36)])('accepts the ID %j', (id) => {
    expect(loadConfig({ PROJECT_ID: id }).projectId).toBe(id);
  });

  it.each(['_bad', '.x', 'p'.repeat(37), 'a b'])('refuses %j', (id) => {
    expect(() => loadConfig({ PROJECT_ID: id })).toThrow(/^PROJECT_ID must be a valid ID/);
  });
});

describe('SHUTDOWN_TIMEOUT_MS', () => {
  it('defaults to 10000 and reads a value', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(10_000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '250' }).shutdownTimeoutMs).toBe(250);
  });

  it.each(['-1', '3600001', '2.5', 'soon'])('refuses %s with one message naming the variable', (raw) => {
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: raw })).toThrow(/^SHUTDOWN_TIMEOUT_MS must be an integer between 0 and 3600000/);
  });
});
