import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { q } from './fixtures.ts';

warnIfPostgresSkipped('databases, collections, attributes and indexes API');

describe.each(PROVIDERS)('databases, collections, attributes and indexes on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(provider);
  });
  afterAll(async () => t?.close());

  const errorType = async (query: string, variables?: Record<string, unknown>) => (await t.gql(query, variables)).errors?.[0]?.extensions?.type;

  it('creates, lists, gets, updates and deletes databases', async () => {
    const created = await t.ok('mutation { databasesCreate(databaseId: "shop", name: "Shop") { _id name enabled type _createdAt _updatedAt } }');
    expect(created.databasesCreate).toMatchObject({ _id: 'shop', name: 'Shop', enabled: true, type: 'legacy' });
    await t.ok('mutation { databasesCreate(databaseId: "blog", name: "Blog", enabled: false) { _id } }');
    const list = await t.ok(`query($q: [String!]) { databasesList(queries: $q) { total databases { _id } } }`, { q: [q('orderDesc', 'name')] });
    expect(list.databasesList).toEqual({ total: 2, databases: [{ _id: 'shop' }, { _id: 'blog' }] });
    const page = (queries: string[]) => t.gql(`query($q: [String!]) { databasesList(queries: $q) { total databases { _id } } }`, { q: queries });
    expect((await page([q('limit', undefined, [1])])).data.databasesList).toEqual({ total: 2, databases: [{ _id: 'shop' }] });
    expect((await page([q('cursorAfter', undefined, ['shop'])])).data.databasesList.databases).toEqual([{ _id: 'blog' }]);
    expect((await page([q('cursorBefore', undefined, ['blog'])])).data.databasesList.databases).toEqual([{ _id: 'shop' }]);
    expect((await page([q('equal', 'enabled', [false])])).data.databasesList).toEqual({ total: 1, databases: [{ _id: 'blog' }] });
    expect((await page([q('cursorAfter', undefined, ['nope'])])).errors?.[0]?.extensions?.type).toBe('general_cursor_not_found');
    expect((await page([q('search', 'name', ['x'])])).errors?.[0]?.extensions?.type).toBe('general_query_invalid');
    const searched = await t.ok('{ databasesList(search: "Blo") { total databases { _id } } }');
    expect(searched.databasesList.databases).toEqual([{ _id: 'blog' }]);
    const updated = await t.ok('mutation { databasesUpdate(databaseId: "blog", name: "Journal", enabled: true) { name enabled } }');
    expect(updated.databasesUpdate).toEqual({ name: 'Journal', enabled: true });
    expect(await errorType('mutation { databasesCreate(databaseId: "shop", name: "again") { _id } }')).toBe('database_already_exists');
    expect(await errorType('{ databasesGet(databaseId: "missing") { _id } }')).toBe('database_not_found');
    expect((await t.ok('mutation { databasesDelete(databaseId: "blog") { status } }')).databasesDelete.status).toBe(true);
    expect(await errorType('{ databasesGet(databaseId: "blog") { _id } }')).toBe('database_not_found');
  });

  it('creates collections with permissions and validates permission strings strictly', async () => {
    const created = await t.ok(`mutation {
      databasesCreateCollection(databaseId: "shop", collectionId: "products", name: "Products", permissions: ["read(\\"any\\")", "write(\\"team:staff\\")"], documentSecurity: true) {
        _id databaseId name enabled documentSecurity _permissions attributes { key } indexes { key } bytesMax
      }
    }`);
    expect(created.databasesCreateCollection).toEqual({
      _id: 'products',
      databaseId: 'shop',
      name: 'Products',
      enabled: true,
      documentSecurity: true,
      _permissions: ['read("any")', 'create("team:staff")', 'update("team:staff")', 'delete("team:staff")'],
      attributes: [],
      indexes: [],
      bytesMax: 0,
    });
    for (const bad of ['read(any)', 'fly("any")', 'read("nobody")', 'read("user:")']) {
      expect(await errorType('mutation($p: [String!]) { databasesCreateCollection(databaseId: "shop", collectionId: "bad", name: "x", permissions: $p) { _id } }', { p: [bad] }), bad).toBe('general_argument_invalid');
    }
    expect(await errorType('mutation { databasesCreateCollection(databaseId: "shop", collectionId: "products", name: "dup") { _id } }')).toBe('collection_already_exists');
    expect(await errorType('mutation { databasesCreateCollection(databaseId: "nodb", collectionId: "x", name: "x") { _id } }')).toBe('database_not_found');
    expect(await errorType('{ databasesGetCollection(databaseId: "shop", collectionId: "none") { _id } }')).toBe('collection_not_found');
    const updated = await t.ok('mutation { databasesUpdateCollection(databaseId: "shop", collectionId: "products", name: "Items", documentSecurity: false) { name documentSecurity } }');
    expect(updated.databasesUpdateCollection).toEqual({ name: 'Items', documentSecurity: false });
    const list = await t.ok('{ databasesListCollections(databaseId: "shop") { total collections { _id name } } }');
    expect(list.databasesListCollections).toEqual({ total: 1, collections: [{ _id: 'products', name: 'Items' }] });
  });

  it('creates every attribute kind with its model fields', async () => {
    const base = 'databaseId: "shop", collectionId: "products"';
    const result = await t.ok(`mutation {
      s: databasesCreateStringAttribute(${base}, key: "name", size: 100, required: true) { key type status required array size default encrypt }
      i: databasesCreateIntegerAttribute(${base}, key: "stock", required: false, min: 0, max: 1000, default: 5) { key type min max default }
      f: databasesCreateFloatAttribute(${base}, key: "price", required: false, min: 0.5) { key type min max default }
      b: databasesCreateBooleanAttribute(${base}, key: "active", required: false, default: false) { key type default }
      e: databasesCreateEmailAttribute(${base}, key: "owner", required: false) { key type format }
      n: databasesCreateEnumAttribute(${base}, key: "size", elements: ["s", "m", "l"], required: false, default: "m") { key type format elements default }
      u: databasesCreateUrlAttribute(${base}, key: "link", required: false) { key type format }
      p: databasesCreateIpAttribute(${base}, key: "ip", required: false) { key type format }
      d: databasesCreateDatetimeAttribute(${base}, key: "launched", required: false, default: "2024-01-02T03:04:05Z") { key type format default }
      a: databasesCreateStringAttribute(${base}, key: "labels", size: 10, required: false, array: true) { key array }
    }`);
    expect(result).toEqual({
      s: { key: 'name', type: 'string', status: 'available', required: true, array: false, size: 100, default: null, encrypt: false },
      i: { key: 'stock', type: 'integer', min: 0, max: 1000, default: 5 },
      f: { key: 'price', type: 'double', min: 0.5, max: expect.any(Number), default: null },
      b: { key: 'active', type: 'boolean', default: false },
      e: { key: 'owner', type: 'string', format: 'email' },
      n: { key: 'size', type: 'string', format: 'enum', elements: ['s', 'm', 'l'], default: 'm' },
      u: { key: 'link', type: 'string', format: 'url' },
      p: { key: 'ip', type: 'string', format: 'ip' },
      d: { key: 'launched', type: 'datetime', format: 'datetime', default: '2024-01-02T03:04:05.000+00:00' },
      a: { key: 'labels', array: true },
    });
    const listed = await t.ok('{ databasesListAttributes(databaseId: "shop", collectionId: "products") { total attributes { __typename key status } } }');
    expect(listed.databasesListAttributes.total).toBe(10);
    const strings = await t.ok(`query($q: [String!]) { databasesListAttributes(databaseId: "shop", collectionId: "products", queries: $q) { total attributes { key } } }`, {
      q: [q('equal', 'type', ['integer', 'boolean']), q('limit', undefined, [1])],
    });
    expect(strings.databasesListAttributes).toEqual({ total: 2, attributes: [{ key: 'stock' }] });
    expect(listed.databasesListAttributes.attributes[0]).toEqual({ __typename: 'AttributeString', key: 'name', status: 'available' });
    const one = await t.ok('{ databasesGetAttribute(databaseId: "shop", collectionId: "products", key: "stock") { __typename key ... on AttributeInteger { max } } }');
    expect(one.databasesGetAttribute).toEqual({ __typename: 'AttributeInteger', key: 'stock', max: 1000 });
  });

  it('applies Appwrite attribute rules', async () => {
    const base = 'databaseId: "shop", collectionId: "products"';
    expect(await errorType(`mutation { databasesCreateStringAttribute(${base}, key: "x", size: 10, required: true, default: "a") { key } }`)).toBe('attribute_default_unsupported');
    expect(await errorType(`mutation { databasesCreateStringAttribute(${base}, key: "x", size: 10, required: false, array: true, default: "a") { key } }`)).toBe('attribute_default_unsupported');
    expect(await errorType(`mutation { databasesCreateIntegerAttribute(${base}, key: "x", required: false, min: 10, max: 1) { key } }`)).toBe('attribute_value_invalid');
    expect(await errorType(`mutation { databasesCreateStringAttribute(${base}, key: "name", size: 10, required: false) { key } }`)).toBe('attribute_already_exists');
    expect(await errorType(`mutation { databasesCreateStringAttribute(${base}, key: "_bad", size: 10, required: false) { key } }`)).toBe('general_argument_invalid');
    expect(await errorType(`{ databasesGetAttribute(${base}, key: "nope") { key } }`)).toBe('attribute_not_found');
  });

  it('updates attributes, renames keys and refuses shrinking below existing data', async () => {
    const base = 'databaseId: "shop", collectionId: "products"';
    await t.ok(`mutation { databasesCreateDocument(${base}, documentId: "p1", data: {name: "a long product name"}) { _id } }`);
    const updated = await t.ok(`mutation { databasesUpdateIntegerAttribute(${base}, key: "stock", required: false, min: 1, max: 50, default: 2) { key min max default } }`);
    expect(updated.databasesUpdateIntegerAttribute).toEqual({ key: 'stock', min: 1, max: 50, default: 2 });
    expect(await errorType(`mutation { databasesUpdateStringAttribute(${base}, key: "name", required: true, size: 5) { key } }`)).toBe('attribute_invalid_resize');
    expect(await errorType(`mutation { databasesUpdateIntegerAttribute(${base}, key: "name", required: true) { key } }`)).toBe('attribute_type_invalid');
    const renamed = await t.ok(`mutation { databasesUpdateStringAttribute(${base}, key: "labels", required: false, newKey: "tags") { key } }`);
    expect(renamed.databasesUpdateStringAttribute.key).toBe('tags');
    const doc = await t.ok(`mutation { databasesUpdateDocument(${base}, documentId: "p1", data: {tags: ["x"]}) { data } }`);
    expect(JSON.parse(doc.databasesUpdateDocument.data).tags).toEqual(['x']);
  });

  it('backfills a new attribute default into existing documents', async () => {
    const base = 'databaseId: "shop", collectionId: "products"';
    await t.ok(`mutation { databasesCreateStringAttribute(${base}, key: "color", size: 10, required: false, default: "red") { key } }`);
    const doc = await t.ok(`{ databasesGetDocument(${base}, documentId: "p1") { data } }`);
    expect(JSON.parse(doc.databasesGetDocument.data).color).toBe('red');
    const listed = await t.ok(`query($q: [String!]) { databasesListDocuments(${base}, queries: $q) { total } }`, { q: [q('equal', 'color', ['red'])] });
    expect(listed.databasesListDocuments.total).toBe(1);
  });

  it('creates, lists, gets and deletes indexes with Appwrite rules', async () => {
    const base = 'databaseId: "shop", collectionId: "products"';
    const created = await t.ok(`mutation { databasesCreateIndex(${base}, key: "by_stock", type: "key", attributes: ["stock", "$createdAt"], orders: ["desc"]) { _id key type status attributes orders lengths } }`);
    expect(created.databasesCreateIndex).toEqual({ _id: 'by_stock', key: 'by_stock', type: 'key', status: 'available', attributes: ['stock', '$createdAt'], orders: ['desc', null], lengths: [null, null] });
    await t.ok(`mutation { databasesCreateIndex(${base}, key: "uniq_name", type: "unique", attributes: ["name"]) { key } }`);
    await t.ok(`mutation { databasesCreateIndex(${base}, key: "ft_name", type: "fulltext", attributes: ["name"]) { key } }`);
    expect(await errorType(`mutation { databasesCreateIndex(${base}, key: "x", type: "key", attributes: ["missing"]) { key } }`)).toBe('attribute_unknown');
    expect(await errorType(`mutation { databasesCreateIndex(${base}, key: "by_stock", type: "key", attributes: ["name"]) { key } }`)).toBe('index_already_exists');
    expect(await errorType(`mutation { databasesCreateIndex(${base}, key: "x", type: "spatial", attributes: ["name"]) { key } }`)).toBe('general_argument_invalid');
    expect(await errorType(`mutation { databasesDeleteAttribute(${base}, key: "stock") { status } }`)).toBe('index_dependency');
    const list = await t.ok(`{ databasesListIndexes(${base}) { total indexes { key } } }`);
    expect(list.databasesListIndexes).toEqual({ total: 3, indexes: [{ key: 'by_stock' }, { key: 'uniq_name' }, { key: 'ft_name' }] });
    const collection = await t.ok(`{ databasesGetCollection(${base}) { indexes { key } } }`);
    expect(collection.databasesGetCollection.indexes).toHaveLength(3);

    const dup = await t.gql(`mutation { databasesCreateDocument(${base}, documentId: "p2", data: {name: "a long product name"}) { _id } }`);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ type: 'document_unique_constraint_violation', code: 409 });

    expect((await t.ok(`mutation { databasesDeleteIndex(${base}, key: "uniq_name") { status } }`)).databasesDeleteIndex.status).toBe(true);
    await t.ok(`mutation { databasesCreateDocument(${base}, documentId: "p2", data: {name: "a long product name"}) { _id } }`);
    expect(await errorType(`mutation { databasesCreateIndex(${base}, key: "uniq_again", type: "unique", attributes: ["name"]) { key } }`)).toBe('index_invalid');
    expect(await errorType(`{ databasesGetIndex(${base}, key: "uniq_again") { key } }`)).toBe('index_not_found');
  });

  it('deletes attributes with their column, then collections and databases with their tables', async () => {
    const base = 'databaseId: "shop", collectionId: "products"';
    await t.ok(`mutation { databasesDeleteAttribute(${base}, key: "ip") { status } }`);
    expect((await t.gql(`mutation { databasesUpdateDocument(${base}, documentId: "p1", data: {ip: "1.2.3.4"}) { _id } }`)).errors?.[0]?.extensions?.type).toBe('document_invalid_structure');
    await t.ok('mutation { databasesDeleteCollection(databaseId: "shop", collectionId: "products") { status } }');
    expect(await errorType(`{ databasesGetDocument(${base}, documentId: "p1") { _id } }`)).toBe('collection_not_found');
    await t.ok('mutation { databasesDelete(databaseId: "shop") { status } }');
    const tables =
      provider === 'sqlite'
        ? await t.db.sql.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'c[0-9]*'`)
        : await t.db.sql.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^c[0-9]+'`);
    expect(tables).toEqual([]);
  });

  it('creates a collection with attributes and indexes in one step, all or nothing', async () => {
    await t.ok('mutation { databasesCreate(databaseId: "one", name: "One") { _id } }');
    const created = await t.ok(`mutation($attributes: [Json!], $indexes: [Json!]) {
      databasesCreateCollection(databaseId: "one", collectionId: "c", name: "C", attributes: $attributes, indexes: $indexes) { attributes { key } indexes { key } }
    }`, { attributes: [{ key: 'title', type: 'string', size: 10, required: true }, { key: 'n', type: 'integer', required: false }], indexes: [{ key: 'by_n', type: 'key', attributes: ['n'] }] });
    expect(created.databasesCreateCollection).toEqual({ attributes: [{ key: 'title' }, { key: 'n' }], indexes: [{ key: 'by_n' }] });
    const failed = await t.gql(`mutation($indexes: [Json!]) { databasesCreateCollection(databaseId: "one", collectionId: "d", name: "D", indexes: $indexes) { _id } }`, {
      indexes: [{ key: 'bad', type: 'key', attributes: ['missing'] }],
    });
    expect(failed.errors?.[0]?.extensions?.type).toBe('attribute_unknown');
    expect(await errorType('{ databasesGetCollection(databaseId: "one", collectionId: "d") { _id } }')).toBe('collection_not_found');
  });
});
