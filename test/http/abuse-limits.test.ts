import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY, startGateway, type GraphQLResponse, type TestGateway } from '../support/gateway.ts';

// Limits of the GraphQL request, not of storage: SQLite only.
describe('abuse limits with the default configuration', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('sqlite');
  });
  afterAll(async () => t?.close());

  const post = (body: string, headers: Record<string, string> = { 'x-appwrite-key': ROOT_KEY }) =>
    t.request('/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  /**
   * The one limit error of a refused operation, with no data at all (nothing ran). Asked as
   * application/graphql-response+json, whose status follows the errors (application/json answers 200, as Appwrite).
   */
  async function refused(query: string, key: string | null = ROOT_KEY) {
    const response = await post(JSON.stringify({ query }), { accept: 'application/graphql-response+json', ...(key ? { 'x-appwrite-key': key } : {}) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLResponse;
    expect(body.data).toBeUndefined();
    const limits = body.errors?.filter((error) => error.extensions?.type === 'general_argument_invalid') ?? [];
    expect(limits, JSON.stringify(body.errors)).toHaveLength(1);
    expect(limits[0]!.extensions).toEqual({ type: 'general_argument_invalid', code: 400 });
    return limits[0]!.message;
  }

  it("runs the README walk-through's operations, which stay under every limit", async () => {
    await t.ok('mutation { databasesCreate(databaseId: "library", name: "Library") { _id } }');
    await t.ok('mutation { databasesCreateCollection(databaseId: "library", collectionId: "books", name: "Books", permissions: ["read(\\"any\\")"]) { _id _permissions } }');
    await t.ok(`mutation {
      title: databasesCreateStringAttribute(databaseId: "library", collectionId: "books", key: "title", size: 128, required: true) { key status }
      year: databasesCreateIntegerAttribute(databaseId: "library", collectionId: "books", key: "year", required: false, min: 0, max: 3000) { key }
      tags: databasesCreateStringAttribute(databaseId: "library", collectionId: "books", key: "tags", size: 32, required: false, array: true) { key }
    }`);
    await t.ok('mutation { databasesCreateDocument(databaseId: "library", collectionId: "books", documentId: "unique()", data: { title: "Dune", year: 1965, tags: ["scifi"] }) { _id _createdAt data } }');
    const listed = await t.ok(
      `query {
        databasesListDocuments(databaseId: "library", collectionId: "books", queries: [
          "{\\"method\\":\\"greaterThan\\",\\"attribute\\":\\"year\\",\\"values\\":[1900]}",
          "{\\"method\\":\\"orderDesc\\",\\"attribute\\":\\"year\\"}",
          "{\\"method\\":\\"limit\\",\\"values\\":[10]}"
        ]) { total documents { _id data } }
      }`,
      undefined,
      { key: null },
    );
    expect(listed.databasesListDocuments.total).toBe(1);
  });

  const limit = (n: number) => JSON.stringify({ method: 'limit', values: [n] });
  const refusedCost = (cost: number) => `Max query complexity should be 250 but got ${cost}.`;

  it('weighs a list by the limit it asks for: refuses one above the complexity limit (250), runs one at or below it', async () => {
    // Appwrite's weighing: (documents 1 + 3 leaves) × limit.
    const list = (queries: string) => `{ databasesListDocuments(databaseId: "library", collectionId: "books", queries: ${queries}) { documents { _id _createdAt data } } }`;
    expect(await refused(list(JSON.stringify([limit(100)])))).toBe(refusedCost(400));
    expect(await refused(list(JSON.stringify([limit(63)])))).toBe(refusedCost(252));
    expect((await t.ok(list(JSON.stringify([limit(62)])))).databasesListDocuments.documents).toHaveLength(1);
    expect((await t.ok(list(JSON.stringify([limit(10)])))).databasesListDocuments.documents).toHaveLength(1);
    // Without a limit query, Appwrite's default page of 25: 100. The first limit counts, as the list takes it.
    await t.ok(list('[]'));
    expect(await refused(list(JSON.stringify([limit(100), limit(10)])))).toBe(refusedCost(400));
    // Aliased lists add up: 2 × (total 1 + documents 1 + 1 leaf) × 25 = 150, 3 of them 225, 4 of them 300.
    const lists = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `l${i}: databasesListDocuments(databaseId: "library", collectionId: "books") { total documents { _id } }`).join(' ')} }`;
    expect((await t.ok(lists(3)))['l2'].total).toBe(1);
    expect(await refused(lists(4))).toBe(refusedCost(300));
  });

  it('weighs a list by the limit its variables ask for, each request of the same document anew', async () => {
    const query = 'query List($q: [String!]) { databasesListDocuments(databaseId: "library", collectionId: "books", queries: $q) { total documents { _id data } } }';
    const asked = (variables: Record<string, unknown>) =>
      post(JSON.stringify({ query, variables }), { accept: 'application/graphql-response+json', 'x-appwrite-key': ROOT_KEY });
    const tooMuch = await asked({ q: [limit(100)] });
    expect(tooMuch.status).toBe(400);
    expect(await tooMuch.json()).toEqual({ errors: [{ message: refusedCost(400), extensions: { type: 'general_argument_invalid', code: 400 } }] });
    for (const variables of [{ q: [limit(10)] }, {}, { q: null }]) {
      const answer = await asked(variables);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as GraphQLResponse).data?.databasesListDocuments.total).toBe(1);
    }
    // application/json answers 200 with the same error, as Appwrite does.
    const plain = await post(JSON.stringify({ query, variables: { q: [limit(100)] } }));
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as GraphQLResponse).errors?.[0]?.message).toBe(refusedCost(400));
  });

  it('refuses depth beyond 3 levels below a top-level field; the schema nests 2 at most', async () => {
    const deepest = await t.ok('{ databasesListCollections(databaseId: "library") { collections { attributes { ... on AttributeString { key size } } } } }');
    expect(deepest.databasesListCollections.collections[0].attributes).toHaveLength(3);
    // Fields inside fragments count where they are spread: d is 3 below a, e 4.
    expect(await refused('{ a { b { c { ...F } } } } fragment F on X { d { e { f } } }')).toBe('Query depth limit of 3 exceeded (levels below a top-level field).');
  });

  it('refuses more than 50 aliases (__typename aliases are free)', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: databasesGet(databaseId: "library") { name }`).join(' ')} t1: __typename t2: __typename }`;
    expect(Object.keys(await t.ok(aliased(50)))).toHaveLength(52);
    expect(await refused(aliased(51))).toBe('Aliases limit of 50 exceeded, found 51.');
  });

  it('refuses a document of more than 1000 tokens while parsing it', async () => {
    // `{ databasesList(queries: [ … ]) { total } }` is 12 tokens besides the list's strings (commas are none).
    const withStrings = (n: number) => `{ databasesList(queries: [${Array.from({ length: n }, () => '"x"').join(',')}]) { total } }`;
    // Parsed and run: the resolver refuses "x" as an Appwrite query.
    expect((await t.gql(withStrings(988))).errors?.[0]?.extensions?.type).toBe('general_query_invalid');
    expect(await refused(withStrings(989))).toBe('Token limit of 1000 exceeded.');
  });

  it('refuses more than 50 directives', async () => {
    const directed = (n: number) => `{ databasesGet(databaseId: "library") { ${'name @include(if: true) '.repeat(n)} } }`;
    expect((await t.ok(directed(50))).databasesGet.name).toBe('Library');
    expect(await refused(directed(51))).toBe('Directives limit of 50 exceeded, found 51.');
  });

  it('shows field suggestions to API keys only; the validation cache does not carry them across callers', async () => {
    const typo = '{ databasesLis { total } }';
    const suggested = 'Cannot query field "databasesLis" on type "Query". Did you mean "databasesList"';
    const hidden = 'Cannot query field "databasesLis" on type "Query".';
    expect((await t.gql(typo)).errors?.[0]?.message).toContain(suggested);
    expect((await t.gql(typo, undefined, { key: null })).errors?.[0]?.message).toBe(hidden);
    expect((await t.gql(typo, undefined, { key: 'not-a-key' })).errors?.[0]?.message).toBe(hidden);
    expect((await t.gql(typo)).errors?.[0]?.message).toContain(suggested);
    // In a batch every answer is filtered.
    const batch = await post(JSON.stringify([{ query: typo }, { query: 'query($q: [String!]) { databasesList(queries: $q, serch: "x") { total } }' }]), {});
    const messages = ((await batch.json()) as GraphQLResponse[]).flatMap((answer) => answer.errors?.map((error) => error.message) ?? []);
    expect(messages).toEqual([hidden, 'Unknown argument "serch" on field "Query.databasesList".']);
  });

  it('answers introspection when it is enabled (the default), to guests too', async () => {
    const introspected = await t.ok('{ __schema { queryType { name } } __type(name: "Database") { name } }', undefined, { key: null });
    expect(introspected).toEqual({ __schema: { queryType: { name: 'Query' } }, __type: { name: 'Database' } });
    // What GraphiQL asks on load: deep and wide, but introspection is left out of the cost and depth counts.
    const graphiql = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true });
    expect((await t.ok(graphiql, undefined, { key: null })).__schema.queryType.name).toBe('Query');
  });

  it('refuses a batch of 11 operations with nothing executed, and runs 10', async () => {
    const create = (i: number) => ({ query: `mutation { databasesCreateDocument(databaseId: "library", collectionId: "books", documentId: "batch${i}", data: { title: "t${i}" }) { _id } }` });
    const count = async () => (await t.ok('{ databasesListDocuments(databaseId: "library", collectionId: "books") { total } }')).databasesListDocuments.total;
    const tooMany = await post(JSON.stringify(Array.from({ length: 11 }, (_, i) => create(i))));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({ errors: [{ message: 'Too many queries.', extensions: { type: 'graphql_too_many_queries', code: 400 } }] });
    expect(await count()).toBe(1);
    const ten = await post(JSON.stringify(Array.from({ length: 10 }, (_, i) => create(i))));
    expect(((await ten.json()) as GraphQLResponse[]).every((answer) => !answer.errors)).toBe(true);
    expect(await count()).toBe(11);
  });
});

describe('abuse limits configured tighter', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('sqlite', { GRAPHQL_INTROSPECTION: 'false', GRAPHQL_MAX_DEPTH: '1', GRAPHQL_MAX_COMPLEXITY: '20', MAX_BODY_BYTES: '4096' });
  });
  afterAll(async () => t?.close());

  const typeOf = (result: GraphQLResponse) => result.errors?.map((error) => error.extensions?.type);

  it('refuses introspection to every caller, API keys included, and still answers __typename', async () => {
    for (const key of [ROOT_KEY, null]) {
      const schema = await t.gql('{ __schema { queryType { name } } }', undefined, { key });
      expect(schema).toEqual({
        errors: [
          {
            message: 'GraphQL introspection is disabled, but the query contained the field "__schema".',
            extensions: { type: 'general_argument_invalid', code: 400 },
          },
        ],
      });
      expect(typeOf(await t.gql('{ __type(name: "Query") { name } }', undefined, { key }))).toEqual(['general_argument_invalid']);
    }
    expect(await t.ok('{ __typename }')).toEqual({ __typename: 'Query' });
  });

  it('applies GRAPHQL_MAX_DEPTH as Appwrite counts depth', async () => {
    expect((await t.ok('{ databasesList(queries: ["{\\"method\\":\\"limit\\",\\"values\\":[5]}"]) { databases { _id } } }')).databasesList.databases).toEqual([]);
    const twoBelow = '{ databasesListCollections(databaseId: "none") { collections { attributes { ... on AttributeString { key } } } } }';
    expect(await t.gql(twoBelow)).toEqual({ errors: [{ message: 'Query depth limit of 1 exceeded (levels below a top-level field).', extensions: { type: 'general_argument_invalid', code: 400 } }] });
  });

  it('runs none of the mutations of an operation above the complexity limit; weighs a batch operation by operation', async () => {
    // Each create costs 1 + 2 leaves: six cost 18, seven 21. A page of one database's total costs 1.
    const creates = (n: number, from = 0) =>
      `mutation { ${Array.from({ length: n }, (_, i) => `c${i}: databasesCreate(databaseId: "db${from + i}", name: "x") { _id name }`).join(' ')} }`;
    const count = async () => (await t.ok('{ databasesList(queries: ["{\\"method\\":\\"limit\\",\\"values\\":[1]}"]) { total } }')).databasesList.total;
    expect(await t.gql(creates(7))).toEqual({ errors: [{ message: 'Max query complexity should be 20 but got 21.', extensions: { type: 'general_argument_invalid', code: 400 } }] });
    expect(await count()).toBe(0);
    await t.ok(creates(6));
    expect(await count()).toBe(6);
    // In a batch, the refused operation runs none of its mutations and the others run; costs are not added up.
    const batch = await t.request('/v1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-key': ROOT_KEY },
      body: JSON.stringify([{ query: creates(7, 10) }, { query: creates(6, 20) }]),
    });
    const [refused, ran] = (await batch.json()) as GraphQLResponse[];
    expect(typeOf(refused!)).toEqual(['general_argument_invalid']);
    expect(refused!.data).toBeUndefined();
    expect(ran!.errors).toBeUndefined();
    expect(await count()).toBe(12);
  });

  it('refuses a body above MAX_BODY_BYTES, announced or streamed, before parsing it', async () => {
    const body = JSON.stringify({ query: '{ databasesList { total } }', variables: { padding: 'x'.repeat(8192) } });
    const headers = { 'content-type': 'application/json', 'x-appwrite-key': ROOT_KEY };
    const announced = await t.request('/v1/graphql', { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, body });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const streamed = await t.request('/v1/graphql', { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit);
    for (const response of [announced, streamed]) {
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ errors: [{ message: 'Request body too large: the limit is 4096 bytes', extensions: { type: 'general_argument_invalid', code: 413 } }] });
    }
  });
});
