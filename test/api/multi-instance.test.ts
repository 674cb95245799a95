import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachGateway, startGateway, type TestGateway } from '../support/gateway.ts';
import { POSTGRES_URL, warnIfPostgresSkipped } from '../support/providers.ts';

warnIfPostgresSkipped('several instances on one PostgreSQL database');

/** Polls until `check` passes: change notices travel asynchronously between instances. */
async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe.skipIf(!POSTGRES_URL)('two gateway instances on one PostgreSQL database', () => {
  let a: TestGateway & { url: string };
  let b: TestGateway;
  beforeAll(async () => {
    a = await startGateway('postgresql');
    b = await attachGateway('postgresql', a.url);
    await a.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await a.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "c", name: "c") { _id } }');
    await a.ok('mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "c", key: "title", size: 10, required: false) { key } }');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('sees attributes another instance adds or removes, without waiting for a cache to expire', async () => {
    await b.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "d1", data: {title: "x"}) { _id } }');
    await a.ok('mutation { databasesCreateIntegerAttribute(databaseId: "db", collectionId: "c", key: "n", required: false) { key } }');
    await eventually(async () => {
      await b.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "c", documentId: "d2", data: {title: "y", n: 1}) { _id } }');
    });
    await a.ok('mutation { databasesDeleteAttribute(databaseId: "db", collectionId: "c", key: "n") { status } }');
    await eventually(async () => {
      const result = await b.gql('mutation { databasesUpdateDocument(databaseId: "db", collectionId: "c", documentId: "d2", data: {n: 2}) { _id } }');
      expect(result.errors?.[0]?.extensions?.type).toBe('document_invalid_structure');
    });
  });

  it('sees a collection deleted by another instance', async () => {
    await a.ok('mutation { databasesDeleteCollection(databaseId: "db", collectionId: "c") { status } }');
    await eventually(async () => {
      const result = await b.gql('{ databasesGetDocument(databaseId: "db", collectionId: "c", documentId: "d1") { _id } }');
      expect(result.errors?.[0]?.extensions?.type).toBe('collection_not_found');
    });
  });
});
