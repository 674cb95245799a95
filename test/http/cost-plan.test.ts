import { getIntrospectionQuery, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { listFieldsOf, operationCost, planOperation, type CostPlan } from '../../src/http/cost-plan.ts';
import { loadRateLimitConfig } from '../../src/rate-limit/config.ts';
import { buildSchema } from '../../src/schema/schema.ts';

const schema = buildSchema(loadRateLimitConfig({}));

/** The plan of a document's operation; planOperation expects a validated document, as execution has. */
function plan(source: string, operationName?: string): CostPlan {
  const document = parse(source);
  expect(validate(schema, document)).toEqual([]);
  return planOperation(schema, document, operationName);
}

const cost = (source: string, variables?: Record<string, unknown>) => operationCost(plan(source), variables);

const limit = (n: unknown) => JSON.stringify({ method: 'limit', values: [n] });
const literal = (queries: string[]) => JSON.stringify(queries);
/** `databasesList(…) { total databases { _id name } }`: (1 + 1 + 2) per database. */
const databases = (queries?: string) => `databasesList${queries === undefined ? '' : `(queries: ${queries})`} { total databases { _id name } }`;

describe('the list fields', () => {
  it('are the Query fields with a queries argument that return a page', () => {
    expect([...listFieldsOf(schema)].map((field) => field.name).sort()).toEqual([
      'databasesList', 'databasesListAttributes', 'databasesListCollections', 'databasesListDocuments', 'databasesListIndexes',
      'storageListBuckets', 'storageListFiles', 'teamsList', 'teamsListMemberships', 'tokensList', 'usersList', 'usersListMemberships',
    ]);
    // databasesGetDocument takes (select) queries but returns one document; the bulk mutations are not Query fields.
    expect(cost(`{ databasesGetDocument(databaseId: "d", collectionId: "c", documentId: "x", queries: [${JSON.stringify(limit(100))}]) { _id data } }`)).toBe(3);
    expect(cost(`mutation { databasesUpdateDocuments(databaseId: "d", collectionId: "c", queries: [${JSON.stringify(limit(1000))}]) { total documents { _id } } }`)).toBe(4);
  });
});

describe('the cost of an operation', () => {
  it('is 1 per leaf and 1 plus its selection per object field', () => {
    expect(cost('{ accountGet { _id name email } }')).toBe(4);
    expect(cost('mutation { a: databasesCreate(databaseId: "a", name: "A") { _id name } b: databasesCreate(databaseId: "b", name: "B") { _id } }')).toBe(5);
  });

  it('multiplies a list by its first limit query, written in the document: one number, planned once', () => {
    const written = `{ ${databases(literal([JSON.stringify({ method: 'orderAsc', attribute: 'name' }), limit(10), limit(500)]))} }`;
    expect(plan(written)).toBe(40);
    const document = parse(written);
    expect(planOperation(schema, document)).toBe(planOperation(schema, document));
    // A single string stands for a list of one.
    expect(cost(`{ ${databases(JSON.stringify(limit(3)))} }`)).toBe(12);
  });

  it('weighs a list without a limit query as a page of 25', () => {
    expect(cost(`{ ${databases()} }`)).toBe(100);
    expect(cost(`{ ${databases('[]')} }`)).toBe(100);
    expect(cost(`{ ${databases(literal([JSON.stringify({ method: 'equal', attribute: 'name', values: ['x'] })]))} }`)).toBe(100);
  });

  it('weighs a list as a page of 25 when its queries are malformed up to the limit, which the list refuses', () => {
    for (const queries of [['not json', limit(10)], [limit('10')], [limit(2.5)], [limit(0)], [limit(-3)], ['{"method":"limit"}'], ['[]']]) {
      expect(cost(`{ ${databases(literal(queries))} }`), JSON.stringify(queries)).toBe(100);
    }
    // Beyond the configured maximum it is weighed as asked: the list refuses it as well, and it is well over the limit.
    expect(cost(`{ ${databases(literal([limit(100_000)]))} }`)).toBe(400_000);
  });

  it('reads limits from variables per request, with the variables’ defaults', () => {
    const list = plan(`query($q: [String!]) { ${databases('$q')} }`);
    expect(typeof list).toBe('object');
    expect(operationCost(list, { q: [limit(5)] })).toBe(20);
    expect(operationCost(list, { q: [limit(100)] })).toBe(400);
    expect(operationCost(list, { q: limit(2) })).toBe(8);
    for (const variables of [undefined, {}, { q: null }, { q: [] }, { q: ['bad'] }, { q: [7] }]) expect(operationCost(list, variables)).toBe(100);

    const withDefault = plan(`query($q: [String!] = [${JSON.stringify(limit(3))}]) { ${databases('$q')} }`);
    expect(operationCost(withDefault, {})).toBe(12);
    expect(operationCost(withDefault, { q: null })).toBe(100);
    expect(operationCost(withDefault, { q: [limit(1)] })).toBe(4);

    // Items of a written list may be variables too; the first limit among them all counts.
    const items = plan(`query($a: String!, $b: String!) { ${databases(`[$a, ${JSON.stringify(limit(6))}, $b]`)} }`);
    expect(operationCost(items, { a: JSON.stringify({ method: 'offset', values: [1] }), b: limit(50) })).toBe(24);
    expect(operationCost(items, { a: limit(2), b: limit(50) })).toBe(8);
  });

  it('counts aliased fields each, and adds the lists of an operation up', () => {
    expect(cost(`{ a: ${databases(literal([limit(10)]))} b: ${databases(literal([limit(10)]))} c: accountGet { _id } }`)).toBe(82);
  });

  it('multiplies only the list operations: a list of objects inside a page is a plain field', () => {
    // collections: 1 + (attributes: 1 + 1) = 3 a collection, attributes not multiplied.
    expect(cost('{ databasesListCollections(databaseId: "d") { collections { attributes { ... on AttributeString { key } } } } }')).toBe(75);
  });

  it('weighs fragments where they are spread, and sums the inline fragments of an abstract type', () => {
    const attributes = '... on AttributeString { key size } ... on AttributeInteger { key min max }';
    // attributes 1 + 2 + 3, collections 1 + that, × 25.
    expect(cost(`{ databasesListCollections(databaseId: "d") { collections { attributes { ${attributes} } } } }`)).toBe(175);
    expect(cost(`{ databasesListCollections(databaseId: "d") { collections { attributes { ...A } } } } fragment A on AttributeString { key size }`)).toBe(100);
    // A fragment spread twice costs twice; spread onto the Query, its list is multiplied where it lands.
    expect(cost(`{ ...Lists } fragment Lists on Query { one: ${databases(literal([limit(2)]))} ...Page ...Page } fragment Page on Query { ${databases(literal([limit(1)]))} }`)).toBe(16);
    expect(operationCost(plan(`query($q: [String!]) { ...L ...L } fragment L on Query { ${databases('$q')} }`), { q: [limit(5)] })).toBe(40);
  });

  it('plans fragments once however often they are spread', () => {
    // F0 spreads F1 twice, F1 spreads F2 twice, …: 2^40 spreads of F40's one field.
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const started = performance.now();
    expect(operationCost(plan(`query($q: [String!]) { ...F0 } ${fragments} fragment F40 on Query { ${databases('$q')} }`), { q: [limit(1)] })).toBe(2 ** 40 * 4);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('leaves out selections @skip or @include leave out, for literals and variables', () => {
    expect(cost(`{ ${databases()} accountGet @skip(if: true) { _id } }`)).toBe(100);
    expect(cost(`{ ${databases()} accountGet @include(if: true) { _id } }`)).toBe(102);
    const skipped = plan(`query($skip: Boolean!, $with: Boolean = true) { accountGet { _id } ... @skip(if: $skip) { ${databases()} } ...Page @include(if: $with) } fragment Page on Query { page: ${databases(literal([limit(1)]))} }`);
    expect(operationCost(skipped, { skip: true })).toBe(6);
    expect(operationCost(skipped, { skip: false, with: false })).toBe(102);
    expect(operationCost(skipped, { skip: false })).toBe(106);
  });

  it('costs nothing for introspection and __typename', () => {
    expect(cost(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true }))).toBe(0);
    expect(cost('{ __typename __type(name: "Query") { name fields { name } } databasesList { __typename total } }')).toBe(25);
  });

  it('is planned per operation of a document, and is 0 for an operation the document does not have', () => {
    const document = parse(`query Small { accountGet { _id } } query Large { ${databases()} } mutation Create { databasesCreate(databaseId: "a", name: "A") { _id } }`);
    expect(validate(schema, document)).toEqual([]);
    expect(planOperation(schema, document, 'Small')).toBe(2);
    expect(planOperation(schema, document, 'Large')).toBe(100);
    expect(planOperation(schema, document, 'Create')).toBe(2);
    // Execution refuses these itself.
    expect(planOperation(schema, document, 'Other')).toBe(0);
    expect(planOperation(schema, document)).toBe(0);
  });
});
