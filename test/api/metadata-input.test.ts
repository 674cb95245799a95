import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCHEMA_CHANGE_TRANSACTION } from '../../src/metadata/catalog.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { q } from './fixtures.ts';

warnIfPostgresSkipped('metadata input checks');

const CREATE = `mutation($id: String!, $attributes: [Json!], $indexes: [Json!]) {
  databasesCreateCollection(databaseId: "db", collectionId: $id, name: "C", attributes: $attributes, indexes: $indexes) {
    _id attributes { __typename key ... on AttributeString { encrypt } } indexes { key }
  }
}`;

/** Attributes every index case below can refer to. */
const GOOD_ATTRIBUTES = [{ key: 'n', type: 'integer', required: false }];

describe.each(PROVIDERS)('metadata input checks on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(provider);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "Db") { _id } }');
  });
  afterAll(async () => t?.close());

  const collectionIds = async () =>
    (await t.ok('{ databasesListCollections(databaseId: "db") { collections { _id } } }')).databasesListCollections.collections.map((c: { _id: string }) => c._id);

  describe('databasesCreateCollection with malformed attributes', () => {
    it.each([
      ['an unknown type', [{ key: 'a', type: 'bogus' }], 'attributes[0]: Invalid `type` param'],
      ['a type that is not a string', [{ key: 'a', type: 3 }], 'attributes[0]: Invalid `type` param'],
      ['no type', [{ key: 'a' }], 'attributes[0]: Invalid `type` param'],
      ['an unknown string format', [{ key: 'a', type: 'string', format: 'phone', size: 5 }], 'attributes[0]: Invalid `format` param'],
      ['elements that are a string', [{ key: 'e', type: 'string', format: 'enum', elements: 'abc' }], 'attributes[0]: Invalid `elements` param'],
      ['no key', [{ type: 'string', size: 10 }], 'attributes[0]: Invalid `key` param'],
      ['a key that is not a string', [{ key: 12, type: 'string', size: 10 }], 'attributes[0]: Invalid `key` param'],
      ['required that is not a boolean', [{ key: 'a', type: 'boolean', required: 'yes' }], 'attributes[0]: Invalid `required` param'],
      ['array that is not a boolean', [{ key: 'a', type: 'boolean', array: 1 }], 'attributes[0]: Invalid `array` param'],
      ['a size that is not a number', [{ key: 'a', type: 'string', size: '10' }], 'attributes[0]: Invalid `size` param'],
      ['a bad second item', [{ key: 'a', type: 'boolean' }, { key: 'b', type: 'integer', min: 'low' }], 'attributes[1]: Invalid `min` param'],
      ['an item that is not an object', [GOOD_ATTRIBUTES[0], 'title'], 'Invalid `attributes` param: Item 1 must be a JSON object'],
      ['an item that is a list', [['a', 'string']], 'Invalid `attributes` param: Item 0 must be a JSON object'],
    ])('refuses %s, naming it, and creates nothing', async (_, attributes, message) => {
      const result = await t.gql(CREATE, { id: 'c', attributes });
      expect(result.errors?.[0]?.extensions?.type).toBe('general_argument_invalid');
      expect(result.errors?.[0]?.message).toContain(message);
      expect(await collectionIds()).toEqual([]);
    });
  });

  describe('databasesCreateCollection with malformed indexes', () => {
    it.each([
      ['no attributes', { key: 'i', type: 'key' }, 'indexes[0]: Invalid `attributes` param'],
      ['attributes that are a string', { key: 'i', type: 'key', attributes: 'n' }, 'indexes[0]: Invalid `attributes` param'],
      ['attributes that are not strings', { key: 'i', type: 'key', attributes: [1] }, 'indexes[0]: Invalid `attributes` param'],
      ['no key', { type: 'key', attributes: ['n'] }, 'indexes[0]: Invalid `key` param'],
      ['a type that is not a string', { key: 'i', type: ['key'], attributes: ['n'] }, 'indexes[0]: Invalid `type` param'],
      ['orders that are a string', { key: 'i', type: 'key', attributes: ['n'], orders: 'asc' }, 'indexes[0]: Invalid `orders` param'],
      ['an unknown order', { key: 'i', type: 'key', attributes: ['n'], orders: ['up'] }, 'indexes[0]: Invalid `orders` param'],
      ['lengths that are not numbers', { key: 'i', type: 'key', attributes: ['n'], lengths: ['x'] }, 'indexes[0]: Invalid `lengths` param'],
      ['an item that is not an object', 5, 'Invalid `indexes` param: Item 0 must be a JSON object'],
    ])('refuses %s, naming it, and creates nothing', async (_, index, message) => {
      const result = await t.gql(CREATE, { id: 'c', attributes: GOOD_ATTRIBUTES, indexes: [index] });
      expect(result.errors?.[0]?.extensions?.type).toBe('general_argument_invalid');
      expect(result.errors?.[0]?.message).toContain(message);
      expect(await collectionIds()).toEqual([]);
    });

    it('says which index broke a rule of its own kind', async () => {
      const result = await t.gql(CREATE, { id: 'c', attributes: GOOD_ATTRIBUTES, indexes: [{ key: 'ok', type: 'key', attributes: ['n'] }, { key: 'i', type: 'key', attributes: ['gone'] }] });
      expect(result.errors?.[0]?.extensions?.type).toBe('attribute_unknown');
      expect(result.errors?.[0]?.message).toMatch(/^indexes\[1\]: Unknown attribute: gone/);
      expect(await collectionIds()).toEqual([]);
    });
  });

  it('accepts Appwrite attribute models as JSON: "double" or "float", formats, datetime\'s own format, encrypt', async () => {
    const attributes = [
      { key: 'd', type: 'double', required: false },
      { key: 'f', type: 'float', required: false, min: 0 },
      { key: 'mail', type: 'string', format: 'email', size: 254, required: false },
      { key: 'when', type: 'datetime', format: 'datetime', required: false },
      { key: 'secret', type: 'string', size: 200, required: false, encrypt: true },
    ];
    const created = await t.ok(CREATE, { id: 'models', attributes });
    expect(created.databasesCreateCollection.attributes).toEqual([
      { __typename: 'AttributeFloat', key: 'd' },
      { __typename: 'AttributeFloat', key: 'f' },
      { __typename: 'AttributeEmail', key: 'mail' },
      { __typename: 'AttributeDatetime', key: 'when' },
      { __typename: 'AttributeString', key: 'secret', encrypt: true },
    ]);
    await t.ok('mutation { databasesDeleteCollection(databaseId: "db", collectionId: "models") { status } }');
  });

  describe('metadata list queries with values of the wrong type', () => {
    beforeAll(async () => {
      await t.ok(CREATE, { id: 'listed', attributes: GOOD_ATTRIBUTES, indexes: [{ key: 'by_n', type: 'key', attributes: ['n'] }] });
    });
    afterAll(async () => {
      await t.ok('mutation { databasesDeleteCollection(databaseId: "db", collectionId: "listed") { status } }');
    });

    const lists = {
      databases: '{ databasesList(queries: $q) { total } }',
      collections: '{ databasesListCollections(databaseId: "db", queries: $q) { total } }',
      attributes: '{ databasesListAttributes(databaseId: "db", collectionId: "listed", queries: $q) { total } }',
      indexes: '{ databasesListIndexes(databaseId: "db", collectionId: "listed", queries: $q) { total } }',
    };
    const list = (which: keyof typeof lists, queries: string[]) => t.gql(`query($q: [String!]) ${lists[which]}`, { q: queries });

    it.each([
      ['databases', q('equal', 'name', [1])],
      ['databases', q('startsWith', 'enabled', ['x'])],
      ['databases', q('equal', 'enabled', ['true'])],
      ['collections', q('notEqual', '$id', [null])],
      ['collections', q('equal', 'documentSecurity', [0])],
      ['attributes', q('equal', 'size', ['10'])],
      ['attributes', q('equal', 'size', [2 ** 40])],
      ['attributes', q('startsWith', 'required', ['t'])],
      ['indexes', q('equal', 'key', [true])],
      ['indexes', q('equal', 'toString', ['x'])],
    ] as const)('%s: refuses %s as general_query_invalid', async (which, query) => {
      const result = await list(which, [query]);
      expect(result.errors?.[0]?.extensions?.type).toBe('general_query_invalid');
    });

    it('still answers well-typed queries', async () => {
      expect((await list('databases', [q('equal', 'enabled', [true])])).data?.databasesList.total).toBe(1);
      expect((await list('collections', [q('startsWith', 'name', ['C'])])).data?.databasesListCollections.total).toBe(1);
      expect((await list('attributes', [q('equal', 'required', [false])])).data?.databasesListAttributes.total).toBe(1);
      expect((await list('indexes', [q('equal', 'key', ['by_n'])])).data?.databasesListIndexes.total).toBe(1);
    });
  });

  it('gives every schema-changing transaction the long timeout', async () => {
    const transaction = vi.spyOn(t.db.prisma, '$transaction');
    try {
      await t.ok('mutation { databasesCreate(databaseId: "gone", name: "Gone") { _id } }');
      await t.ok(`mutation($attributes: [Json!], $indexes: [Json!]) {
        databasesCreateCollection(databaseId: "gone", collectionId: "c", name: "C", attributes: $attributes, indexes: $indexes) { _id }
      }`, { attributes: GOOD_ATTRIBUTES, indexes: [{ key: 'by_n', type: 'key', attributes: ['n'] }] });
      await t.ok('mutation { databasesCreateIndex(databaseId: "gone", collectionId: "c", key: "by_n_desc", type: "key", attributes: ["n"], orders: ["desc"]) { key } }');
      await t.ok('mutation { databasesDeleteIndex(databaseId: "gone", collectionId: "c", key: "by_n") { status } }');
      await t.ok('mutation { databasesDeleteCollection(databaseId: "gone", collectionId: "c") { status } }');
      await t.ok('mutation { databasesCreateCollection(databaseId: "gone", collectionId: "d", name: "D") { _id } }');
      await t.ok('mutation { databasesDeleteDatabase: databasesDelete(databaseId: "gone") { status } }');
      // createCollection twice, createIndex, deleteIndex, deleteCollection, deleteDatabase.
      expect(transaction).toHaveBeenCalledTimes(6);
      for (const [, options] of transaction.mock.calls) expect(options).toEqual(SCHEMA_CHANGE_TRANSACTION);
    } finally {
      transaction.mockRestore();
    }
  });
});
