import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';

warnIfPostgresSkipped('guest permissions');

const guest = { key: null };

describe.each(PROVIDERS)('collection and document permissions for guests on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(provider);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    const collection = (id: string, permissions: string[], documentSecurity = false) =>
      t.ok(`mutation($p: [String!], $s: Boolean) { databasesCreateCollection(databaseId: "db", collectionId: "${id}", name: "${id}", permissions: $p, documentSecurity: $s) { _id } }`, { p: permissions, s: documentSecurity });
    await collection('open', ['read("any")', 'create("any")']);
    await collection('closed', []);
    await collection('docsec', [], true);
    for (const id of ['open', 'closed', 'docsec']) {
      await t.ok(`mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "${id}", key: "title", size: 20, required: false) { key } }`);
    }
    for (let i = 0; i < 10; i++) {
      const permissions = i % 3 === 0 ? ['read("any")'] : i % 3 === 1 ? ['read("guests")'] : ['read("user:someone")'];
      await t.ok(`mutation($p: [String!]) { databasesCreateDocument(databaseId: "db", collectionId: "docsec", documentId: "d${i}", data: {title: "t${i}"}, permissions: $p) { _id } }`, { p: permissions });
      await t.ok(`mutation { databasesCreateDocument(databaseId: "db", collectionId: "closed", documentId: "d${i}", data: {title: "t${i}"}) { _id } }`);
    }
  });
  afterAll(async () => t?.close());

  it('lets guests read and create where the collection grants "any"', async () => {
    const created = await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "open", documentId: "g1", data: {title: "by guest"}, permissions: ["read(\\"any\\")"]) { _id _permissions } }', {}, guest);
    expect(created.databasesCreateDocument).toEqual({ _id: 'g1', _permissions: ['read("any")'] });
    const listed = await t.ok('{ databasesListDocuments(databaseId: "db", collectionId: "open") { total documents { _id } } }', {}, guest);
    expect(listed.databasesListDocuments).toEqual({ total: 1, documents: [{ _id: 'g1' }] });
  });

  it('refuses guests roles they do not hold', async () => {
    const result = await t.gql('mutation { databasesCreateDocument(databaseId: "db", collectionId: "open", documentId: "g2", data: {}, permissions: ["read(\\"user:admin\\")"]) { _id } }', {}, guest);
    expect(result.errors?.[0]?.extensions?.type).toBe('user_unauthorized');
  });

  it('refuses writes the collection does not grant', async () => {
    const update = await t.gql('mutation { databasesUpdateDocument(databaseId: "db", collectionId: "open", documentId: "g1", data: {title: "x"}) { _id } }', {}, guest);
    expect(update.errors?.[0]?.extensions?.type).toBe('user_unauthorized');
    const remove = await t.gql('mutation { databasesDeleteDocument(databaseId: "db", collectionId: "open", documentId: "g1") { status } }', {}, guest);
    expect(remove.errors?.[0]?.extensions?.type).toBe('user_unauthorized');
    const create = await t.gql('mutation { databasesCreateDocument(databaseId: "db", collectionId: "closed", documentId: "x", data: {title: "x"}) { _id } }', {}, guest);
    expect(create.errors?.[0]?.extensions?.type).toBe('user_unauthorized');
  });

  it('hides documents of a collection without read access: list refused, get not found', async () => {
    const list = await t.gql('{ databasesListDocuments(databaseId: "db", collectionId: "closed") { total } }', {}, guest);
    expect(list.errors?.[0]?.extensions?.type).toBe('user_unauthorized');
    const get = await t.gql('{ databasesGetDocument(databaseId: "db", collectionId: "closed", documentId: "d1") { _id } }', {}, guest);
    expect(get.errors?.[0]?.extensions?.type).toBe('document_not_found');
  });

  it('with document security, lists only readable documents with a matching total, in SQL', async () => {
    const listed = await t.ok('{ databasesListDocuments(databaseId: "db", collectionId: "docsec") { total documents { _id } } }', {}, guest);
    expect(listed.databasesListDocuments.total).toBe(7);
    expect(listed.databasesListDocuments.documents.map((d: { _id: string }) => d._id)).toEqual(['d0', 'd1', 'd3', 'd4', 'd6', 'd7', 'd9']);
    const hidden = await t.gql('{ databasesGetDocument(databaseId: "db", collectionId: "docsec", documentId: "d2") { _id } }', {}, guest);
    expect(hidden.errors?.[0]?.extensions?.type).toBe('document_not_found');
    const visible = await t.ok('{ databasesGetDocument(databaseId: "db", collectionId: "docsec", documentId: "d3") { _id } }', {}, guest);
    expect(visible.databasesGetDocument._id).toBe('d3');
  });

  it('makes disabled collections and databases invisible to guests, not to keys', async () => {
    await t.ok('mutation { databasesUpdateCollection(databaseId: "db", collectionId: "open", enabled: false) { enabled } }');
    const hidden = await t.gql('{ databasesListDocuments(databaseId: "db", collectionId: "open") { total } }', {}, guest);
    expect(hidden.errors?.[0]?.extensions?.type).toBe('collection_not_found');
    expect((await t.ok('{ databasesListDocuments(databaseId: "db", collectionId: "open") { total } }')).databasesListDocuments.total).toBe(1);
    await t.ok('mutation { databasesUpdateCollection(databaseId: "db", collectionId: "open", enabled: true) { enabled } }');
    await t.ok('mutation { databasesUpdate(databaseId: "db", enabled: false) { enabled } }');
    const dbHidden = await t.gql('{ databasesListDocuments(databaseId: "db", collectionId: "open") { total } }', {}, guest);
    expect(dbHidden.errors?.[0]?.extensions?.type).toBe('database_not_found');
  });
});
