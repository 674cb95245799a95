import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { q } from './fixtures.ts';

warnIfPostgresSkipped('permission rows');

/** Document permissions are also stored as indexed rows; every write path must keep the two in step. */
describe.each(PROVIDERS)('permission rows on %s', (provider) => {
  let t: TestGateway;
  let table: string;
  beforeAll(async () => {
    t = await startGateway(provider);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "c", name: "c", documentSecurity: true) { _id } }');
    await t.ok('mutation { databasesCreateIntegerAttribute(databaseId: "db", collectionId: "c", key: "n", required: false) { key } }');
    table = `c${(await t.gateway.services.catalog.cache.get('db', 'c'))!.collection.sequence}`;
  });
  afterAll(async () => t?.close());

  /** Each document's permissions as the JSON column says, and as the rows say. */
  async function bothViews() {
    const documents = await t.db.sql.query(`SELECT "_sequence", "_permissions" FROM "${table}" ORDER BY "_sequence"`);
    const rows = await t.db.sql.query(`SELECT "_document", "_action", "_role" FROM "${table}_perms"`);
    const fromRows = new Map<string, string[]>();
    for (const row of rows) {
      const key = String(row['_document']);
      fromRows.set(key, [...(fromRows.get(key) ?? []), `${row['_action']}("${row['_role']}")`]);
    }
    return documents.map((d) => ({
      json: (JSON.parse(d['_permissions'] as string) as string[]).sort(),
      rows: (fromRows.get(String(d['_sequence'])) ?? []).sort(),
    }));
  }

  /** Each document's read roles as its JSON column says, and as its read set says (see src/documents/read-sets.ts). */
  async function readSetViews() {
    const documents = await t.db.sql.query(`SELECT "_permissions", "_readSet" FROM "${table}" ORDER BY "_sequence"`);
    const setRows = await t.db.sql.query(`SELECT "_set", "_role" FROM "${table}_readset_roles"`);
    const sets = await t.db.sql.query(`SELECT "_set", "_roles" FROM "${table}_readsets"`);
    return documents.map((d) => ({
      json: [...new Set((JSON.parse(d['_permissions'] as string) as string[]).filter((p) => p.startsWith('read(')).map((p) => p.slice(6, -2)))].sort(),
      set: d['_readSet'] === null ? [] : setRows.filter((r) => String(r['_set']) === String(d['_readSet'])).map((r) => r['_role'] as string).sort(),
      listed: d['_readSet'] === null ? [] : (JSON.parse(sets.find((r) => String(r['_set']) === String(d['_readSet']))!['_roles'] as string) as string[]),
    }));
  }

  const expectInStep = async () => {
    for (const view of await bothViews()) expect(view.rows).toEqual(view.json);
    for (const view of await readSetViews()) {
      expect(view.set).toEqual(view.json);
      expect(view.listed).toEqual(view.json);
    }
  };

  it('stays in step through create, update, upsert, bulk writes and deletes', async () => {
    await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "a", data: {n: 1}, permissions: ["read(\\"any\\")", "write(\\"user:x\\")"]) { _id } }');
    await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "b", data: {n: 2}) { _id } }');
    await expectInStep();
    await t.ok('mutation { databasesUpdateDocument(databaseId: "db", collectionId: "c", documentId: "a", permissions: ["read(\\"guests\\")"]) { _id } }');
    await t.ok('mutation { databasesUpdateDocument(databaseId: "db", collectionId: "c", documentId: "b", data: {n: 3}) { _id } }');
    await expectInStep();
    await t.ok('mutation { databasesUpsertDocument(databaseId: "db", collectionId: "c", documentId: "c", data: {n: 4}, permissions: ["read(\\"any\\")"]) { _id } }');
    await t.ok('mutation { databasesUpsertDocument(databaseId: "db", collectionId: "c", documentId: "c", permissions: ["read(\\"label:vip\\")", "delete(\\"team:t1/owner\\")"]) { _id } }');
    await expectInStep();
    const documents = Array.from({ length: 20 }, (_, i) => ({ $id: `bulk${i}`, n: i, $permissions: i % 2 ? ['read("any")'] : [] }));
    await t.ok('mutation($d: [Json!]!) { databasesUpsertDocuments(databaseId: "db", collectionId: "c", documents: $d) { total } }', { d: documents });
    await expectInStep();
    await t.ok('mutation { databasesIncrementDocumentAttribute(databaseId: "db", collectionId: "c", documentId: "a", attribute: "n") { _id } }');
    await t.ok(`mutation($q: [String!]) { databasesUpdateDocuments(databaseId: "db", collectionId: "c", data: {n: 0}, queries: $q) { total } }`, { q: [q('lessThan', 'n', [5])] });
    await expectInStep();
    await t.ok('mutation { databasesDeleteDocument(databaseId: "db", collectionId: "c", documentId: "a") { status } }');
    await t.ok(`mutation($q: [String!]) { databasesDeleteDocuments(databaseId: "db", collectionId: "c", queries: $q) { total } }`, { q: [q('startsWith', '$id', ['bulk1'])] });
    await expectInStep();
    const orphans = await t.db.sql.query(`SELECT COUNT(*) AS "n" FROM "${table}_perms" p WHERE NOT EXISTS (SELECT 1 FROM "${table}" d WHERE d."_sequence" = p."_document")`);
    expect(Number(orphans[0]!['n'])).toBe(0);
    // Each distinct read-role list is stored once, however many documents share it.
    const lists = await t.db.sql.query(`SELECT "_roles" FROM "${table}_readsets"`);
    expect(new Set(lists.map((r) => r['_roles'])).size).toBe(lists.length);
  });

  it('filters a guest list through the permission rows', async () => {
    const listed = await t.ok('{ databasesListDocuments(databaseId: "db", collectionId: "c") { total documents { _id } } }', {}, { key: null });
    const expected = (await bothViews()).filter((v) => v.json.includes('read("any")') || v.json.includes('read("guests")')).length;
    expect(listed.databasesListDocuments.total).toBe(expected);
    expect(expected).toBeGreaterThan(0);
  });

  it('drops the permission rows and read sets with the collection', async () => {
    await t.ok('mutation { databasesDeleteCollection(databaseId: "db", collectionId: "c") { status } }');
    const tables =
      provider === 'sqlite'
        ? await t.db.sql.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '${table}\\_%' ESCAPE '\\'`)
        : await t.db.sql.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE '${table}\\_%'`);
    expect(tables).toEqual([]);
  });
});
