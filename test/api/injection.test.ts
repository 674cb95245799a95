import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { q } from './fixtures.ts';

warnIfPostgresSkipped('injection');

const PAYLOADS = [`'`, `"`, `'; DROP TABLE c1; --`, `") OR 1=1 --`, `%`, `_`, `*`, `\\`, `a' OR 'a'='a`, `]]`, `$1`, `?`, `\u0000`];

/** Nothing from a request reaches SQL as text: hostile strings in every position find nothing and break nothing. */
describe.each(PROVIDERS)('injection attempts through the API on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(provider);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "c", name: "c") { _id } }');
    await t.ok(`mutation {
      a: databasesCreateStringAttribute(databaseId: "db", collectionId: "c", key: "title", size: 64, required: true) { key }
      b: databasesCreateStringAttribute(databaseId: "db", collectionId: "c", key: "tags", size: 64, required: false, array: true) { key }
    }`);
    await t.ok('mutation { databasesCreateIndex(databaseId: "db", collectionId: "c", key: "ft", type: "fulltext", attributes: ["title"]) { key } }');
    for (const [i, title] of ['alpha', 'beta', 'gamma'].entries()) {
      await t.ok(`mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "d${i}", data: {title: "${title}", tags: ["t${i}"]}) { _id } }`);
    }
  });
  afterAll(async () => t?.close());

  const list = (queries: string[]) => t.gql('query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "c", queries: $q) { total documents { _id } } }', { q: queries });

  it('binds hostile values in every operator: no match, no SQL error', async () => {
    const methods = ['equal', 'notEqual', 'lessThan', 'greaterThan', 'startsWith', 'endsWith', 'contains', 'search', 'notStartsWith'];
    // NUL is refused outright: see the NUL test below.
    for (const payload of PAYLOADS.filter((p) => !p.includes('\u0000'))) {
      for (const method of methods) {
        const result = await list([q(method, 'title', [payload])]);
        expect(result.errors, `${method} ${JSON.stringify(payload)}`).toBeUndefined();
        const ids = result.data.databasesListDocuments.documents.map((d: { _id: string }) => d._id);
        // search matches any word as a prefix: the words of "a' OR 'a'='a" include "a", a prefix of "alpha".
        if (method === 'search' && /\ba/.test(payload)) continue;
        const expected = method === 'notEqual' || method === 'notStartsWith' || (method === 'lessThan' && payload > 'gamma') || (method === 'greaterThan' && payload < 'alpha') ? 3 : 0;
        expect(ids.length, `${method} ${JSON.stringify(payload)}`).toBe(expected);
      }
      const tags = await list([q('contains', 'tags', [payload])]);
      expect(tags.data.databasesListDocuments.total).toBe(0);
    }
  });

  it('refuses hostile attribute keys as unknown attributes', async () => {
    for (const payload of [...PAYLOADS, 'title"; --', 'a5', '_uid', '_permissions']) {
      const result = await list([q('equal', payload, ['alpha'])]);
      expect(result.errors?.[0]?.extensions?.type, payload).toBe('general_query_invalid');
      const order = await list([q('orderAsc', payload)]);
      expect(order.errors?.[0]?.extensions?.type, payload).toBe('general_query_invalid');
    }
  });

  it('treats hostile cursors and IDs as unknown documents', async () => {
    for (const payload of PAYLOADS) {
      const cursor = await list([q('cursorAfter', undefined, [payload])]);
      // None of these is a valid ID, and Appwrite validates IDs before looking anything up.
      expect(cursor.errors?.[0]?.extensions?.type).toBe('general_query_invalid');
      const get = await t.gql('query($id: String!) { databasesGetDocument(databaseId: "db", collectionId: "c", documentId: $id) { _id } }', { id: payload });
      expect(get.errors?.[0]?.extensions?.type).toBe('general_argument_invalid');
      const collection = await t.gql('query($id: String!) { databasesListDocuments(databaseId: "db", collectionId: $id) { total } }', { id: payload });
      expect(collection.errors?.[0]?.extensions?.type).toBe('general_argument_invalid');
    }
  });

  it('refuses NUL characters, which PostgreSQL cannot store, on both providers', async () => {
    const write = await t.gql('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "nul", data: {title: "a\\u0000b"}) { _id } }');
    expect(write.errors?.[0]?.extensions?.type).toBe('document_invalid_structure');
    const read = await list([q('equal', 'title', ['a\u0000b'])]);
    expect(read.errors?.[0]?.extensions?.type).toBe('general_query_invalid');
  });

  it('stores hostile values verbatim', async () => {
    for (const [i, payload] of PAYLOADS.filter((p) => !p.includes('\u0000')).entries()) {
      await t.ok('mutation($id: String!, $data: Json!) { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: $id, data: $data) { _id } }', { id: `p${i}`, data: { title: payload } });
      const found = await list([q('equal', 'title', [payload])]);
      expect(found.data.databasesListDocuments.documents, JSON.stringify(payload)).toEqual([{ _id: `p${i}` }]);
    }
    // A page of 50 (3 × 50 = 150) stays within the complexity limit and holds them all.
    const all = await list([q('limit', undefined, [50])]);
    expect(all.data.databasesListDocuments.total).toBe(3 + PAYLOADS.length - 1);
  });
});
