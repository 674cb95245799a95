import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixUpperBound } from '../../src/documents/queries/compile.ts';
import { q } from '../api/fixtures.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';

warnIfPostgresSkipped('prepared statements');

describe('the prefix range of startsWith', () => {
  it('ends at the prefix with its last code point incremented, past surrogates and the last code point', () => {
    expect(prefixUpperBound('ab')).toBe('ac');
    expect(prefixUpperBound('a\u{7f}')).toBe('a\u{80}');
    expect(prefixUpperBound('a\u{d7ff}')).toBe('a\u{e000}');
    expect(prefixUpperBound('a\u{1f600}')).toBe('a\u{1f601}');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}\u{10ffff}')).toBeNull();
  });
});

/** Reads run as prepared statements on PostgreSQL (src/db/pg-statements.ts): what that must not change. */
describe.each(PROVIDERS)('reads as prepared statements on %s', (provider) => {
  let t: TestGateway;
  const list = async (queries: string[] = []) => {
    const data = await t.ok('query($q: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "c", queries: $q) { total documents { _id data } } }', { q: queries });
    return data.databasesListDocuments as { total: number; documents: { _id: string; data: string }[] };
  };
  beforeAll(async () => {
    t = await startGateway(provider);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "c", name: "c") { _id } }');
    await t.ok('mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "c", key: "name", size: 32, required: true) { key } }');
    await t.ok('mutation { databasesCreateIndex(databaseId: "db", collectionId: "c", key: "by_name", type: "key", attributes: ["name"]) { key } }');
    const names = ['ab', 'abc', 'ac', 'a\u{d7ff}x', 'a\u{e000}', 'a\u{10ffff}z', 'b', 'a%_', 'a%x'];
    for (const [i, name] of names.entries()) {
      await t.ok('mutation($id: String!, $d: Json!) { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: $id, data: $d) { _id } }', { id: `d${i}`, d: { name } });
    }
  });
  afterAll(async () => t?.close());

  it('answer startsWith exactly, however often the statement has run', async () => {
    const starting = async (prefix: string) => (await list([q('startsWith', 'name', [prefix]), q('orderAsc', 'name')])).documents.map((d) => JSON.parse(d.data).name);
    for (let run = 0; run < 8; run++) {
      expect(await starting('ab')).toEqual(['ab', 'abc']);
      expect(await starting('a\u{d7ff}')).toEqual(['a\u{d7ff}x']);
      expect(await starting('a\u{10ffff}')).toEqual(['a\u{10ffff}z']);
      expect(await starting('a%')).toEqual(['a%_', 'a%x']);
      expect(await starting('')).toHaveLength(9);
    }
  });

  it('keep answering after an attribute changes the table a prepared statement reads', async () => {
    // Often enough that every pooled connection has the statement prepared.
    await Promise.all(Array.from({ length: 30 }, () => list()));
    await t.ok('mutation { databasesCreateIntegerAttribute(databaseId: "db", collectionId: "c", key: "n", required: false, default: 7) { key } }');
    const after = await Promise.all(Array.from({ length: 30 }, () => list()));
    for (const page of after) expect(JSON.parse(page.documents[0]!.data)).toEqual({ name: 'ab', n: 7 });
  });
});
