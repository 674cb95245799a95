import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachGateway, startGateway, type TestGateway } from '../support/gateway.ts';
import { eventually } from '../support/eventually.ts';
import { POSTGRES_URL, warnIfPostgresSkipped } from '../support/providers.ts';

warnIfPostgresSkipped('several instances on one PostgreSQL database');

describe.skipIf(!POSTGRES_URL)('two gateway instances on one PostgreSQL database', () => {
  let a: TestGateway & { url: string };
  let b: TestGateway;
  beforeAll(async () => {
    // Instances sharing a database share the JWT secret (as the README says).
    const env = { JWT_SECRET: 'a-shared-jwt-secret-of-at-least-32-characters' };
    a = await startGateway('postgresql', env);
    b = await attachGateway('postgresql', a.url, env);
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

  it('sees documents another instance writes in its next totals', async () => {
    await a.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "t", name: "t", documentSecurity: true) { _id } }');
    await a.ok('mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "t", key: "title", size: 10, required: false) { key } }');
    await a.ok('mutation { usersCreate(userId: "reader", email: "reader@example.com", password: "password-123") { _id } }');
    const { jwt } = (await a.ok('mutation { usersCreateJWT(userId: "reader") { jwt } }')).usersCreateJWT;
    const asReader = { key: null, headers: { 'x-appwrite-jwt': jwt } };
    const total = async (gateway: TestGateway) =>
      (await gateway.ok('{ databasesListDocuments(databaseId: "db", collectionId: "t") { total } }', {}, asReader)).databasesListDocuments.total;
    expect(await total(b)).toBe(0);
    await a.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "t", documentId: "x", data: {title: "x"}, permissions: ["read(\\"user:reader\\")"]) { _id } }');
    await eventually(async () => expect(await total(b)).toBe(1));
    await a.ok('mutation { databasesDeleteDocument(databaseId: "db", collectionId: "t", documentId: "x") { status } }');
    await eventually(async () => expect(await total(b)).toBe(0));
  });

  it('sees users blocked, relabelled or deleted on another instance, and sessions deleted there', async () => {
    await a.ok('mutation { usersCreate(userId: "ann", email: "ann@example.com", password: "password-123") { _id } }');
    await a.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "staff", name: "staff", permissions: ["read(\\"label:staff\\")"]) { _id } }');
    const session = await a.ok('mutation { accountCreateEmailPasswordSession(email: "ann@example.com", password: "password-123") { _id secret } }');
    const { secret, _id: sessionId } = session.accountCreateEmailPasswordSession;
    const asAnn = { key: null, headers: { 'x-appwrite-session': secret } };
    const staffList = '{ databasesListDocuments(databaseId: "db", collectionId: "staff") { total } }';
    const me = '{ accountGet { _id } }';
    expect((await b.ok(me, {}, asAnn)).accountGet._id).toBe('ann');
    expect((await b.gql(staffList, {}, asAnn)).errors?.[0]?.extensions?.type).toBe('user_unauthorized');

    await a.ok('mutation { usersUpdateLabels(userId: "ann", labels: ["staff"]) { _id } }');
    await eventually(async () => expect((await b.ok(staffList, {}, asAnn)).databasesListDocuments.total).toBe(0));
    await a.ok('mutation { usersUpdateStatus(userId: "ann", status: false) { _id } }');
    await eventually(async () => expect((await b.gql(me, {}, asAnn)).errors?.[0]?.extensions?.type).toBe('user_blocked'));
    await a.ok('mutation { usersUpdateStatus(userId: "ann", status: true) { _id } }');
    await eventually(async () => expect((await b.ok(me, {}, asAnn)).accountGet._id).toBe('ann'));
    await a.ok(`mutation { accountDeleteSession(sessionId: "${sessionId}") { status } }`, {}, asAnn);
    await eventually(async () => expect((await b.gql(me, {}, asAnn)).errors?.[0]?.extensions?.type).toBe('general_unauthorized_scope'));
  });
});
