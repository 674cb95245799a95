import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_DEFAULT_QUERY } from '../../src/server.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

/** The operations GraphiQL's default query shows commented out, uncommented, in order. */
function commentedOperations(text: string): string[] {
  const blocks = text.split('\n\n').map((block) => block.split('\n'));
  return blocks
    .filter((lines) => /^# (query|mutation) /.test(lines[0]!))
    .map((lines) => lines.map((line) => line.replace(/^# ?/, '')).join('\n'));
}

describe('GraphiQL', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startGateway('sqlite');
  });
  afterAll(async () => g?.close());

  it('opens in a browser with the example operation and the credential headers to fill in', async () => {
    const response = await g.request('/v1/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('query ListDatabases {');
    expect(html).toContain('X-Appwrite-Key');
    expect(html).toContain('X-Appwrite-JWT');
    expect(html).toContain('Authorization');
  });

  it('opens with a query that runs as it is, and commented steps that run in turn', async () => {
    expect(await g.ok(GRAPHIQL_DEFAULT_QUERY)).toEqual({ databasesList: { total: 0, databases: [] } });
    const steps = commentedOperations(GRAPHIQL_DEFAULT_QUERY);
    expect(steps.map((step) => /^(query|mutation) (\w+)/.exec(step)![2])).toEqual(['CreateDatabase', 'CreateCollection', 'AddTitleAttribute', 'CreateDocument', 'ListPosts']);
    let last: any;
    for (const step of steps) last = await g.ok(step);
    expect(last.databasesListDocuments.total).toBe(1);
    expect(JSON.parse(last.databasesListDocuments.documents[0].data)).toMatchObject({ title: 'Hello' });
  });
});
