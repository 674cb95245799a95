import { AppwriteException, Client, Graphql, ID, Permission, Query, Role } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { startStorageGateway, type StorageGateway } from '../support/storage-gateway.ts';
import { dataOf, errorOf } from './graphql-result.ts';

warnIfPostgresSkipped('node-appwrite SDK');

/** The gateway driven only through the official server SDK, over real HTTP, as an Appwrite backend would use it. */
describe.each(PROVIDERS)('node-appwrite against the gateway on %s', (provider) => {
  let s: StorageGateway;
  let endpoint: string;
  let admin: Graphql;
  const databaseId = ID.unique();
  const address = { databaseId, collectionId: 'books' };

  const client = () => new Client().setEndpoint(endpoint).setProject('default');
  const mutate = (graphql: Graphql, query: string, variables: Record<string, unknown> = {}) => dataOf(graphql.mutation({ query: { query, variables } }));
  const read = (graphql: Graphql, query: string, variables: Record<string, unknown> = {}) => graphql.query({ query: { query, variables } });

  const LIST = `query($databaseId: String!, $collectionId: String!, $queries: [String!]) {
    databasesListDocuments(databaseId: $databaseId, collectionId: $collectionId, queries: $queries) { total documents { _id data } }
  }`;
  const GET = `query($databaseId: String!, $collectionId: String!, $documentId: String!) {
    databasesGetDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: $documentId) { _id _permissions data }
  }`;
  const list = async (graphql: Graphql, queries: string[]) => {
    const { databasesListDocuments: page } = await dataOf(read(graphql, LIST, { ...address, queries }));
    return { total: page.total as number, ids: (page.documents as { _id: string }[]).map((doc) => doc._id), documents: page.documents as { _id: string; data: string }[] };
  };

  let membershipId: string;
  let alice: Graphql;
  let bob: Graphql;

  beforeAll(async () => {
    s = await startStorageGateway(provider);
    endpoint = `${s.url}/v1`;
    admin = new Graphql(client().setKey(ROOT_KEY));
    for (const [userId, name] of [['alice', 'Alice'], ['bob', 'Bob']]) {
      await mutate(admin, 'mutation($userId: String!, $email: String!, $name: String!) { usersCreate(userId: $userId, email: $email, password: "password-123", name: $name) { _id } }', {
        userId,
        email: `${userId}@example.com`,
        name,
      });
    }
    await mutate(admin, 'mutation { usersUpdateEmailVerification(userId: "alice", emailVerification: true) { _id } usersUpdateLabels(userId: "alice", labels: ["vip"]) { _id } }');
    await mutate(admin, 'mutation { teamsCreate(teamId: "crew", name: "Crew") { _id } }');
    membershipId = (await mutate(admin, 'mutation { teamsCreateMembership(teamId: "crew", userId: "alice", roles: ["owner"]) { _id confirm } }')).teamsCreateMembership._id;
    const jwtFor = async (userId: string) => (await mutate(admin, 'mutation($userId: String!) { usersCreateJWT(userId: $userId, duration: 3600) { jwt } }', { userId })).usersCreateJWT.jwt as string;
    alice = new Graphql(client().setJWT(await jwtFor('alice')));
    bob = new Graphql(client().setJWT(await jwtFor('bob')));
  });
  afterAll(async () => s?.close());

  it('creates a database, a collection with attributes and a fulltext index, with an API key', async () => {
    const { databasesCreate } = await mutate(admin, 'mutation($databaseId: String!) { databasesCreate(databaseId: $databaseId, name: "Library") { _id name } }', { databaseId });
    expect(databasesCreate).toEqual({ _id: databaseId, name: 'Library' });
    expect(databaseId).toMatch(/^[0-9a-f]{20}$/);

    const { databasesCreateCollection } = await mutate(
      admin,
      `mutation($databaseId: String!, $collectionId: String!, $permissions: [String!]) {
        databasesCreateCollection(databaseId: $databaseId, collectionId: $collectionId, name: "Books", documentSecurity: true, permissions: $permissions) { _id documentSecurity _permissions }
      }`,
      { ...address, permissions: [Permission.create(Role.users())] },
    );
    expect(databasesCreateCollection).toEqual({ _id: 'books', documentSecurity: true, _permissions: ['create("users")'] });

    const attributes = await mutate(
      admin,
      `mutation($databaseId: String!, $collectionId: String!) {
        title: databasesCreateStringAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "title", size: 64, required: true) { key status }
        year: databasesCreateIntegerAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "year", required: false) { key status }
        price: databasesCreateFloatAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "price", required: false) { key status }
        tags: databasesCreateStringAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "tags", size: 20, required: false, array: true) { key status }
        search: databasesCreateIndex(databaseId: $databaseId, collectionId: $collectionId, key: "title_search", type: "fulltext", attributes: ["title"]) { key type }
      }`,
      address,
    );
    expect(attributes).toEqual({
      title: { key: 'title', status: 'available' },
      year: { key: 'year', status: 'available' },
      price: { key: 'price', status: 'available' },
      tags: { key: 'tags', status: 'available' },
      search: { key: 'title_search', type: 'fulltext' },
    });
  });

  // One book per kind of role the SDK's Role helper writes.
  const books = () => [
    { id: ID.custom('dune'), data: { title: 'Dune', year: 1965, price: 9.5, tags: ['scifi', 'classic'] }, permissions: [Permission.read(Role.any())] },
    { id: 'neuromancer', data: { title: 'Neuromancer', year: 1984, price: 7.25, tags: ['scifi', 'cyberpunk'] }, permissions: [Permission.read(Role.user('alice', 'verified'))] },
    { id: 'foundation', data: { title: 'Foundation', year: 1951, tags: ['scifi'] }, permissions: [Permission.read(Role.team('crew', 'owner'))] },
    { id: 'emma', data: { title: 'Emma', year: 1815, price: 3, tags: ['classic'] }, permissions: [Permission.read(Role.label('vip'))] },
    { id: 'hobbit', data: { title: 'The Hobbit', year: 1937, price: 8, tags: ['fantasy'] }, permissions: [Permission.read(Role.member(membershipId))] },
    { id: 'ulysses', data: { title: 'Ulysses', year: 1922, price: 12, tags: [] }, permissions: [Permission.read(Role.users())] },
    { id: 'secret', data: { title: 'Secret History', year: 2001, price: 11, tags: [] }, permissions: [Permission.read(Role.user('bob')), Permission.update(Role.user('bob'))] },
    { id: 'guestbook', data: { title: 'Guestbook', year: 1999, price: 1, tags: [] }, permissions: [Permission.read(Role.guests())] },
  ];

  it('creates documents with permissions built by Permission and Role', async () => {
    for (const book of books()) {
      const { databasesCreateDocument: doc } = await mutate(
        admin,
        `mutation($databaseId: String!, $collectionId: String!, $documentId: String!, $data: Json!, $permissions: [String!]) {
          databasesCreateDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: $documentId, data: $data, permissions: $permissions) { _id _permissions data }
        }`,
        { ...address, documentId: book.id, data: book.data, permissions: book.permissions },
      );
      expect(doc._id).toBe(book.id);
      expect(doc._permissions).toEqual(book.permissions);
      expect(JSON.parse(doc.data)).toMatchObject(book.data);
    }
    expect(Permission.read(Role.user('alice', 'verified'))).toBe('read("user:alice/verified")');
  });

  it.each([
    ['equal', [Query.equal('title', ['Dune'])], ['dune']],
    ['notEqual', [Query.notEqual('title', 'Dune'), Query.orderAsc('title')], ['emma', 'foundation', 'guestbook', 'neuromancer', 'secret', 'hobbit', 'ulysses']],
    ['lessThan', [Query.lessThan('year', 1900)], ['emma']],
    ['lessThanEqual + greaterThanEqual', [Query.greaterThanEqual('year', 1922), Query.lessThanEqual('year', 1937), Query.orderAsc('year')], ['ulysses', 'hobbit']],
    ['greaterThan', [Query.greaterThan('year', 1980), Query.orderDesc('year')], ['secret', 'guestbook', 'neuromancer']],
    ['between', [Query.between('year', 1930, 1960), Query.orderAsc('year')], ['hobbit', 'foundation']],
    ['startsWith', [Query.startsWith('title', 'Neu')], ['neuromancer']],
    ['endsWith', [Query.endsWith('title', 'ses')], ['ulysses']],
    ['contains on an array', [Query.contains('tags', ['classic']), Query.orderAsc('year')], ['emma', 'dune']],
    ['contains on a string', [Query.contains('title', 'bbi')], ['hobbit']],
    ['search', [Query.search('title', 'Hobbit')], ['hobbit']],
    ['isNull', [Query.isNull('price')], ['foundation']],
    ['isNotNull', [Query.isNotNull('price'), Query.lessThan('price', 5), Query.orderAsc('price')], ['guestbook', 'emma']],
    ['or', [Query.or([Query.equal('title', 'Dune'), Query.equal('year', 1815)]), Query.orderAsc('year')], ['emma', 'dune']],
    ['and', [Query.and([Query.greaterThan('year', 1900), Query.contains('tags', ['scifi'])]), Query.orderAsc('year')], ['foundation', 'dune', 'neuromancer']],
  ])('lists with Query.%s', async (_name, queries, expected) => {
    const page = await list(admin, queries);
    expect(page.ids).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });

  it('pages with Query.limit, offset and cursorAfter; total counts every match', async () => {
    expect(await list(admin, [Query.orderAsc('year'), Query.limit(3)])).toMatchObject({ ids: ['emma', 'ulysses', 'hobbit'], total: 8 });
    expect(await list(admin, [Query.orderDesc('year'), Query.offset(1), Query.limit(2)])).toMatchObject({ ids: ['guestbook', 'neuromancer'], total: 8 });
    expect(await list(admin, [Query.orderAsc('year'), Query.cursorAfter('hobbit'), Query.limit(2)])).toMatchObject({ ids: ['foundation', 'dune'], total: 8 });
  });

  it('selects attributes with Query.select', async () => {
    const page = await list(admin, [Query.select(['title']), Query.equal('year', 1965)]);
    expect(JSON.parse(page.documents[0]!.data)).toEqual({ title: 'Dune' });
  });

  it('gets, updates and deletes a document with the key', async () => {
    const { databasesGetDocument: got } = await dataOf(read(admin, GET, { ...address, documentId: 'dune' }));
    expect(JSON.parse(got.data)).toEqual({ title: 'Dune', year: 1965, price: 9.5, tags: ['scifi', 'classic'] });

    const { databasesUpdateDocument: updated } = await mutate(
      admin,
      `mutation($databaseId: String!, $collectionId: String!, $permissions: [String!]) {
        databasesUpdateDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: "dune", data: {price: 10}, permissions: $permissions) { _permissions data }
      }`,
      { ...address, permissions: [Permission.read(Role.any()), Permission.update(Role.user('alice'))] },
    );
    expect(JSON.parse(updated.data).price).toBe(10);
    expect(updated._permissions).toEqual(['read("any")', 'update("user:alice")']);

    const DELETE = 'mutation($databaseId: String!, $collectionId: String!) { databasesDeleteDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: "guestbook") { status } }';
    expect(await mutate(admin, DELETE, address)).toEqual({ databasesDeleteDocument: { status: true } });
    expect((await list(admin, [])).total).toBe(7);
  });

  it('surfaces a missing document as a GraphQL error in the result, not as a thrown AppwriteException', async () => {
    const error = await errorOf(read(admin, GET, { ...address, documentId: 'guestbook' }));
    expect(error).toEqual({ message: 'Document with the requested ID could not be found.', type: 'document_not_found', code: 404 });
  });

  it('reads as a user through setJWT only what the permissions grant', async () => {
    expect(await list(alice, [Query.orderAsc('year')])).toMatchObject({ ids: ['emma', 'ulysses', 'hobbit', 'foundation', 'dune', 'neuromancer'], total: 6 });
    expect(await list(bob, [Query.orderAsc('year')])).toMatchObject({ ids: ['ulysses', 'dune', 'secret'], total: 3 });
    expect(await list(alice, [Query.greaterThan('year', 1960)])).toMatchObject({ total: 2 });
    expect((await errorOf(read(alice, GET, { ...address, documentId: 'secret' }))).type).toBe('document_not_found');
    const { databasesGetDocument: dune } = await dataOf(read(alice, GET, { ...address, documentId: 'dune' }));
    expect(JSON.parse(dune.data).title).toBe('Dune');
  });

  it('writes as a user through setJWT where the permissions allow', async () => {
    const UPDATE = `mutation($databaseId: String!, $collectionId: String!, $documentId: String!) {
      databasesUpdateDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: $documentId, data: {price: 11}) { data }
    }`;
    expect(JSON.parse((await mutate(alice, UPDATE, { ...address, documentId: 'dune' })).databasesUpdateDocument.data).price).toBe(11);
    expect((await errorOf(alice.mutation({ query: { query: UPDATE, variables: { ...address, documentId: 'secret' } } }))).type).toBe('document_not_found');

    const CREATE = `mutation($databaseId: String!, $collectionId: String!, $documentId: String!) {
      databasesCreateDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: $documentId, data: {title: "Alice's notes"}) { _id _permissions }
    }`;
    const { databasesCreateDocument: created } = await mutate(alice, CREATE, { ...address, documentId: ID.unique() });
    // No permissions given: the creator gets read, update and delete, as in Appwrite.
    expect(created._permissions).toEqual([Permission.read(Role.user('alice')), Permission.update(Role.user('alice')), Permission.delete(Role.user('alice'))]);
    expect(await list(bob, [Query.equal('$id', created._id)])).toMatchObject({ total: 0 });
  });

  it('signs in a user server-side and acts as them through setSession', async () => {
    const { accountCreateEmailPasswordSession: session } = await mutate(admin, 'mutation { accountCreateEmailPasswordSession(email: "bob@example.com", password: "password-123") { userId secret } }');
    expect(session.userId).toBe('bob');
    const asBob = new Graphql(client().setSession(session.secret));
    expect(await dataOf(read(asBob, '{ accountGet { _id name } }'))).toEqual({ accountGet: { _id: 'bob', name: 'Bob' } });
    expect(await list(asBob, [])).toMatchObject({ total: 3 });
  });

  it('runs a batch passed as an array of operations, and throws AppwriteException for more than 10', async () => {
    const batch = (await admin.query({ query: [{ query: '{ databasesList { total } }' }, { query: GET, variables: { ...address, documentId: 'emma' } }] })) as { data: any }[];
    expect(batch.map((result) => result.data)).toEqual([{ databasesList: { total: 1 } }, { databasesGetDocument: expect.objectContaining({ _id: 'emma' }) }]);

    const tooMany = admin.query({ query: Array.from({ length: 11 }, () => ({ query: '{ databasesList { total } }' })) });
    await expect(tooMany).rejects.toThrow(AppwriteException);
    await expect(tooMany).rejects.toMatchObject({ code: 400, type: 'graphql_too_many_queries', message: 'Too many queries.' });
  });

  it('works without setProject, and refuses another project', async () => {
    const unnamed = new Graphql(new Client().setEndpoint(endpoint).setKey(ROOT_KEY));
    expect(await dataOf(read(unnamed, '{ databasesList { total } }'))).toEqual({ databasesList: { total: 1 } });
    const other = new Graphql(new Client().setEndpoint(endpoint).setProject('other').setKey(ROOT_KEY));
    expect((await errorOf(read(other, '{ databasesList { total } }'))).type).toBe('general_access_forbidden');
  });
});
