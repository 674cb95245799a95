import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { createBook, createBooks, DOCUMENT_FIELDS, listBooks, q } from './fixtures.ts';

warnIfPostgresSkipped('documents API');

describe.each(PROVIDERS)('documents API on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(provider);
    await createBooks(t);
  });
  afterAll(async () => t?.close());

  it('creates a document and returns Appwrite fields with data as a JSON string', async () => {
    const doc = await createBook(t, 'dune', { title: 'Dune', year: 1965, price: 9.5, tags: ['scifi', 'classic'], published: '1965-08-01', contact: 'frank@example.com', genre: 'novel' });
    expect(doc._id).toBe('dune');
    expect(doc._collectionId).toBe('books');
    expect(doc._databaseId).toBe('db');
    expect(doc._permissions).toEqual([]);
    expect(doc._createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    expect(doc._updatedAt).toBe(doc._createdAt);
    expect(typeof doc.data).toBe('string');
    expect(JSON.parse(doc.data)).toEqual({
      title: 'Dune',
      year: 1965,
      price: 9.5,
      inStock: true,
      tags: ['scifi', 'classic'],
      published: '1965-08-01T00:00:00.000+00:00',
      contact: 'frank@example.com',
      genre: 'novel',
    });
  });

  it('gets a document, with select queries limiting data', async () => {
    const full = await t.ok(`{ databasesGetDocument(databaseId: "db", collectionId: "books", documentId: "dune") { ${DOCUMENT_FIELDS} } }`);
    expect(JSON.parse(full.databasesGetDocument.data).title).toBe('Dune');
    const picked = await t.ok(`query($q: [String!]) { databasesGetDocument(databaseId: "db", collectionId: "books", documentId: "dune", queries: $q) { _id data } }`, {
      q: [q('select', undefined, ['title', 'year'])],
    });
    expect(JSON.parse(picked.databasesGetDocument.data)).toEqual({ title: 'Dune', year: 1965 });
  });

  it('answers document_not_found for a missing document', async () => {
    const result = await t.gql(`{ databasesGetDocument(databaseId: "db", collectionId: "books", documentId: "nope") { _id } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ type: 'document_not_found', code: 404 });
  });

  it('generates IDs for unique() and refuses an existing ID', async () => {
    const doc = await createBook(t, 'unique()', { title: 'Generated' });
    expect(doc._id).toMatch(/^[a-z0-9]{20}$/);
    const again = await t.gql(`mutation { databasesCreateDocument(databaseId: "db", collectionId: "books", documentId: "dune", data: {title: "x"}) { _id } }`);
    expect(again.errors?.[0]?.extensions).toMatchObject({ type: 'document_already_exists', code: 409 });
  });

  it.each([
    [{ year: 1 }, 'Missing required attribute "title"'],
    [{ title: 'x', nope: 1 }, 'Unknown attribute'],
    [{ title: 'x', year: 'nineteen' }, 'year'],
    [{ title: 'x', year: 3001 }, 'year'],
    [{ title: 'x', year: 1.5 }, 'year'],
    [{ title: 'y'.repeat(65) }, 'title'],
    [{ title: 'x', contact: 'not-an-email' }, 'contact'],
    [{ title: 'x', genre: 'comic' }, 'genre'],
    [{ title: 'x', published: '2024-02-30' }, 'published'],
    [{ title: 'x', tags: 'scifi' }, 'tags'],
    [{ title: 'x', tags: ['ok', 'x'.repeat(21)] }, 'tags'],
  ])('refuses invalid data %j with document_invalid_structure and writes nothing', async (data, mentions) => {
    const result = await t.gql(`mutation($data: Json!) { databasesCreateDocument(databaseId: "db", collectionId: "books", documentId: "bad", data: $data) { _id } }`, { data });
    expect(result.errors?.[0]?.extensions).toMatchObject({ type: 'document_invalid_structure', code: 400 });
    expect(result.errors?.[0]?.message).toContain(mentions);
    const after = await t.gql(`{ databasesGetDocument(databaseId: "db", collectionId: "books", documentId: "bad") { _id } }`);
    expect(after.errors?.[0]?.extensions?.type).toBe('document_not_found');
  });

  it('refuses a bad document ID with general_argument_invalid', async () => {
    for (const id of ['_leading', 'a'.repeat(37), 'has space', 'semi;colon']) {
      const result = await t.gql(`mutation($id: String!) { databasesCreateDocument(databaseId: "db", collectionId: "books", documentId: $id, data: {title: "x"}) { _id } }`, { id });
      expect(result.errors?.[0]?.extensions?.type).toBe('general_argument_invalid');
    }
  });

  it('updates only the given attributes and bumps _updatedAt', async () => {
    const before = await createBook(t, 'partial', { title: 'Partial', year: 2000, price: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await t.ok(`mutation { databasesUpdateDocument(databaseId: "db", collectionId: "books", documentId: "partial", data: {year: 2001}) { ${DOCUMENT_FIELDS} } }`);
    const doc = result.databasesUpdateDocument;
    expect(JSON.parse(doc.data)).toMatchObject({ title: 'Partial', year: 2001, price: 1 });
    expect(doc._createdAt).toBe(before._createdAt);
    expect(doc._updatedAt > before._updatedAt).toBe(true);
    const bad = await t.gql(`mutation { databasesUpdateDocument(databaseId: "db", collectionId: "books", documentId: "partial", data: {title: null}) { _id } }`);
    expect(bad.errors?.[0]?.extensions?.type).toBe('document_invalid_structure');
  });

  it('upserts: creates when missing, merges when present', async () => {
    const created = await t.ok(`mutation { databasesUpsertDocument(databaseId: "db", collectionId: "books", documentId: "up", data: {title: "Up", year: 1}) { data } }`);
    expect(JSON.parse(created.databasesUpsertDocument.data)).toMatchObject({ title: 'Up', year: 1 });
    const merged = await t.ok(`mutation { databasesUpsertDocument(databaseId: "db", collectionId: "books", documentId: "up", data: {year: 2}) { data } }`);
    expect(JSON.parse(merged.databasesUpsertDocument.data)).toMatchObject({ title: 'Up', year: 2 });
  });

  it('deletes a document and answers with status', async () => {
    await createBook(t, 'gone', { title: 'Gone' });
    const result = await t.ok(`mutation { databasesDeleteDocument(databaseId: "db", collectionId: "books", documentId: "gone") { status } }`);
    expect(result.databasesDeleteDocument).toEqual({ status: true });
    const again = await t.gql(`mutation { databasesDeleteDocument(databaseId: "db", collectionId: "books", documentId: "gone") { status } }`);
    expect(again.errors?.[0]?.extensions?.type).toBe('document_not_found');
  });

  it('increments and decrements atomically within bounds', async () => {
    await createBook(t, 'counter', { title: 'Counter', year: 10, price: 1.5 });
    const inc = await t.ok(`mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "books", documentId: "counter", attribute: "year", value: 5) { data } }`);
    expect(JSON.parse(inc.databasesIncrementDocumentAttribute.data).year).toBe(15);
    const dec = await t.ok(`mutation { databasesDecrementDocumentAttribute(databaseId: "db", collectionId: "books", documentId: "counter", attribute: "price", value: 0.5) { data } }`);
    expect(JSON.parse(dec.databasesDecrementDocumentAttribute.data).price).toBe(1);
    const over = await t.gql(`mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "books", documentId: "counter", attribute: "year", value: 10, max: 20) { data } }`);
    expect(over.errors?.[0]?.extensions?.type).toBe('attribute_limit_exceeded');
    const pastOwnMax = await t.gql(`mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "books", documentId: "counter", attribute: "year", value: 5000) { data } }`);
    expect(pastOwnMax.errors?.[0]?.extensions?.type).toBe('attribute_limit_exceeded');
    const concurrent = await Promise.all(
      Array.from({ length: 20 }, () => t.ok(`mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "books", documentId: "counter", attribute: "year") { data } }`)),
    );
    expect(concurrent).toHaveLength(20);
    const final = await t.ok(`{ databasesGetDocument(databaseId: "db", collectionId: "books", documentId: "counter") { data } }`);
    expect(JSON.parse(final.databasesGetDocument.data).year).toBe(35);
  });

  it('bulk upserts, updates and deletes in one transaction each', async () => {
    await t.ok(`mutation { databasesCreateCollection(databaseId: "db", collectionId: "bulk", name: "Bulk") { _id } }`);
    await t.ok(`mutation { databasesCreateIntegerAttribute(databaseId: "db", collectionId: "bulk", key: "n", required: true) { key } }`);
    const documents = Array.from({ length: 30 }, (_, i) => ({ $id: `d${i}`, n: i }));
    const upserted = await t.ok(`mutation($documents: [Json!]!) { databasesUpsertDocuments(databaseId: "db", collectionId: "bulk", documents: $documents) { total documents { _id } } }`, { documents });
    expect(upserted.databasesUpsertDocuments.total).toBe(30);
    const failing = await t.gql(`mutation($documents: [Json!]!) { databasesUpsertDocuments(databaseId: "db", collectionId: "bulk", documents: $documents) { total } }`, {
      documents: [{ $id: 'new1', n: 1 }, { $id: 'new2', n: 'bad' }],
    });
    expect(failing.errors?.[0]?.extensions?.type).toBe('document_invalid_structure');
    const notThere = await t.gql(`{ databasesGetDocument(databaseId: "db", collectionId: "bulk", documentId: "new1") { _id } }`);
    expect(notThere.errors?.[0]?.extensions?.type).toBe('document_not_found');

    const updated = await t.ok(`mutation($q: [String!]) { databasesUpdateDocuments(databaseId: "db", collectionId: "bulk", data: {n: 100}, queries: $q) { total documents { _id data } } }`, {
      q: [q('lessThan', 'n', [5])],
    });
    expect(updated.databasesUpdateDocuments.total).toBe(5);
    expect(updated.databasesUpdateDocuments.documents.map((d: { data: string }) => JSON.parse(d.data).n)).toEqual([100, 100, 100, 100, 100]);
    const deleted = await t.ok(`mutation($q: [String!]) { databasesDeleteDocuments(databaseId: "db", collectionId: "bulk", queries: $q) { total } }`, { q: [q('equal', 'n', [100])] });
    expect(deleted.databasesDeleteDocuments.total).toBe(5);
    const left = await t.ok(`{ databasesListDocuments(databaseId: "db", collectionId: "bulk") { total } }`);
    expect(left.databasesListDocuments.total).toBe(25);
  });

  it('keeps 64-bit integers exact', async () => {
    await t.ok(`mutation { databasesCreateCollection(databaseId: "db", collectionId: "big", name: "Big") { _id } }`);
    const attribute = await t.ok(`mutation { databasesCreateIntegerAttribute(databaseId: "db", collectionId: "big", key: "n", required: false) { ... on AttributeInteger { min max } } }`);
    expect(attribute.databasesCreateIntegerAttribute).toEqual({ min: '-9223372036854775808', max: '9223372036854775807' });
    await t.ok(`mutation { databasesCreateDocument(databaseId: "db", collectionId: "big", documentId: "max", data: {n: 9007199254740991}) { _id } }`);
    await t.ok(`mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "big", documentId: "max", attribute: "n", value: 2) { _id } }`);
    const doc = await t.ok(`{ databasesGetDocument(databaseId: "db", collectionId: "big", documentId: "max") { data } }`);
    expect(doc.databasesGetDocument.data).toBe('{"n":9007199254740993}');
  });

  describe('lists', () => {
    beforeAll(async () => {
      await t.ok(`mutation { databasesCreateCollection(databaseId: "db", collectionId: "list", name: "List") { _id } }`);
      await t.ok(`mutation {
        a: databasesCreateStringAttribute(databaseId: "db", collectionId: "list", key: "name", size: 32, required: true) { key }
        b: databasesCreateIntegerAttribute(databaseId: "db", collectionId: "list", key: "rank", required: false) { key }
      }`);
      const documents = Array.from({ length: 40 }, (_, i) => ({ $id: `n${String(i).padStart(2, '0')}`, name: `name-${i % 4}`, rank: i % 10 }));
      await t.ok(`mutation($documents: [Json!]!) { databasesUpsertDocuments(databaseId: "db", collectionId: "list", documents: $documents) { total } }`, { documents });
    });
    const list = (queries: string[], total = true) =>
      t.ok(`query($q: [String!], $total: Boolean) { databasesListDocuments(databaseId: "db", collectionId: "list", queries: $q, total: $total) { total documents { _id } } }`, { q: queries, total });
    const ids = (r: any) => r.databasesListDocuments.documents.map((d: { _id: string }) => d._id);

    it('defaults to 25 documents in insertion order, total counts all', async () => {
      const r = await list([]);
      expect(r.databasesListDocuments.total).toBe(40);
      expect(ids(r)).toEqual(Array.from({ length: 25 }, (_, i) => `n${String(i).padStart(2, '0')}`));
    });

    it('filters, sorts and pages in SQL', async () => {
      const r = await list([q('equal', 'name', ['name-1']), q('orderDesc', 'rank'), q('limit', undefined, [3]), q('offset', undefined, [1])]);
      expect(r.databasesListDocuments.total).toBe(10);
      // Ties on rank break by insertion order in the direction of the last order: n29 before n09.
      expect(ids(r)).toEqual(['n09', 'n37', 'n17']);
    });

    it('pages with cursors in both directions', async () => {
      const first = ids(await list([q('orderAsc', 'rank'), q('limit', undefined, [4])]));
      expect(first).toEqual(['n00', 'n10', 'n20', 'n30']);
      const next = ids(await list([q('orderAsc', 'rank'), q('limit', undefined, [4]), q('cursorAfter', undefined, ['n30'])]));
      expect(next).toEqual(['n01', 'n11', 'n21', 'n31']);
      const back = ids(await list([q('orderAsc', 'rank'), q('limit', undefined, [4]), q('cursorBefore', undefined, ['n01'])]));
      expect(back).toEqual(first);
      const unknown = await t.gql(`query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "list", queries: $q) { total } }`, { q: [q('cursorAfter', undefined, ['missing'])] });
      expect(unknown.errors?.[0]?.extensions?.type).toBe('general_cursor_not_found');
    });

    it('counts only when total is selected and not switched off', async () => {
      // Observes the SQL the gateway runs (the database itself stays real).
      const statements: string[] = [];
      const original = t.db.sql.query.bind(t.db.sql);
      const observed = vi.spyOn(t.db.sql, 'query').mockImplementation((sql, params) => {
        statements.push(sql);
        return original(sql, params);
      });
      try {
        const counted = () => statements.filter((sql) => /COUNT\(/i.test(sql)).length;
        await t.ok('{ databasesListDocuments(databaseId: "db", collectionId: "list") { documents { _id } } }');
        expect(counted()).toBe(0);
        await t.ok('{ databasesListDocuments(databaseId: "db", collectionId: "list", total: false) { total documents { _id } } }');
        expect(counted()).toBe(0);
        // A filter no other test uses: its total cannot be remembered from before.
        const unique = '{ databasesListDocuments(databaseId: "db", collectionId: "list", queries: ["{\\"method\\":\\"notEqual\\",\\"attribute\\":\\"$id\\",\\"values\\":[\\"count-probe\\"]}"]) { total } }';
        await t.ok(unique);
        expect(counted()).toBe(1);
        // Asked again with no write in between, the total is remembered (see the list totals tests).
        await t.ok(unique);
        expect(counted()).toBe(1);
      } finally {
        observed.mockRestore();
      }
    });

    it('total: false answers 0 without counting; the count is capped', async () => {
      expect((await list([], false)).databasesListDocuments.total).toBe(0);
      const capped = await startGatewayWithCountLimit();
      expect(capped).toBe(5);
    });

    async function startGatewayWithCountLimit() {
      // The count limit is configuration (COUNT_LIMIT): a second gateway on its own database shows the cap.
      const { startGateway: start } = await import('../support/gateway.ts');
      const small = await start(provider, { COUNT_LIMIT: '5' });
      try {
        await small.ok(`mutation { databasesCreate(databaseId: "d", name: "d") { _id } }`);
        await small.ok(`mutation { databasesCreateCollection(databaseId: "d", collectionId: "c", name: "c") { _id } }`);
        await small.ok(`mutation { databasesCreateIntegerAttribute(databaseId: "d", collectionId: "c", key: "n", required: true) { key } }`);
        await small.ok(`mutation($documents: [Json!]!) { databasesUpsertDocuments(databaseId: "d", collectionId: "c", documents: $documents) { total } }`, {
          documents: Array.from({ length: 8 }, (_, i) => ({ $id: `x${i}`, n: i })),
        });
        const r = await small.ok(`{ databasesListDocuments(databaseId: "d", collectionId: "c") { total documents { _id } } }`);
        expect(r.databasesListDocuments.documents).toHaveLength(8);
        return r.databasesListDocuments.total;
      } finally {
        await small.close();
      }
    }

    it('refuses malformed queries with general_query_invalid', async () => {
      for (const bad of ['not json', q('equal', 'missing', ['x']), q('nope', 'name', ['x']), q('limit', undefined, [0]), q('equal', 'rank', ['text'])]) {
        const r = await listBooks(t, [bad]);
        expect(r.errors?.[0]?.extensions?.type, bad).toBe('general_query_invalid');
      }
      // A limit above the maximum is weighed as asked, as Appwrite does, and refused before the list sees it: 4 × 5001.
      expect((await listBooks(t, [q('limit', undefined, [5001])])).errors).toEqual([
        { message: 'Max query complexity should be 250 but got 20004.', extensions: { type: 'general_argument_invalid', code: 400 } },
      ]);
    });
  });
});
