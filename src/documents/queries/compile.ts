import { quoteIdent, SqlParams, type Dialect } from '../../db/dialect.ts';
import type { SqlRow } from '../../db/sql.ts';
import { encodeScalar, toJson } from '../codec.ts';
import { ftsTableName, orderTerm, tsvectorExpression } from '../ddl.ts';
import { SYSTEM_COLUMNS, tableName, type CollectionShape, type IndexOrder } from '../model.ts';
import type { FilterNode, OrderBy, ParsedQueries, QueryValue } from './ast.ts';
import { fulltextIndexFor, resolveField, type Field } from './parse.ts';

/**
 * Parsed queries → SQL for either provider. Only server-made names (columns from `columnFor`, tables and FTS
 * tables from sequence numbers) enter the SQL text; every client value is a bound parameter. Parameters are
 * added in the order their placeholders appear, which SQLite's positional `?` requires.
 */

/** Adds a condition (with its own parameters) to the WHERE clause; the permission layer's hook. */
export type WhereHook = (params: SqlParams) => string;

export interface ListSqlOptions {
  /** The cursor document's row as the driver returned it, keyed by column; required with a cursor query. */
  cursorRow?: SqlRow | null;
  extraWhere?: WhereHook;
  /** 'all': every column; a list: exactly these (server-chosen) columns; default: system columns plus the select. */
  columns?: 'all' | readonly string[];
}

export interface ListSql {
  sql: string;
  params: unknown[];
  /** cursorBefore reads backwards from the cursor: the caller must reverse the rows to get the page in order. */
  reversed: boolean;
}

export interface CountSqlOptions {
  /** Counting stops here, so the cost of a count is bounded. */
  cap: number;
  extraWhere?: WhereHook;
}

const SEQUENCE = SYSTEM_COLUMNS.$sequence;
const SYSTEM_SELECT = [SEQUENCE, SYSTEM_COLUMNS.$id, SYSTEM_COLUMNS.$createdAt, SYSTEM_COLUMNS.$updatedAt, '_permissions'];

/** `SELECT … WHERE <filters AND extraWhere AND keyset> ORDER BY <orders…, _sequence> LIMIT … OFFSET …`. */
export function buildListSql(dialect: Dialect, collection: CollectionShape, parsed: ParsedQueries, options: ListSqlOptions = {}): ListSql {
  const params = new SqlParams(dialect);
  const reversed = parsed.cursor?.direction === 'before';
  const keys = sortKeys(collection, parsed.orders, reversed);
  const conditions = matchConditions(params, collection, parsed.filters, options.extraWhere);
  if (parsed.cursor) {
    if (!options.cursorRow) throw new Error(`cursor document ${parsed.cursor.documentId} was not fetched`);
    conditions.push(keysetAfter(params, keys, options.cursorRow));
  }
  const orderBy = keys.map((key) => orderTerm(dialect, key.column, key.order)).join(', ');
  const sql =
    `SELECT ${selectList(collection, parsed.select, options.columns)} FROM ${quoteIdent(tableName(collection.sequence))}` +
    `${whereClause(conditions)} ORDER BY ${orderBy} LIMIT ${params.add(parsed.limit)} OFFSET ${params.add(parsed.offset)}`;
  return { sql, params: params.values, reversed };
}

/** Number of matching documents, up to `cap`; limit, offset and cursor do not apply. One row, column `total`
 *  (bigint from better-sqlite3 with safe integers, string from pg). */
export function buildCountSql(dialect: Dialect, collection: CollectionShape, parsed: ParsedQueries, options: CountSqlOptions): { sql: string; params: unknown[] } {
  const params = new SqlParams(dialect);
  const conditions = matchConditions(params, collection, parsed.filters, options.extraWhere);
  const sql =
    `SELECT COUNT(*) AS "total" FROM (SELECT 1 FROM ${quoteIdent(tableName(collection.sequence))}` +
    `${whereClause(conditions)} LIMIT ${params.add(options.cap)}) AS "matches"`;
  return { sql, params: params.values };
}

function matchConditions(params: SqlParams, collection: CollectionShape, filters: FilterNode[], extraWhere: WhereHook | undefined): string[] {
  const conditions = filters.map((filter) => filterSql(params, collection, filter));
  if (extraWhere) conditions.push(`(${extraWhere(params)})`);
  return conditions;
}

const whereClause = (conditions: string[]): string => (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '');

function selectList(collection: CollectionShape, select: string[] | null, columns: ListSqlOptions['columns']): string {
  if (columns === 'all') return '*';
  if (columns) return columns.map(quoteIdent).join(', ');
  if (select === null) return '*';
  return [...SYSTEM_SELECT, ...select.map((key) => fieldOf(collection, key).column)].map(quoteIdent).join(', ');
}

function fieldOf(collection: CollectionShape, key: string): Field {
  const field = resolveField(collection, key);
  if (!field) throw new Error(`query names unknown attribute ${key}; parse it with parseQueries first`);
  return field;
}

// ---- filters -------------------------------------------------------------------------------------------

const COMPARISONS = { lessThan: '<', lessThanEqual: '<=', greaterThan: '>', greaterThanEqual: '>=' } as const;

function filterSql(params: SqlParams, collection: CollectionShape, filter: FilterNode): string {
  if ('filters' in filter) {
    const parts = filter.filters.map((nested) => filterSql(params, collection, nested));
    return `(${parts.join(filter.method === 'and' ? ' AND ' : ' OR ')})`;
  }
  const field = fieldOf(collection, filter.key);
  const column = quoteIdent(field.column);
  switch (filter.method) {
    case 'isNull':
      return `${column} IS NULL`;
    case 'isNotNull':
      return `${column} IS NOT NULL`;
    case 'equal':
      return equalSql(params, field, filter.values);
    case 'notEqual':
      return negated(column, equalSql(params, field, filter.values));
    case 'lessThan':
    case 'lessThanEqual':
    case 'greaterThan':
    case 'greaterThanEqual':
      return `${column} ${COMPARISONS[filter.method]} ${bind(params, field, filter.value)}`;
    case 'between':
      return betweenSql(params, field, filter.values);
    case 'notBetween':
      return negated(column, betweenSql(params, field, filter.values));
    case 'startsWith':
      return patternSql(params, column, 'prefix', filter.value);
    case 'notStartsWith':
      return negated(column, patternSql(params, column, 'prefix', filter.value));
    case 'endsWith':
      return patternSql(params, column, 'suffix', filter.value);
    case 'notEndsWith':
      return negated(column, patternSql(params, column, 'suffix', filter.value));
    case 'contains':
      return containsSql(params, field, filter.values);
    case 'notContains':
      return negated(column, containsSql(params, field, filter.values));
    case 'search':
      return searchSql(params, collection, field, filter.value);
    case 'notSearch':
      return negated(column, searchSql(params, collection, field, filter.value));
  }
}

/** Negations never match NULL, like every other filter but isNull (SQL's `NULL <> x` is not true either). */
const negated = (column: string, condition: string): string => `(${column} IS NOT NULL AND NOT (${condition}))`;

const anyOf = (conditions: string[]): string => (conditions.length === 1 ? conditions[0]! : `(${conditions.join(' OR ')})`);

const bind = (params: SqlParams, field: Field, value: QueryValue): string => params.add(encodeScalar(params.dialect, field.type, value));

function equalSql(params: SqlParams, field: Field, values: QueryValue[]): string {
  const column = quoteIdent(field.column);
  if (values.length === 1) return `${column} = ${bind(params, field, values[0]!)}`;
  return `${column} IN (${values.map((value) => bind(params, field, value)).join(', ')})`;
}

function betweenSql(params: SqlParams, field: Field, [from, to]: [QueryValue, QueryValue]): string {
  return `${quoteIdent(field.column)} BETWEEN ${bind(params, field, from)} AND ${bind(params, field, to)}`;
}

/**
 * Case-sensitive on both providers: SQLite's LIKE ignores case, so it gets GLOB (which, on a BINARY text
 * column, can use an index for a literal prefix); PostgreSQL's text columns are COLLATE "C", where LIKE is
 * case-sensitive and a prefix pattern can use a btree index. The client's text has its wildcards escaped.
 */
const PATTERN_SYNTAX: Record<Dialect, { operator: string; anything: string; escape: (text: string) => string }> = {
  sqlite: { operator: 'GLOB', anything: '*', escape: (text) => text.replace(/[*?[]/g, '[$&]') },
  postgresql: { operator: 'LIKE', anything: '%', escape: (text) => text.replace(/[\\%_]/g, '\\$&') },
};

function patternSql(params: SqlParams, column: string, shape: 'prefix' | 'suffix' | 'infix', text: string): string {
  const { operator, anything, escape } = PATTERN_SYNTAX[params.dialect];
  const literal = escape(text);
  const pattern = shape === 'prefix' ? literal + anything : shape === 'suffix' ? anything + literal : anything + literal + anything;
  const match = `${column} ${operator} ${params.add(pattern)}`;
  return shape === 'prefix' && params.dialect === 'postgresql' ? `${match}${prefixRange(params, column, text)}` : match;
}

/**
 * PostgreSQL runs the gateway's reads as prepared statements (src/db/pg-statements.ts), and in a plan kept for
 * every call `LIKE $1` cannot become an index range as a literal pattern would: the prefix's range is spelled out
 * (COLLATE "C" orders by UTF-8 bytes, which follow code points, so every text starting with the prefix lies
 * between it and the prefix with its last code point incremented).
 */
function prefixRange(params: SqlParams, column: string, prefix: string): string {
  if (!prefix) return '';
  const upper = prefixUpperBound(prefix);
  return ` AND ${column} >= ${params.add(prefix)}${upper === null ? '' : ` AND ${column} < ${params.add(upper)}`}`;
}

const MAX_CODE_POINT = 0x10ffff;

/** The least text above every text starting with `prefix`; null when there is none (all code points maximal). */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix].map((char) => char.codePointAt(0)!);
  while (points.length && points.at(-1) === MAX_CODE_POINT) points.pop();
  if (!points.length) return null;
  const last = points.pop()!;
  // Surrogates are not characters (PostgreSQL cannot store them): the next one after U+D7FF is U+E000.
  points.push(last === 0xd7ff ? 0xe000 : last + 1);
  return String.fromCodePoint(...points);
}

/** Arrays: holds any of the values (arrays are JSON text on SQLite, JSONB on PostgreSQL). Strings: has any as a substring. */
function containsSql(params: SqlParams, field: Field, values: QueryValue[]): string {
  const column = quoteIdent(field.column);
  if (!field.array) return anyOf(values.map((value) => patternSql(params, column, 'infix', String(value))));
  if (params.dialect === 'sqlite') {
    return `EXISTS (SELECT 1 FROM json_each(${column}) WHERE "value" IN (${values.map((value) => bind(params, field, value)).join(', ')}))`;
  }
  return anyOf(values.map((value) => `${column} @> ${params.add(toJson([value]))}::jsonb`));
}

/**
 * Appwrite (MariaDB boolean mode): a document matches when its text has any of the words, each word taken as
 * a prefix. Text without words matches nothing. Words are runs of letters and digits, so the FTS5 expression
 * and the tsquery built from them hold no operator a client chose.
 */
function searchSql(params: SqlParams, collection: CollectionShape, field: Field, text: string): string {
  const words = searchWords(text);
  if (words.length === 0) return 'FALSE';
  if (params.dialect === 'postgresql') {
    return `${tsvectorExpression([field.column])} @@ to_tsquery('simple', ${params.add(words.map((word) => `${word}:*`).join(' | '))})`;
  }
  const index = fulltextIndexFor(collection, field.key);
  if (!index) throw new Error(`attribute ${field.key} has no fulltext index; parse the query with parseQueries first`);
  const fts = quoteIdent(ftsTableName(collection.sequence, index));
  const expression = words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' OR ');
  return `${quoteIdent(SEQUENCE)} IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${params.add(expression)})`;
}

const searchWords = (text: string): string[] => [...new Set(text.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? [])];

// ---- order and keyset ----------------------------------------------------------------------------------

interface SortKey {
  column: string;
  order: IndexOrder;
  nullable: boolean;
}

const flip = (order: IndexOrder): IndexOrder => (order === 'asc' ? 'desc' : 'asc');

/**
 * The ORDER BY keys. `_sequence` ends them unless already there: it makes the order total, so a cursor
 * position is exact. Every index ends with `_sequence` ascending (SQLite's rowid; a trailing column on
 * PostgreSQL), so an index read forwards yields ties in ascending sequence and read backwards in descending:
 * the tie-break follows the direction the index holding the last ordered key is read in, and that one index
 * serves the whole ORDER BY. Reading before a cursor reverses every key.
 */
function sortKeys(collection: CollectionShape, orders: OrderBy[], reversed: boolean): SortKey[] {
  const keys = orders.map(({ key, order }): SortKey => {
    const field = fieldOf(collection, key);
    return { column: field.column, order, nullable: field.nullable };
  });
  const last = orders.at(-1);
  if (!keys.some((key) => key.column === SEQUENCE)) {
    const readForwards = !last || last.order === declaredOrder(collection, last.key);
    keys.push({ column: SEQUENCE, order: readForwards ? 'asc' : 'desc', nullable: false });
  }
  return reversed ? keys.map((key) => ({ ...key, order: flip(key.order) })) : keys;
}

/** The order a key/unique index declares for `key` (the first such index holding it); ascending without one. */
function declaredOrder(collection: CollectionShape, key: string): IndexOrder {
  for (const index of collection.indexes) {
    if (index.type === 'fulltext') continue;
    const position = index.attributes.indexOf(key);
    if (position >= 0) return index.orders[position] ?? 'asc';
  }
  return 'asc';
}

/**
 * Rows strictly after the cursor row in `keys` order, NULLs smallest (as orderTerm sorts), written as
 * `k1 ≥ v1 AND (k1 > v1 OR (k2 ≥ v2 AND (…)))`: the leading bound is a plain range an index can seek to.
 */
function keysetAfter(params: SqlParams, keys: SortKey[], row: SqlRow): string {
  const [key, ...rest] = keys as [SortKey, ...SortKey[]];
  const value = row[key.column];
  if (value === undefined) throw new Error(`cursor row lacks column ${key.column}`);
  if (rest.length === 0) return boundSql(params, key, value, 'after');
  const notBefore = boundSql(params, key, value, 'notBefore');
  const after = boundSql(params, key, value, 'after');
  return allOf(notBefore, eitherOf(after, keysetAfter(params, rest, row)));
}

/** Where a row's value for `key` lies relative to the cursor's `value`: strictly after it, or after or equal. */
function boundSql(params: SqlParams, key: SortKey, value: unknown, bound: 'after' | 'notBefore'): string {
  const column = quoteIdent(key.column);
  const inclusive = bound === 'notBefore';
  if (value === null) {
    // NULL is the smallest value: everything is at or after it ascending, nothing but NULL descending.
    if (key.order === 'asc') return inclusive ? 'TRUE' : `${column} IS NOT NULL`;
    return inclusive ? `${column} IS NULL` : 'FALSE';
  }
  // The raw row value binds back as is: it is what the driver returned for this very column.
  const comparison = `${column} ${key.order === 'asc' ? '>' : '<'}${inclusive ? '=' : ''} ${params.add(value)}`;
  // Descending, NULLs come after every value.
  return key.order === 'desc' && key.nullable ? `(${comparison} OR ${column} IS NULL)` : comparison;
}

// Only parameter-free constants are folded away, so no placeholder is ever dropped.
const allOf = (left: string, right: string): string => (left === 'TRUE' ? right : `${left} AND ${right}`);
const eitherOf = (left: string, right: string): string => (left === 'FALSE' ? right : `(${left} OR ${right})`);
