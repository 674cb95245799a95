import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildListSql } from '../../src/documents/queries/compile.ts';
import { parseQueries } from '../../src/documents/queries/parse.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { q } from './fixtures.ts';

warnIfPostgresSkipped('index usage');

/**
 * An index created through the API is a real database index, and the planner uses it for the list query the
 * API runs (the same compiled SQL), shown with EXPLAIN.
 */
describe.each(PROVIDERS)('indexes created through the API serve list queries on %s', (provider) => {
  let t: TestGateway;
  const ROWS = 6000;
  beforeAll(async () => {
    t = await startGateway(provider);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "events", name: "events") { _id } }');
    await t.ok(`mutation {
      a: databasesCreateStringAttribute(databaseId: "db", collectionId: "events", key: "kind", size: 16, required: true) { key }
      b: databasesCreateIntegerAttribute(databaseId: "db", collectionId: "events", key: "score", required: true) { key }
    }`);
    await t.ok('mutation { databasesCreateIndex(databaseId: "db", collectionId: "events", key: "kind_score", type: "key", attributes: ["kind", "score"], orders: ["asc", "desc"]) { key } }');
    for (let start = 0; start < ROWS; start += 1000) {
      const documents = Array.from({ length: 1000 }, (_, i) => ({ $id: `e${start + i}`, kind: `k${(start + i) % 50}`, score: (start + i) * 7919 % 10007 }));
      await t.ok('mutation($d: [Json!]!) { databasesUpsertDocuments(databaseId: "db", collectionId: "events", documents: $d) { total } }', { d: documents });
    }
    await t.db.sql.execute(provider === 'sqlite' ? 'ANALYZE' : 'ANALYZE');
  });
  afterAll(async () => t?.close());

  async function plan(queries: string[]): Promise<string> {
    const loaded = await t.gateway.services.catalog.cache.get('db', 'events');
    const parsed = parseQueries(queries, loaded!.shape);
    const cursorRow = parsed.cursor
      ? (await t.db.sql.query(`SELECT * FROM "c${loaded!.shape.sequence}" WHERE "_uid" = ${t.db.dialect === 'sqlite' ? '?' : '$1'}`, [parsed.cursor.documentId]))[0]
      : null;
    const { sql, params } = buildListSql(t.db.dialect, loaded!.shape, parsed, { cursorRow });
    const rows = await t.db.sql.query(provider === 'sqlite' ? `EXPLAIN QUERY PLAN ${sql}` : `EXPLAIN ${sql}`, params);
    return rows.map((row) => String(row['detail'] ?? row['QUERY PLAN'])).join('\n');
  }

  it('uses the index for an equality filter with a sort, without sorting rows', async () => {
    const queries = [q('equal', 'kind', ['k7']), q('orderDesc', 'score'), q('limit', undefined, [10])];
    const text = await plan(queries);
    expect(text).toMatch(/c\d+_i\d+/);
    expect(text).not.toMatch(/TEMP B-TREE|Sort\b/);
    const listed = await t.ok('query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "events", queries: $q) { total documents { data } } }', { q: queries });
    const scores = listed.databasesListDocuments.documents.map((d: { data: string }) => JSON.parse(d.data).score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(listed.databasesListDocuments.total).toBe(ROWS / 50);
  });

  it('pages with a cursor along the index, in both directions', async () => {
    for (const [order, cursor] of [['orderDesc', 'cursorAfter'], ['orderDesc', 'cursorBefore'], ['orderAsc', 'cursorAfter'], ['orderAsc', 'cursorBefore']] as const) {
      const text = await plan([q('equal', 'kind', ['k7']), q(order, 'score'), q(cursor, undefined, ['e7']), q('limit', undefined, [10])]);
      expect(text, `${order} ${cursor}`).toMatch(/c\d+_i\d+/);
      expect(text, `${order} ${cursor}`).not.toMatch(/TEMP B-TREE|Sort\b/);
    }
  });
});

describe.each(PROVIDERS)('default order on %s', (provider) => {
  it('reads the first page in insertion order from the primary key, without sorting the table', async () => {
    const t = await startGateway(provider);
    try {
      await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
      await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "c", name: "c") { _id } }');
      await t.ok('mutation { databasesCreateIntegerAttribute(databaseId: "db", collectionId: "c", key: "n", required: false) { key } }');
      for (let start = 0; start < 4000; start += 1000) {
        const documents = Array.from({ length: 1000 }, (_, i) => ({ $id: `d${start + i}`, n: start + i }));
        await t.ok('mutation($d: [Json!]!) { databasesUpsertDocuments(databaseId: "db", collectionId: "c", documents: $d) { total } }', { d: documents });
      }
      await t.db.sql.execute('ANALYZE');
      const loaded = await t.gateway.services.catalog.cache.get('db', 'c');
      for (const queries of [[], [q('orderDesc', '$sequence')], [q('orderAsc', '$createdAt')]]) {
        const { sql, params } = buildListSql(t.db.dialect, loaded!.shape, parseQueries(queries, loaded!.shape));
        const rows = await t.db.sql.query(provider === 'sqlite' ? `EXPLAIN QUERY PLAN ${sql}` : `EXPLAIN ${sql}`, params);
        const text = rows.map((row) => String(row['detail'] ?? row['QUERY PLAN'])).join('\n');
        expect(text, JSON.stringify(queries)).not.toMatch(/TEMP B-TREE|Sort\b/);
      }
    } finally {
      await t.close();
    }
  });
});
