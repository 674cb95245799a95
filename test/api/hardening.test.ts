import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { q } from './fixtures.ts';

warnIfPostgresSkipped('hardening');

const guest = { key: null };
const errorType = (result: { errors?: { extensions?: { type?: string } }[] }) => result.errors?.[0]?.extensions?.type;

/** Edge cases found in review: races, bounds, leaks and limits. */
describe.each(PROVIDERS)('hardening on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(provider);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "c", name: "c", documentSecurity: true) { _id } }');
    await t.ok(`mutation {
      a: databasesCreateIntegerAttribute(databaseId: "db", collectionId: "c", key: "n", required: false) { key }
      b: databasesCreateStringAttribute(databaseId: "db", collectionId: "c", key: "s", size: 100, required: false) { key }
      c: databasesCreateStringAttribute(databaseId: "db", collectionId: "c", key: "tags", size: 10, required: false, array: true) { key }
    }`);
  });
  afterAll(async () => t?.close());

  it('does not let a guest page from a document it cannot read', async () => {
    await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "public", data: {n: 1}, permissions: ["read(\\"any\\")"]) { _id } }');
    await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "secret", data: {n: 2}) { _id } }');
    const visible = await t.gql(`query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "c", queries: $q) { total } }`, { q: [q('cursorAfter', undefined, ['public'])] }, guest);
    expect(visible.errors).toBeUndefined();
    for (const id of ['secret', 'missing']) {
      const result = await t.gql(`query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "c", queries: $q) { total } }`, { q: [q('cursorAfter', undefined, [id])] }, guest);
      expect(errorType(result), id).toBe('general_cursor_not_found');
    }
  });

  it('lets concurrent upserts of one new ID all succeed: one creates, the others update', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.gql(`mutation { databasesUpsertDocument(databaseId: "db", collectionId: "c", documentId: "same", data: {n: ${i}}) { _id } }`)),
    );
    expect(results.map(errorType)).toEqual(Array(12).fill(undefined));
    const listed = await t.ok(`query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "c", queries: $q) { total } }`, { q: [q('equal', '$id', ['same'])] });
    expect(listed.databasesListDocuments.total).toBe(1);
  });

  it('runs bulk updates beside concurrent deletes without failing', async () => {
    const documents = Array.from({ length: 60 }, (_, i) => ({ $id: `b${i}`, n: 1000 + i }));
    await t.ok('mutation($d: [Json!]!) { databasesUpsertDocuments(databaseId: "db", collectionId: "c", documents: $d) { total } }', { d: documents });
    const update = t.gql(`mutation($q: [String!]) { databasesUpdateDocuments(databaseId: "db", collectionId: "c", data: {s: "bulk"}, queries: $q) { total } }`, {
      q: [q('greaterThanEqual', 'n', [1000])],
    });
    const deletes = documents.filter((_, i) => i % 3 === 0).map((d) => t.gql(`mutation { databasesDeleteDocument(databaseId: "db", collectionId: "c", documentId: "${d.$id}") { status } }`));
    const [updated, ...deleted] = await Promise.all([update, ...deletes]);
    expect(errorType(updated)).toBeUndefined();
    expect(deleted.map(errorType)).toEqual(Array(deleted.length).fill(undefined));
    const left = await t.ok(`query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "c", queries: $q) { total } }`, { q: [q('greaterThanEqual', 'n', [1000])] });
    expect(left.databasesListDocuments.total).toBe(40);
  });

  it('keeps increments and decrements inside 64 bits, exactly', async () => {
    await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "top", data: {n: 9223372036854775806}) { _id } }');
    const over = await t.gql('mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "c", documentId: "top", attribute: "n", value: 5) { data } }');
    expect(errorType(over)).toBe('attribute_limit_exceeded');
    const last = await t.ok('mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "c", documentId: "top", attribute: "n", value: 1) { data } }');
    expect(last.databasesIncrementDocumentAttribute.data).toContain('"n":9223372036854775807');
    await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "bottom", data: {n: -9223372036854775807}) { _id } }');
    const under = await t.gql('mutation { databasesDecrementDocumentAttribute(databaseId: "db", collectionId: "c", documentId: "bottom", attribute: "n", value: 5) { data } }');
    expect(errorType(under)).toBe('attribute_limit_exceeded');
    const doc = await t.ok('{ databasesGetDocument(databaseId: "db", collectionId: "c", documentId: "bottom") { data } }');
    expect(doc.databasesGetDocument.data).toContain('"n":-9223372036854775807');
    const huge = await t.gql('mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "c", documentId: "top", attribute: "n", value: 1e30) { data } }');
    expect(errorType(huge)).toBe('general_argument_invalid');
  });

  it('refuses more filter values than a request may bind', async () => {
    const or = JSON.stringify({
      method: 'or',
      values: Array.from({ length: 16 }, () => ({ method: 'equal', attribute: 's', values: Array.from({ length: 100 }, (_, i) => `v${i}`) })),
    });
    const result = await t.gql(`query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "c", queries: $q) { total } }`, { q: Array(4).fill(or) });
    expect(errorType(result)).toBe('general_query_invalid');
  });

  it('refuses transactions instead of ignoring them', async () => {
    const result = await t.gql('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "tx", data: {n: 1}, transactionId: "abc") { _id } }');
    expect(errorType(result)).toBe('general_not_implemented');
  });

  it('keeps an attribute default when an update leaves it out, and clears it on null', async () => {
    await t.ok('mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "c", key: "color", size: 10, required: false, default: "red") { key } }');
    const kept = await t.ok('mutation { databasesUpdateStringAttribute(databaseId: "db", collectionId: "c", key: "color", required: false, size: 12) { default size } }');
    expect(kept.databasesUpdateStringAttribute).toEqual({ default: 'red', size: 12 });
    const cleared = await t.ok('mutation { databasesUpdateStringAttribute(databaseId: "db", collectionId: "c", key: "color", required: false, default: null) { default } }');
    expect(cleared.databasesUpdateStringAttribute.default).toBeNull();
  });

  it('refuses to shrink an array attribute below the length of a stored element', async () => {
    await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "tagged", data: {tags: ["abcdefgh"]}) { _id } }');
    const result = await t.gql('mutation { databasesUpdateStringAttribute(databaseId: "db", collectionId: "c", key: "tags", required: false, size: 5) { size } }');
    expect(errorType(result)).toBe('attribute_invalid_resize');
  });

  it('answers a value too large for an index as invalid document data, not a server error', async () => {
    await t.ok('mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "c", key: "long", size: 20000, required: false) { key } }');
    await t.ok('mutation { databasesCreateIndex(databaseId: "db", collectionId: "c", key: "by_long", type: "key", attributes: ["long"]) { key } }');
    const value = randomBytes(6000).toString('base64');
    const result = await t.gql('mutation($data: Json!) { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "big", data: $data) { _id } }', { data: { long: value } });
    // SQLite indexes any length; PostgreSQL's btree entries are limited to about 2.7 kB.
    if (provider === 'postgresql') expect(errorType(result)).toBe('document_invalid_structure');
    else expect(result.errors).toBeUndefined();
  });
});
