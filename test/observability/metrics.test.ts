import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';

warnIfPostgresSkipped('metrics');

const TOKEN = 'a-metrics-token-0123456789';
const scrape = (g: TestGateway, path = '/metrics', token: string | null = TOKEN) => g.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});

/** The value of one sample line (`name{labels} value`) of the exposition text; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(PROVIDERS)('metrics on %s', (provider) => {
  let g: TestGateway;
  let other: TestGateway;

  beforeAll(async () => {
    const env = {
      METRICS_ENABLED: 'true',
      METRICS_TOKEN: TOKEN,
      RATE_LIMITS: '{"databasesCreate":{"max":1,"window":"1h"}}',
      RATE_LIMITS_API_KEYS: 'limited',
    };
    g = await startGateway(provider, env);
    // A second gateway in the same process: its counters are its own.
    other = await startGateway(provider, env);
  });
  afterAll(async () => {
    await g?.close();
    await other?.close();
  });

  it('counts operations, errors by type and rate-limit refusals, labelled by root field, not by client names', async () => {
    await g.gql('query ClientChosenName { databasesList { total } }');
    await g.gql('{ databasesList { total } }');
    expect((await g.gql('{ databasesGet(databaseId: "nope") { _id } }')).errors?.[0]?.extensions?.type).toBe('database_not_found');
    await g.ok('mutation { databasesCreate(databaseId: "one", name: "one") { _id } }');
    expect((await g.gql('mutation { databasesCreate(databaseId: "two", name: "two") { _id } }')).errors?.[0]?.extensions?.type).toBe('general_rate_limit_exceeded');
    await g.gql('{ madeUpRootField }');
    await g.gql('{ a: databasesList { total } b: databasesGet(databaseId: "one") { _id } }');

    const response = await scrape(g);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'gateway_graphql_operations_total{operationType="query",rootField="databasesList"}')).toBe(2);
    expect(sample(text, 'gateway_graphql_operations_total{operationType="query",rootField="databasesGet"}')).toBe(1);
    expect(sample(text, 'gateway_graphql_operations_total{operationType="mutation",rootField="databasesCreate"}')).toBe(2);
    expect(sample(text, 'gateway_graphql_operations_total{operationType="query",rootField="multiple"}')).toBe(1);
    expect(sample(text, 'gateway_graphql_operation_duration_seconds_count{operationType="query",rootField="databasesList"}')).toBe(2);
    expect(sample(text, 'gateway_http_request_duration_seconds_count{method="POST",statusCode="200",operationType="query",rootField="databasesList"}')).toBe(2);
    expect(sample(text, 'gateway_http_request_duration_seconds_count{method="POST",statusCode="200",operationType="query",rootField="unknown"}')).toBe(1);
    expect(sample(text, 'gateway_graphql_errors_total{type="database_not_found"}')).toBe(1);
    expect(sample(text, 'gateway_graphql_errors_total{type="general_rate_limit_exceeded"}')).toBe(1);
    expect(sample(text, 'gateway_graphql_errors_total{type="untyped"}')).toBe(1);
    expect(sample(text, 'gateway_rate_limit_rejections_total{field="databasesCreate"}')).toBe(1);
    expect(text).toContain('process_cpu_user_seconds_total');
    // Names a client chose never become label values.
    expect(text).not.toContain('ClientChosenName');
    expect(text).not.toContain('madeUpRootField');

    const untouched = await (await scrape(other)).text();
    expect(sample(untouched, 'gateway_graphql_operations_total{operationType="query",rootField="databasesList"}')).toBeUndefined();
  });

  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    expect((await scrape(g, '/metrics', null)).status).toBe(401);
    expect((await scrape(g, '/metrics', 'not-the-token-at-all')).status).toBe(401);
    expect((await g.request('/metrics', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });
});

describe('metrics settings', () => {
  let open: TestGateway;
  let off: TestGateway;

  beforeAll(async () => {
    open = await startGateway('sqlite', { METRICS_ENABLED: 'true', METRICS_PATH: '/internal/prometheus' });
    off = await startGateway('sqlite');
  });
  afterAll(async () => {
    await open?.close();
    await off?.close();
  });

  it('serves METRICS_PATH without a token when none is configured', async () => {
    const response = await scrape(open, '/internal/prometheus', null);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# TYPE gateway_graphql_errors_total counter');
    expect((await scrape(open, '/metrics', null)).status).toBe(404);
  });

  it('serves nothing when metrics are off (the default)', async () => {
    expect((await scrape(off, '/metrics', null)).status).toBe(404);
    expect(off.gateway.services.config.metrics).toBeNull();
  });

  it('refuses unusable settings with one clear line', () => {
    const load = (env: Record<string, string>) => () => loadConfig(env);
    expect(load({ METRICS_ENABLED: 'yes' })).toThrow(new ConfigError('METRICS_ENABLED must be true or false, got "yes"'));
    expect(load({ METRICS_ENABLED: 'true', METRICS_PATH: 'metrics' })).toThrow(/METRICS_PATH must be a URL path/);
    expect(load({ METRICS_ENABLED: 'true', METRICS_PATH: '/v1/graphql' })).toThrow(/METRICS_PATH must not be a GraphQL, health or storage path/);
    expect(load({ METRICS_ENABLED: 'true', METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(load({ METRICS_TOKEN: TOKEN })).toThrow('METRICS_TOKEN set, but metrics are off: set METRICS_ENABLED=true to serve them');
  });
});
