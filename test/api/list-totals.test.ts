import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';

warnIfPostgresSkipped('list totals under the count cache');

/**
 * Totals are remembered per collection, reader and filters until a document of the collection changes: every
 * kind of write, membership and label change must show in the very next total.
 */
describe.each(PROVIDERS)('list totals stay exact on %s', (provider) => {
  let t: TestGateway;
  let alice: { headers: Record<string, string>; key: null };
  let bob: { headers: Record<string, string>; key: null };
  const address = 'databaseId: "db", collectionId: "notes"';

  const total = async (as: { headers: Record<string, string>; key: null } | Record<string, never>, queries: string[] = []) =>
    (await t.ok(`query($q: [String!]) { databasesListDocuments(${address}, queries: $q) { total } }`, { q: queries }, as)).databasesListDocuments.total as number;
  const create = (id: string, permissions: string[], tag = 'a') =>
    t.ok(`mutation($p: [String!]) { databasesCreateDocument(${address}, documentId: "${id}", data: {tag: "${tag}"}, permissions: $p) { _id } }`, { p: permissions });
  const tagIs = (tag: string) => [JSON.stringify({ method: 'equal', attribute: 'tag', values: [tag] })];

  beforeAll(async () => {
    t = await startGateway(provider);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await t.ok(`mutation { databasesCreateCollection(${address}, name: "notes", documentSecurity: true, permissions: ["create(\\"users\\")"]) { _id } }`);
    await t.ok(`mutation { databasesCreateStringAttribute(${address}, key: "tag", size: 10, required: false) { key } }`);
    const jwtFor = async (userId: string) => {
      await t.ok(`mutation { usersCreate(userId: "${userId}", email: "${userId}@example.com", password: "password-123", name: "${userId}") { _id } }`);
      const { jwt } = (await t.ok(`mutation { usersCreateJWT(userId: "${userId}") { jwt } }`)).usersCreateJWT;
      return { headers: { 'x-appwrite-jwt': jwt }, key: null } as const;
    };
    alice = await jwtFor('alice');
    bob = await jwtFor('bob');
    await t.ok('mutation { teamsCreate(teamId: "crew", name: "Crew") { _id } }');
    for (let i = 0; i < 4; i++) await create(`a${i}`, ['read("user:alice")']);
    await create('c0', ['read("team:crew")'], 'b');
  });
  afterAll(async () => t?.close());

  it('counts per reader: each sees the total of what they may read', async () => {
    expect(await total(alice)).toBe(4);
    expect(await total(bob)).toBe(0);
    expect(await total({})).toBe(5);
    expect(await total(alice, tagIs('b'))).toBe(0);
  });

  it('shows creates, permission changes, updates and deletes in the next total', async () => {
    expect(await total(alice)).toBe(4);
    await create('a4', ['read("user:alice")']);
    expect(await total(alice)).toBe(5);
    await t.ok(`mutation { databasesUpdateDocument(${address}, documentId: "a4", permissions: ["read(\\"user:bob\\")"]) { _id } }`);
    expect(await total(alice)).toBe(4);
    expect(await total(bob)).toBe(1);
    expect(await total(alice, tagIs('a'))).toBe(4);
    await t.ok(`mutation { databasesUpdateDocument(${address}, documentId: "a3", data: {tag: "z"}) { _id } }`);
    expect(await total(alice, tagIs('a'))).toBe(3);
    await t.ok(`mutation { databasesDeleteDocument(${address}, documentId: "a3") { status } }`);
    expect(await total(alice)).toBe(3);
  });

  it('shows bulk upserts, updates and deletes in the next total', async () => {
    expect(await total(alice, tagIs('a'))).toBe(3);
    await t.ok(`mutation($d: [Json!]!) { databasesUpsertDocuments(${address}, documents: $d) { total } }`, {
      d: [{ $id: 'u0', tag: 'a', $permissions: ['read("user:alice")'] }, { $id: 'u1', tag: 'a', $permissions: ['read("user:alice")'] }],
    });
    expect(await total(alice, tagIs('a'))).toBe(5);
    await t.ok(`mutation($q: [String!]) { databasesUpdateDocuments(${address}, data: {tag: "q"}, queries: $q) { total } }`, {
      q: [JSON.stringify({ method: 'equal', attribute: '$id', values: ['u0'] })],
    });
    expect(await total(alice, tagIs('a'))).toBe(4);
    await t.ok(`mutation($q: [String!]) { databasesDeleteDocuments(${address}, queries: $q) { total } }`, { q: tagIs('q') });
    expect(await total(alice)).toBe(4);
  });

  it('follows the reader: a new membership counts from the next request', async () => {
    expect(await total(bob)).toBe(1);
    await t.ok('mutation { teamsCreateMembership(teamId: "crew", userId: "bob", roles: []) { _id } }');
    expect(await total(bob)).toBe(2);
  });

  it('follows the collection: an attribute change and a collection permission change count at once', async () => {
    expect(await total(bob)).toBe(2);
    await t.ok(`mutation { databasesUpdateCollection(${address}, name: "notes", documentSecurity: true, permissions: ["read(\\"users\\")"]) { _id } }`);
    expect(await total(bob)).toBe(6);
    await t.ok(`mutation { databasesDeleteAttribute(${address}, key: "tag") { status } }`);
    await t.ok(`mutation { databasesCreateStringAttribute(${address}, key: "tag", size: 10, required: false, default: "new") { key } }`);
    expect(await total(bob, tagIs('new'))).toBe(6);
  });
});

