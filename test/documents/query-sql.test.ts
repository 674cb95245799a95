import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlParams, type Dialect } from '../../src/db/dialect.ts';
import type { SqlRow } from '../../src/db/sql.ts';
import { encodeValue } from '../../src/documents/codec.ts';
import { addColumnStatement, createIndexStatements, createTableStatements } from '../../src/documents/ddl.ts';
import { buildCollectionShape, columnName, tableName, type CollectionShape, type IndexDef } from '../../src/documents/model.ts';
import type { FilterNode, ParsedQueries } from '../../src/documents/queries/ast.ts';
import { buildCountSql, buildListSql, type ListSqlOptions } from '../../src/documents/queries/compile.ts';
import { parseQueries } from '../../src/documents/queries/parse.ts';
import { AppwriteError } from '../../src/errors/appwrite-error.ts';
import { attribute, BOOK_ATTRIBUTES } from '../support/attributes.ts';

// ---- databases -----------------------------------------------------------------------------------------

interface TestDb {
  dialect: Dialect;
  all(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  close(): Promise<void>;
}

function openSqlite(): Promise<TestDb> {
  const db = new Database(':memory:');
  db.defaultSafeIntegers(true);
  return Promise.resolve({
    dialect: 'sqlite',
    all: async (sql, params = []) => {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as SqlRow[];
      statement.run(...params);
      return [];
    },
    close: async () => void db.close(),
  });
}

/** A throwaway schema on one connection: other test files share the database. */
async function openPostgres(url: string): Promise<TestDb> {
  const client = new pg.Client(url);
  await client.connect();
  const schema = `q_${randomBytes(6).toString('hex')}`;
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}`);
  return {
    dialect: 'postgresql',
    all: async (sql, params = []) => (await client.query(sql, params as unknown[])).rows as SqlRow[],
    close: async () => {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

// ---- collections and documents ---------------------------------------------------------------------------

const index = (sequence: number, type: IndexDef['type'], attributes: string[]): IndexDef => ({
  sequence, key: `i${sequence}`, type, attributes, orders: attributes.map(() => null), lengths: attributes.map(() => null),
});

const books = buildCollectionShape({
  sequence: 1,
  id: 'books',
  databaseId: 'main',
  documentSecurity: false,
  attributes: BOOK_ATTRIBUTES,
  indexes: [index(1, 'fulltext', ['body'])],
});

/** Enough rows for PostgreSQL's planner to prefer indexes. */
const items = buildCollectionShape({
  sequence: 2,
  id: 'items',
  databaseId: 'main',
  documentSecurity: false,
  attributes: [attribute(1, 'category', 'string'), attribute(2, 'rank', 'integer'), attribute(3, 'name', 'string')],
  indexes: [index(1, 'key', ['category', 'rank']), index(2, 'key', ['name'])],
});

type Doc = { $id: string; $createdAt: string } & Record<string, unknown>;

const day = (n: number) => `2024-01-0${n}T00:00:00.000+00:00`;
const MARCH = '2024-03-01T10:00:00.000+00:00';
const NEW_YEAR_EVE = '2023-12-31T23:59:59.999+00:00';
const JUNE = '2024-06-15T00:00:00.000+00:00';
const INJECTION = "x') OR 1=1 --";

/** Insertion order is $sequence order: d01 is 1, d14 is 14. Absent attributes are NULL. */
const DOCS: Doc[] = [
  { $id: 'd01', $createdAt: day(1), title: 'apple', count: 3n, score: 1.5, active: true, due: MARCH, tags: ['red', 'fruit'], nums: [1n, 2n], body: 'The quick brown fox' },
  { $id: 'd02', $createdAt: day(1), title: 'Apple', count: 1n, active: false, tags: ['green'], nums: [3n], body: 'Lazy dogs sleep' },
  { $id: 'd03', $createdAt: day(2), title: 'banana', score: 2.5, active: true, due: NEW_YEAR_EVE, tags: [] },
  { $id: 'd04', $createdAt: day(2), count: 3n, score: -1, due: MARCH, nums: [2n, 9007199254740993n], body: 'Quickly thinking, quietly' },
  { $id: 'd05', $createdAt: day(3), title: 'apple', count: 10n, score: 0, active: false, due: JUNE, tags: ['fruit'], nums: [], body: 'quick quick' },
  { $id: 'd06', $createdAt: day(3), title: "O'Brien", count: -5n, score: 1.5, active: true, tags: ["it's", '%'], body: `O'Brien said "hi" -- ; DROP` },
  { $id: 'd07', $createdAt: day(4), title: 'a%b', count: 7n, tags: ['a_b'], body: '100% sure' },
  { $id: 'd08', $createdAt: day(4), title: 'a_b', count: 7n },
  { $id: 'd09', $createdAt: day(5), title: 'a*b' },
  { $id: 'd10', $createdAt: day(5), title: 'a?b' },
  { $id: 'd11', $createdAt: day(6), title: 'a[b]' },
  { $id: 'd12', $createdAt: day(6), title: 'a\\b' },
  { $id: 'd13', $createdAt: day(7), title: INJECTION, tags: [INJECTION] },
  { $id: 'd14', $createdAt: day(7), title: 'abc' },
];
const ALL_IDS = DOCS.map((doc) => doc.$id);

const ITEM_COUNT = 6000;
const CATEGORIES = 20;
const ITEMS: Doc[] = Array.from({ length: ITEM_COUNT }, (_, i) => ({
  $id: `item${i}`,
  $createdAt: day(1),
  category: `k${i % CATEGORIES}`,
  rank: BigInt((i * 7919) % 1000),
  name: `name-${i}`,
}));

async function createCollection(db: TestDb, collection: CollectionShape): Promise<void> {
  const statements = [
    ...createTableStatements(db.dialect, collection.sequence),
    ...collection.attributes.map((a) => addColumnStatement(db.dialect, collection.sequence, a)),
    ...collection.indexes.flatMap((i) => createIndexStatements(db.dialect, collection, i)),
  ];
  for (const statement of statements) await db.all(statement);
}

async function insertDocs(db: TestDb, collection: CollectionShape, docs: Doc[]): Promise<void> {
  const columns = ['_uid', '_createdAt', '_updatedAt', ...collection.attributes.map(columnName)].map((c) => `"${c}"`).join(', ');
  for (let start = 0; start < docs.length; start += 500) {
    const params = new SqlParams(db.dialect);
    const rows = docs.slice(start, start + 500).map((doc) => {
      const values = [doc.$id, doc.$createdAt, doc.$createdAt, ...collection.attributes.map((a) => encodeValue(db.dialect, a, doc[a.key] ?? null))];
      return `(${values.map((value) => params.add(value)).join(', ')})`;
    });
    await db.all(`INSERT INTO "${tableName(collection.sequence)}" (${columns}) VALUES ${rows.join(', ')}`, params.values);
  }
}

// ---- expectations computed independently of SQL ----------------------------------------------------------

type Order = { key: string; order: 'asc' | 'desc' };

const sequenceOf = (doc: Doc) => DOCS.indexOf(doc) + 1;
const valueOf = (doc: Doc, key: string): unknown => (key === '$sequence' ? sequenceOf(doc) : (doc[key] ?? null));

/** NULL smallest, then byte order / numeric order / false before true. */
function compareValues(a: unknown, b: unknown): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const [x, y] = [a, b] as [string | number | bigint | boolean, string | number | bigint | boolean];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The documented order: the given keys, then $sequence in the last key's direction. */
function expectedOrder(docs: Doc[], orders: Order[]): string[] {
  const keys = [...orders, { key: '$sequence', order: orders.at(-1)?.order ?? 'asc' }];
  return [...docs]
    .sort((a, b) => {
      for (const { key, order } of keys) {
        const difference = compareValues(valueOf(a, key), valueOf(b, key));
        if (difference !== 0) return order === 'asc' ? difference : -difference;
      }
      return 0;
    })
    .map((doc) => doc.$id);
}

const ids = (predicate: (doc: Doc) => boolean) => DOCS.filter(predicate).map((doc) => doc.$id);
const text = (doc: Doc, key: string) => doc[key] as string | undefined;

/** MariaDB boolean-mode semantics the search should reproduce: any word, each as a case-insensitive prefix. */
function searchMatches(body: string | undefined, query: string): boolean {
  const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
  const tokens = body?.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.some((word) => tokens.some((token) => token.startsWith(word.toLowerCase())));
}

// ---- queries ---------------------------------------------------------------------------------------------

const q = (method: string, attribute?: string, values?: unknown[]): string =>
  JSON.stringify({ method, ...(attribute === undefined ? {} : { attribute }), ...(values === undefined ? {} : { values }) });
const orderQueries = (orders: Order[]) => orders.map(({ key, order }) => q(order === 'asc' ? 'orderAsc' : 'orderDesc', key));

function querySuite(open: () => Promise<TestDb>): void {
  let db: TestDb;

  beforeAll(async () => {
    db = await open();
    await createCollection(db, books);
    await insertDocs(db, books, DOCS);
    await createCollection(db, items);
    await insertDocs(db, items, ITEMS);
    if (db.dialect === 'postgresql') await db.all(`ANALYZE "${tableName(items.sequence)}"`);
  });

  afterAll(async () => db?.close());

  async function list(collection: CollectionShape, parsed: ParsedQueries, options: ListSqlOptions = {}): Promise<SqlRow[]> {
    const cursorRow = parsed.cursor ? await rowOf(collection, parsed.cursor.documentId) : null;
    const { sql, params, reversed } = buildListSql(db.dialect, collection, parsed, { ...options, cursorRow });
    const rows = await db.all(sql, params);
    return reversed ? rows.reverse() : rows;
  }

  async function rowOf(collection: CollectionShape, documentId: string): Promise<SqlRow> {
    const [row] = await db.all(`SELECT * FROM "${tableName(collection.sequence)}" WHERE "_uid" = ${db.dialect === 'sqlite' ? '?' : '$1'}`, [documentId]);
    if (!row) throw new Error(`no document ${documentId}`);
    return row;
  }

  const uids = async (queries: string[], options: ListSqlOptions = {}) =>
    (await list(books, parseQueries([...queries, q('limit', undefined, [5000])], books), options)).map((row) => row['_uid']);

  async function count(queries: string[], cap: number, extraWhere?: ListSqlOptions['extraWhere']): Promise<number> {
    const { sql, params } = buildCountSql(db.dialect, books, parseQueries(queries, books), { cap, ...(extraWhere ? { extraWhere } : {}) });
    const [row] = await db.all(sql, params);
    return Number(row?.['total']);
  }

  const filtered = (filter: FilterNode): ParsedQueries => ({ filters: [filter], orders: [], limit: 5000, offset: 0, cursor: null, select: null });

  describe('filters', () => {
    it.each([
      ['equal, case-sensitive', [q('equal', 'title', ['apple'])], ['d01', 'd05']],
      ['equal, any of the values', [q('equal', 'title', ['apple', 'banana'])], ['d01', 'd03', 'd05']],
      ['notEqual excludes NULL', [q('notEqual', 'title', ['apple'])], ids((d) => d['title'] !== undefined && d['title'] !== 'apple')],
      ['notEqual, none of the values', [q('notEqual', 'title', ['apple', 'Apple'])], ['d03', ...ALL_IDS.slice(5)]],
      ['equal integer', [q('equal', 'count', [3])], ['d01', 'd04']],
      ['lessThan', [q('lessThan', 'count', [3])], ['d02', 'd06']],
      ['lessThanEqual', [q('lessThanEqual', 'count', [3])], ['d01', 'd02', 'd04', 'd06']],
      ['greaterThan', [q('greaterThan', 'count', [3])], ['d05', 'd07', 'd08']],
      ['greaterThanEqual', [q('greaterThanEqual', 'count', [7])], ['d05', 'd07', 'd08']],
      ['between is inclusive', [q('between', 'count', [1, 3])], ['d01', 'd02', 'd04']],
      ['notBetween excludes NULL', [q('notBetween', 'count', [1, 3])], ['d05', 'd06', 'd07', 'd08']],
      ['equal double', [q('equal', 'score', [1.5])], ['d01', 'd06']],
      ['greaterThan double with an integral value', [q('greaterThan', 'score', [0])], ['d01', 'd03', 'd06']],
      ['lessThan double', [q('lessThan', 'score', [0.5])], ['d04', 'd05']],
      ['equal true', [q('equal', 'active', [true])], ['d01', 'd03', 'd06']],
      ['equal false', [q('equal', 'active', [false])], ['d02', 'd05']],
      ['notEqual boolean excludes NULL', [q('notEqual', 'active', [true])], ['d02', 'd05']],
      ['equal datetime in another offset', [q('equal', 'due', ['2024-03-01T12:00:00+02:00'])], ['d01', 'd04']],
      ['greaterThan datetime', [q('greaterThan', 'due', ['2024-01-01'])], ['d01', 'd04', 'd05']],
      ['lessThan datetime', [q('lessThan', 'due', ['2024-01-01T00:00:00Z'])], ['d03']],
      ['between datetimes', [q('between', 'due', ['2024-03-01T10:00:00Z', '2024-06-15'])], ['d01', 'd04', 'd05']],
      ['isNull', [q('isNull', 'active')], ['d04', ...ALL_IDS.slice(6)]],
      ['isNotNull', [q('isNotNull', 'due')], ['d01', 'd03', 'd04', 'd05']],
      ['startsWith, case-sensitive', [q('startsWith', 'title', ['a'])], ['d01', 'd05', 'd07', 'd08', 'd09', 'd10', 'd11', 'd12', 'd14']],
      ['startsWith the empty string: every non-NULL', [q('startsWith', 'title', [''])], ids((d) => d['title'] !== undefined)],
      ['endsWith', [q('endsWith', 'title', ['b'])], ['d07', 'd08', 'd09', 'd10', 'd12']],
      ['notStartsWith excludes NULL', [q('notStartsWith', 'title', ['a'])], ['d02', 'd03', 'd06', 'd13']],
      ['notEndsWith', [q('notEndsWith', 'title', ['b'])], ['d01', 'd02', 'd03', 'd05', 'd06', 'd11', 'd13', 'd14']],
      ['contains on a string: substring', [q('contains', 'title', ['pl'])], ['d01', 'd02', 'd05']],
      ['contains on a string is case-sensitive', [q('contains', 'title', ['PL'])], []],
      ['contains on a string: any of the values', [q('contains', 'title', ['%', '_'])], ['d07', 'd08']],
      ['notContains on a string', [q('notContains', 'title', ['a'])], ['d02', 'd06', 'd13']],
      ['contains on an array', [q('contains', 'tags', ['fruit'])], ['d01', 'd05']],
      ['contains on an array: any of the values', [q('contains', 'tags', ['green', 'red'])], ['d01', 'd02']],
      ['contains on an integer array', [q('contains', 'nums', [3, 1])], ['d01', 'd02']],
      ['notContains on an array excludes NULL', [q('notContains', 'tags', ['fruit'])], ['d02', 'd03', 'd06', 'd07', 'd13']],
      ['isNull on an array', [q('isNull', 'tags')], ['d04', 'd08', 'd09', 'd10', 'd11', 'd12', 'd14']],
      ['isNotNull on an array (empty arrays are not NULL)', [q('isNotNull', 'nums')], ['d01', 'd02', 'd04', 'd05']],
      ['$id', [q('equal', '$id', ['d03', 'd05'])], ['d03', 'd05']],
      ['$id startsWith', [q('startsWith', '$id', ['d1'])], ['d10', 'd11', 'd12', 'd13', 'd14']],
      ['$sequence', [q('greaterThan', '$sequence', [12])], ['d13', 'd14']],
      ['$createdAt', [q('equal', '$createdAt', ['2024-01-01'])], ['d01', 'd02']],
      ['$updatedAt', [q('lessThanEqual', '$updatedAt', ['2024-01-02T00:00:00.000Z'])], ['d01', 'd02', 'd03', 'd04']],
      ['top-level filters are AND-ed', [q('equal', 'title', ['apple']), q('greaterThan', 'count', [5])], ['d05']],
      ['or', [JSON.stringify({ method: 'or', values: [JSON.parse(q('equal', 'title', ['apple'])), JSON.parse(q('equal', 'count', [1]))] })], ['d01', 'd02', 'd05']],
      [
        'and inside or inside and',
        [
          JSON.stringify({
            method: 'and',
            values: [
              { method: 'or', values: [JSON.parse(q('equal', 'title', ['apple'])), JSON.parse(q('equal', 'count', [1]))] },
              { method: 'or', values: [JSON.parse(q('greaterThan', 'score', [0])), JSON.parse(q('isNull', 'score'))] },
            ],
          }),
        ],
        ['d01', 'd02'],
      ],
    ])('%s', async (_name, queries, expected) => {
      expect(await uids(queries)).toEqual(expected);
    });

    it('matches integers beyond 2^53 exactly (values from the AST)', async () => {
      const rows = await list(books, filtered({ method: 'contains', key: 'nums', values: [9007199254740993n] }));
      expect(rows.map((row) => row['_uid'])).toEqual(['d04']);
      const none = await list(books, filtered({ method: 'contains', key: 'nums', values: [9007199254740992n] }));
      expect(none).toEqual([]);
    });
  });

  describe('fulltext search', () => {
    it.each([
      ['a word', 'quick', ['d01', 'd04', 'd05']],
      ['a prefix', 'qui', ['d01', 'd04', 'd05']],
      ['any of the words', 'fox dogs', ['d01', 'd02']],
      ['case-insensitively', 'FOX', ['d01']],
      ['words around punctuation', "O'Brien", ['d06']],
      ['digits', '100', ['d07']],
      ['no words: nothing', '', []],
      ['only punctuation: nothing', '!!! -- "', []],
      ['FTS and tsquery operators as plain words', 'NEAR OR AND NOT * ( ) : | & !', []],
    ])('search %s', async (_name, value, expected) => {
      expect(await uids([q('search', 'body', [value])])).toEqual(expected);
      expect(ids((doc) => searchMatches(text(doc, 'body'), value))).toEqual(expected);
    });

    it('notSearch: documents with text that does not match', async () => {
      expect(await uids([q('notSearch', 'body', ['quick'])])).toEqual(['d02', 'd06', 'd07']);
      expect(await uids([q('notSearch', 'body', [''])])).toEqual(['d01', 'd02', 'd04', 'd05', 'd06', 'd07']);
    });

    it('combines with other filters', async () => {
      expect(await uids([q('search', 'body', ['quick']), q('greaterThan', 'count', [3])])).toEqual(['d05']);
    });
  });

  describe('ordering and pagination', () => {
    const ORDERINGS: Order[][] = [
      [],
      [{ key: 'title', order: 'asc' }],
      [{ key: 'title', order: 'desc' }],
      [{ key: 'count', order: 'desc' }, { key: 'title', order: 'asc' }],
      [{ key: 'score', order: 'asc' }, { key: '$createdAt', order: 'desc' }],
      [{ key: 'active', order: 'asc' }, { key: 'due', order: 'desc' }],
      [{ key: '$createdAt', order: 'desc' }],
      [{ key: '$sequence', order: 'desc' }],
    ];

    it.each(ORDERINGS.map((orders) => [JSON.stringify(orders), orders] as const))('orders by %s, NULLs smallest, ties by $sequence', async (_name, orders) => {
      expect(await uids(orderQueries(orders))).toEqual(expectedOrder(DOCS, orders));
    });

    async function page(orders: Order[], direction: 'after' | 'before', cursor: string | null, limit: number): Promise<string[]> {
      const queries = [...orderQueries(orders), q('limit', undefined, [limit])];
      if (cursor !== null) queries.push(q(direction === 'after' ? 'cursorAfter' : 'cursorBefore', undefined, [cursor]));
      return (await list(books, parseQueries(queries, books))).map((row) => row['_uid'] as string);
    }

    it.each(ORDERINGS.map((orders) => [JSON.stringify(orders), orders] as const))(
      'cursor pages through the whole table, both directions: %s',
      async (_name, orders) => {
        const expected = expectedOrder(DOCS, orders);
        for (const size of [1, 3, 5]) {
          const forward: string[] = [];
          for (let rows = await page(orders, 'after', null, size); rows.length > 0; rows = await page(orders, 'after', forward.at(-1)!, size)) {
            forward.push(...rows);
          }
          expect(forward).toEqual(expected);

          const backward = [expected.at(-1)!];
          for (let rows = await page(orders, 'before', backward[0]!, size); rows.length > 0; rows = await page(orders, 'before', backward[0]!, size)) {
            expect(rows.length).toBeLessThanOrEqual(size);
            backward.unshift(...rows);
          }
          expect(backward).toEqual(expected);
        }
      },
    );

    it('a cursor page starts right after (or ends right before) the cursor document', async () => {
      const orders: Order[] = [{ key: 'count', order: 'desc' }, { key: 'title', order: 'asc' }];
      const expected = expectedOrder(DOCS, orders);
      for (let i = 0; i < expected.length; i++) {
        expect(await page(orders, 'after', expected[i]!, 3)).toEqual(expected.slice(i + 1, i + 4));
        expect(await page(orders, 'before', expected[i]!, 3)).toEqual(expected.slice(Math.max(0, i - 3), i));
      }
    });

    it('applies limit and offset, also after a cursor', async () => {
      expect(await uids([q('limit', undefined, [3]), q('offset', undefined, [2])].concat())).toEqual(['d03', 'd04', 'd05']);
      const rows = await list(books, parseQueries([q('cursorAfter', undefined, ['d02']), q('offset', undefined, [1]), q('limit', undefined, [2])], books));
      expect(rows.map((row) => row['_uid'])).toEqual(['d04', 'd05']);
      expect((await list(books, parseQueries([q('offset', undefined, [100])], books))).length).toBe(0);
    });

    it('needs the cursor document\'s row', () => {
      const parsed = parseQueries([q('cursorAfter', undefined, ['d01'])], books);
      expect(() => buildListSql(db.dialect, books, parsed)).toThrow('cursor document d01 was not fetched');
    });

    it('uses the default limit', async () => {
      expect((await list(items, parseQueries([], items))).length).toBe(25);
    });

    it('keeps filters, extraWhere and keyset parameters in step', async () => {
      const extraWhere: ListSqlOptions['extraWhere'] = (params) => `"_uid" <> ${params.add('d09')}`;
      const orders: Order[] = [{ key: 'title', order: 'asc' }];
      const parsed = parseQueries([q('startsWith', 'title', ['a']), ...orderQueries(orders), q('cursorAfter', undefined, ['d07']), q('limit', undefined, [4])], books);
      const rows = await list(books, parsed, { extraWhere });
      const expected = expectedOrder(DOCS.filter((d) => text(d, 'title')?.startsWith('a') && d.$id !== 'd09'), orders);
      expect(rows.map((row) => row['_uid'])).toEqual(expected.slice(expected.indexOf('d07') + 1).slice(0, 4));
    });
  });

  describe('columns', () => {
    it('fetches system columns plus the selected attributes', async () => {
      const [row] = await list(books, parseQueries([q('select', undefined, ['count', 'title']), q('limit', undefined, [1])], books));
      expect(Object.keys(row!).sort()).toEqual(['_createdAt', '_permissions', '_sequence', '_uid', '_updatedAt', 'a1', 'a2']);
    });

    it('fetches every column without select, or with columns: all', async () => {
      const expected = ['_createdAt', '_permissions', '_readSet', '_sequence', '_uid', '_updatedAt', ...books.attributes.map(columnName)].sort();
      const [plain] = await list(books, parseQueries([q('limit', undefined, [1])], books));
      expect(Object.keys(plain!).sort()).toEqual(expected);
      const [all] = await list(books, parseQueries([q('select', undefined, ['title'])], books), { columns: 'all' });
      expect(Object.keys(all!).sort()).toEqual(expected);
    });

    it('fetches exactly the given columns', async () => {
      const rows = await list(books, parseQueries([q('equal', 'title', ['apple'])], books), { columns: ['_sequence'] });
      expect(rows.map((row) => Object.keys(row))).toEqual([['_sequence'], ['_sequence']]);
      expect(rows.map((row) => Number(row['_sequence']))).toEqual([1, 5]);
    });
  });

  describe('count', () => {
    it('counts matches, ignoring limit, offset and cursor', async () => {
      expect(await count([], 5000)).toBe(DOCS.length);
      expect(await count([q('equal', 'title', ['apple']), q('limit', undefined, [1]), q('offset', undefined, [1]), q('cursorAfter', undefined, ['d01'])], 5000)).toBe(2);
    });

    it('stops at the cap', async () => {
      expect(await count([], 5)).toBe(5);
      expect(await count([q('isNull', 'title')], 5)).toBe(1);
    });

    it('applies extraWhere', async () => {
      expect(await count([q('equal', 'title', ['apple'])], 100, (params) => `"_uid" <> ${params.add('d01')}`)).toBe(1);
    });
  });

  describe('injection', () => {
    const PAYLOADS = [INJECTION, "') OR 1=1 --", "'; DROP TABLE c1; --", "' OR ''='", '%', '_', '*', '?', '[', ']', '"', '\\', "\\'", '%_*?', 'a%', 'a_', 'a*', 'a?', 'a[', 'a\\', "O'", '--', ';', '$1', '?1', "it's", 'a_b'];

    it.each(PAYLOADS)('value %j matches exactly what it says, through every operator', async (payload) => {
      const title = (d: Doc) => text(d, 'title');
      const tags = (d: Doc) => d['tags'] as string[] | undefined;
      const cases: [string[], string[]][] = [
        [[q('equal', 'title', [payload])], ids((d) => title(d) === payload)],
        [[q('notEqual', 'title', [payload])], ids((d) => title(d) !== undefined && title(d) !== payload)],
        [[q('lessThan', 'title', [payload])], ids((d) => title(d) !== undefined && title(d)! < payload)],
        [[q('greaterThanEqual', 'title', [payload])], ids((d) => title(d) !== undefined && title(d)! >= payload)],
        [[q('between', 'title', [payload, `${payload}~`])], ids((d) => title(d) !== undefined && title(d)! >= payload && title(d)! <= `${payload}~`)],
        [[q('startsWith', 'title', [payload])], ids((d) => title(d)?.startsWith(payload) === true)],
        [[q('endsWith', 'title', [payload])], ids((d) => title(d)?.endsWith(payload) === true)],
        [[q('notStartsWith', 'title', [payload])], ids((d) => title(d)?.startsWith(payload) === false)],
        [[q('notEndsWith', 'title', [payload])], ids((d) => title(d)?.endsWith(payload) === false)],
        [[q('contains', 'title', [payload])], ids((d) => title(d)?.includes(payload) === true)],
        [[q('notContains', 'title', [payload])], ids((d) => title(d)?.includes(payload) === false)],
        [[q('contains', 'tags', [payload])], ids((d) => tags(d)?.includes(payload) === true)],
        [[q('notContains', 'tags', [payload])], ids((d) => tags(d)?.includes(payload) === false)],
        [[q('equal', '$id', [payload])], []],
        [[q('search', 'body', [payload])], ids((d) => searchMatches(text(d, 'body'), payload))],
        [[q('notSearch', 'body', [payload])], ids((d) => text(d, 'body') !== undefined && !searchMatches(text(d, 'body'), payload))],
      ];
      for (const [queries, expected] of cases) expect(await uids(queries), queries[0]).toEqual(expected);
    });

    it.each(['title"; DROP TABLE "c1"; --', "title' OR 1=1 --", 'a1', '_uid', '"_uid"', 'c1', '$id; --'])(
      'attribute key %j never reaches SQL: it is unknown',
      (key) => {
        for (const query of [q('equal', key, ['x']), q('orderAsc', key), q('select', undefined, [key])]) {
          expect(() => parseQueries([query], books)).toThrow(AppwriteError);
          expect(() => parseQueries([query], books)).toThrow(`Invalid query: Attribute not found in schema: ${key}`);
        }
      },
    );

    it('cursor IDs are bound: an unknown or hostile ID matches no row', async () => {
      for (const id of [INJECTION, "' OR 1=1 --", '%', '*']) {
        const parsed = parseQueries([q('cursorAfter', undefined, [id])], books);
        expect(parsed.cursor).toEqual({ direction: 'after', documentId: id });
        await expect(rowOf(books, id)).rejects.toThrow(`no document ${id}`);
      }
    });

    it('leaves the tables intact', async () => {
      expect(await count([], 100)).toBe(DOCS.length);
      expect(await uids([])).toEqual(ALL_IDS);
    });
  });

  describe('indexes', () => {
    const explain = async (sql: string, params: unknown[]): Promise<string> =>
      (await db.all(db.dialect === 'sqlite' ? `EXPLAIN QUERY PLAN ${sql}` : `EXPLAIN ${sql}`, params))
        .map((row) => String(row[db.dialect === 'sqlite' ? 'detail' : 'QUERY PLAN']))
        .join('\n');

    async function planAndRows(queries: string[]): Promise<{ plan: string; rows: string[] }> {
      const parsed = parseQueries(queries, items);
      const cursorRow = parsed.cursor ? await rowOf(items, parsed.cursor.documentId) : null;
      const { sql, params, reversed } = buildListSql(db.dialect, items, parsed, { cursorRow });
      const rows = (await db.all(sql, params)).map((row) => row['_uid'] as string);
      return { plan: await explain(sql, params), rows: reversed ? rows.reverse() : rows };
    }

    /** The items of category k3 in (rank, sequence) order. */
    const k3 = (order: 'asc' | 'desc') => {
      const sorted = ITEMS.map((item, i) => ({ item, i })).filter(({ item }) => item['category'] === 'k3');
      sorted.sort((a, b) => compareValues(a.item['rank'], b.item['rank']) || a.i - b.i);
      return (order === 'asc' ? sorted : sorted.reverse()).map(({ item }) => item.$id);
    };

    const usesIndexForOrder = (plan: string, name: string) => {
      if (db.dialect === 'sqlite') {
        expect(plan).toMatch(new RegExp(`USING (COVERING )?INDEX ${name}\\b`));
        expect(plan).not.toContain('TEMP B-TREE');
      } else {
        expect(plan).toMatch(new RegExp(`Index Scan (Backward )?using ${name}\\b`));
        expect(plan).not.toMatch(/\bSort\b/);
      }
    };

    it.each(['asc', 'desc'] as const)('a filtered, sorted (%s), limited list reads the composite index in order', async (order) => {
      const queries = [q('equal', 'category', ['k3']), q(order === 'asc' ? 'orderAsc' : 'orderDesc', 'rank'), q('limit', undefined, [10])];
      const { plan, rows } = await planAndRows(queries);
      usesIndexForOrder(plan, 'c2_i1');
      expect(rows).toEqual(k3(order).slice(0, 10));
    });

    it('so does the next page after a cursor', async () => {
      const expected = k3('asc');
      const { plan, rows } = await planAndRows([q('equal', 'category', ['k3']), q('orderAsc', 'rank'), q('limit', undefined, [10]), q('cursorAfter', undefined, [expected[40]!])]);
      usesIndexForOrder(plan, 'c2_i1');
      expect(rows).toEqual(expected.slice(41, 51));
    });

    it('search goes through the fulltext index', async () => {
      const { sql, params } = buildListSql(db.dialect, books, parseQueries([q('search', 'body', ['quick'])], books));
      if (db.dialect === 'sqlite') {
        expect(await explain(sql, params)).toMatch(/SCAN c1_i1_fts VIRTUAL TABLE INDEX/);
        return;
      }
      // Too few rows for the planner to want the index on its own: show that it can use it.
      await db.all('SET enable_seqscan = off');
      try {
        expect(await explain(sql, params)).toMatch(/Bitmap Index Scan on c1_i1\b/);
      } finally {
        await db.all('RESET enable_seqscan');
      }
    });

    it('startsWith uses an index on the attribute', async () => {
      const { plan, rows } = await planAndRows([q('startsWith', 'name', ['name-123']), q('limit', undefined, [100])]);
      if (db.dialect === 'sqlite') expect(plan).toMatch(/USING INDEX c2_i2 \(a3>\? AND a3<\?\)/);
      // The range is spelled out too (compile.ts prefixRange), for plans kept for every value.
      else expect(plan).toMatch(/Index Cond: \(\(a3 >= 'name-123'::text\) AND \(a3 < 'name-124'::text\)/);
      expect(plan).toContain('c2_i2');
      expect([...rows].sort()).toEqual(['item123', ...Array.from({ length: 10 }, (_, i) => `item123${i}`)].sort());
    });
  });
}

const POSTGRES_URL = process.env['TEST_DATABASE_URL'];
if (!POSTGRES_URL) console.warn('TEST_DATABASE_URL is not set: skipping the PostgreSQL query tests');

describe('document queries on SQLite', () => querySuite(openSqlite));
describe.skipIf(!POSTGRES_URL)('document queries on PostgreSQL', () => querySuite(() => openPostgres(POSTGRES_URL!)));
