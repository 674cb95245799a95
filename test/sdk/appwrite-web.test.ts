import { Client, Graphql, ID, Permission, Query, Role } from 'appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { startStorageGateway, type StorageGateway } from '../support/storage-gateway.ts';
import { dataOf, errorOf } from './graphql-result.ts';

warnIfPostgresSkipped('appwrite web SDK');

/**
 * The web SDK's Graphql service under Node (global fetch), as a browser app would use it with a JWT its backend
 * handed out. It needs no browser globals for this: it reads window/localStorage only when they exist.
 */
describe.each(PROVIDERS)('appwrite (web) against the gateway on %s', (provider) => {
  let s: StorageGateway;
  let asAlice: Graphql;
  const address = { databaseId: 'web', collectionId: 'notes' };

  beforeAll(async () => {
    s = await startStorageGateway(provider);
    // The backend's part, with its API key: a collection users may write to, and a user with a JWT.
    await s.ok('mutation { databasesCreate(databaseId: "web", name: "Web") { _id } }');
    await s.ok('mutation($p: [String!]) { databasesCreateCollection(databaseId: "web", collectionId: "notes", name: "Notes", documentSecurity: true, permissions: $p) { _id } }', {
      p: [Permission.create(Role.users())],
    });
    await s.ok('mutation { databasesCreateStringAttribute(databaseId: "web", collectionId: "notes", key: "text", size: 100, required: true) { key } }');
    await s.ok('mutation { usersCreate(userId: "alice", email: "alice@example.com", password: "password-123", name: "Alice") { _id } }');
    await s.ok('mutation { databasesCreateDocument(databaseId: "web", collectionId: "notes", documentId: "public", data: {text: "for everyone"}, permissions: ["read(\\"any\\")"]) { _id } }');
    await s.ok('mutation { databasesCreateDocument(databaseId: "web", collectionId: "notes", documentId: "private", data: {text: "for the key only"}) { _id } }');
    const { jwt } = (await s.ok('mutation { usersCreateJWT(userId: "alice") { jwt } }')).usersCreateJWT;
    asAlice = new Graphql(new Client().setEndpoint(`${s.url}/v1`).setProject('default').setJWT(jwt));
  });
  afterAll(async () => s?.close());

  const LIST = `query($databaseId: String!, $collectionId: String!, $queries: [String!]) {
    databasesListDocuments(databaseId: $databaseId, collectionId: $collectionId, queries: $queries) { total documents { _id data } }
  }`;

  it('queries as the JWT user, who sees only what permissions grant', async () => {
    expect(await dataOf(asAlice.query({ query: { query: '{ accountGet { _id name } }' } }))).toEqual({ accountGet: { _id: 'alice', name: 'Alice' } });
    const { databasesListDocuments: page } = await dataOf(asAlice.query({ query: { query: LIST, variables: { ...address, queries: [Query.startsWith('text', 'for')] } } }));
    expect(page.total).toBe(1);
    expect(page.documents.map((doc: { _id: string }) => doc._id)).toEqual(['public']);
  });

  it('creates a document with a mutation, owned by the JWT user', async () => {
    const documentId = ID.unique();
    const { databasesCreateDocument: created } = await dataOf(
      asAlice.mutation({
        query: {
          query: `mutation($databaseId: String!, $collectionId: String!, $documentId: String!) {
            databasesCreateDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: $documentId, data: {text: "mine"}) { _id _permissions data }
          }`,
          variables: { ...address, documentId },
        },
      }),
    );
    expect(created).toEqual({ _id: documentId, _permissions: ['read("user:alice")', 'update("user:alice")', 'delete("user:alice")'], data: JSON.stringify({ text: 'mine' }) });
    const { databasesListDocuments: page } = await dataOf(asAlice.query({ query: { query: LIST, variables: { ...address, queries: [Query.orderAsc('text')] } } }));
    expect(page.documents.map((doc: { _id: string }) => doc._id)).toEqual(['public', documentId]);
  });

  it('answers a denied read with the error in the result', async () => {
    const GET = 'query { databasesGetDocument(databaseId: "web", collectionId: "notes", documentId: "private") { _id } }';
    expect(await errorOf(asAlice.query({ query: { query: GET } }))).toMatchObject({ type: 'document_not_found', code: 404 });
  });

  it('keeps a guest\'s sign-in as the SDK does in a browser without cookies: localStorage and X-Fallback-Cookies', async () => {
    // The two browser globals the SDK looks for; nothing else of a browser.
    const stored = new Map<string, string>();
    const localStorage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v), removeItem: (k: string) => void stored.delete(k) };
    const global = globalThis as { window?: unknown };
    global.window = { localStorage, console: { warn: () => undefined } };
    try {
      const graphql = new Graphql(new Client().setEndpoint(`${s.url}/v1`).setProject('default'));
      const SIGN_IN = 'mutation { accountCreateEmailPasswordSession(email: "alice@example.com", password: "password-123") { _id userId secret } }';
      const { accountCreateEmailPasswordSession: session } = await dataOf(graphql.mutation({ query: { query: SIGN_IN } }));
      expect(session).toMatchObject({ userId: 'alice', secret: '' });
      expect(Object.keys(JSON.parse(stored.get('cookieFallback')!))).toEqual(['a_session_default']);
      expect(await dataOf(graphql.query({ query: { query: '{ accountGet { _id } }' } }))).toEqual({ accountGet: { _id: 'alice' } });
      await dataOf(graphql.mutation({ query: { query: 'mutation { accountDeleteSession(sessionId: "current") { status } }' } }));
      expect(await errorOf(graphql.query({ query: { query: '{ accountGet { _id } }' } }))).toMatchObject({ type: 'general_unauthorized_scope' });
    } finally {
      delete global.window;
    }
  });

  it('lets a page of any origin read the headers it needs (session, fallback cookies, request ID, rate limits)', async () => {
    const response = await fetch(`${s.url}/v1/graphql`, { method: 'POST', headers: { origin: 'https://app.example', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-expose-headers')?.split(', ')).toEqual(expect.arrayContaining(['X-Appwrite-Session', 'X-Fallback-Cookies', 'X-Request-Id', 'X-RateLimit-Remaining']));
  });
});
