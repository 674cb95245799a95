import { AppwriteError } from '../../errors/appwrite-error.ts';
import { normalizeDatetime } from '../../validation/datetime.ts';
import { columnFor } from '../ddl.ts';
import { isSystemField, type AttributeType, type CollectionShape, type IndexDef, type SystemField } from '../model.ts';
import type { Cursor, FilterNode, LogicalFilter, OrderBy, ParsedQueries, QueryValue } from './ast.ts';

/**
 * Appwrite's JSON queries (`{"method":"equal","attribute":"title","values":["a"]}`, as the SDKs' `Query`
 * helpers write them) → a typed AST checked against the collection. Pure: no I/O, no SQL. Every problem is a
 * general_query_invalid error whose message follows Appwrite's where Appwrite has one.
 */

/** Appwrite's page size when no limit query is given (APP_LIMIT_LIST_DEFAULT). */
export const DEFAULT_LIST_LIMIT = 25;
const MAX_LIST_LIMIT = 5000;
const MAX_QUERIES = 100;
const MAX_VALUES = 100;
/** Values bound by one request's filters, all queries together: far below SQLite's and PostgreSQL's parameter limits. */
const MAX_FILTER_VALUES = 5000;
// Appwrite's bound on one element of an array parameter; it also bounds the size of one and/or tree.
const MAX_QUERY_LENGTH = 4096;

export interface ParseOptions {
  defaultLimit?: number;
  maxLimit?: number;
  /** Largest offset: an offset walks that many rows before the page. */
  maxOffset?: number;
}

/** A queryable key as the SQL layer sees it. */
export interface Field {
  key: string;
  column: string;
  type: AttributeType;
  array: boolean;
  /** System columns are NOT NULL; attribute columns may hold NULL (older documents, optional attributes). */
  nullable: boolean;
  available: boolean;
}

const SYSTEM_FIELD_TYPES: Record<SystemField, AttributeType> = {
  $id: 'string',
  $sequence: 'integer',
  $createdAt: 'datetime',
  $updatedAt: 'datetime',
};

/** System keys a select may name; they are always returned, so selecting them changes nothing. */
const ALWAYS_SELECTED = new Set(['$id', '$sequence', '$createdAt', '$updatedAt', '$permissions', '$collectionId', '$databaseId']);

export function resolveField(collection: CollectionShape, key: string): Field | undefined {
  const column = columnFor(collection, key);
  if (column === undefined) return undefined;
  if (isSystemField(key)) return { key, column, type: SYSTEM_FIELD_TYPES[key], array: false, nullable: false, available: true };
  const attribute = collection.attributeByKey.get(key)!;
  return { key, column, type: attribute.type, array: attribute.array, nullable: true, available: attribute.status === 'available' };
}

/** Appwrite searches only through a fulltext index on exactly that one attribute. */
export function fulltextIndexFor(collection: Pick<CollectionShape, 'indexes'>, key: string): IndexDef | undefined {
  return collection.indexes.find((index) => index.type === 'fulltext' && index.attributes.length === 1 && index.attributes[0] === key);
}

const FILTER_METHODS = new Set([
  'equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'between', 'notBetween',
  'startsWith', 'endsWith', 'notStartsWith', 'notEndsWith', 'contains', 'notContains', 'search', 'notSearch',
  'isNull', 'isNotNull', 'and', 'or',
]);
const ARRAY_METHODS = new Set(['contains', 'notContains', 'isNull', 'isNotNull']);
const STRING_METHODS = new Set(['startsWith', 'endsWith', 'notStartsWith', 'notEndsWith', 'search', 'notSearch']);

interface RawQuery {
  method: string;
  attribute: string;
  values: unknown[];
}

const invalid = (message: string): AppwriteError => new AppwriteError('general_query_invalid', `Invalid query: ${message}`);

const capitalized = (method: string): string => method.charAt(0).toUpperCase() + method.slice(1);

const jsonType = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

export function parseQueries(
  queries: readonly string[] | null | undefined,
  collection: CollectionShape,
  options: ParseOptions = {},
): ParsedQueries {
  const maxLimit = options.maxLimit ?? MAX_LIST_LIMIT;
  const list = queries ?? [];
  if (list.length > MAX_QUERIES) throw invalid(`At most ${MAX_QUERIES} queries are allowed, got ${list.length}`);

  const filters: FilterNode[] = [];
  const orders: OrderBy[] = [];
  const selections: (string[] | null)[] = [];
  // Like Appwrite, the first limit, offset and cursor win; later ones are still validated.
  let limit: number | undefined;
  let offset: number | undefined;
  let cursor: Cursor | undefined;

  for (const text of list) {
    const query = decodeQuery(text);
    switch (query.method) {
      case 'orderAsc':
      case 'orderDesc':
        orders.push(parseOrder(query, collection));
        break;
      case 'limit': {
        const value = integerArgument(query, 'limit', 1, maxLimit);
        limit ??= value;
        break;
      }
      case 'offset': {
        const value = integerArgument(query, 'offset', 0, options.maxOffset ?? Number.MAX_SAFE_INTEGER);
        offset ??= value;
        break;
      }
      case 'cursorAfter':
      case 'cursorBefore': {
        const value = parseCursor(query);
        cursor ??= value;
        break;
      }
      case 'select':
        selections.push(parseSelect(query, collection));
        break;
      default:
        if (!FILTER_METHODS.has(query.method)) throw new AppwriteError('general_query_invalid', `Invalid query method: ${query.method}`);
        filters.push(parseFilter(query, collection));
    }
  }

  const bound = filters.reduce((sum, filter) => sum + valueCount(filter), 0);
  if (bound > MAX_FILTER_VALUES) throw invalid(`Queries may hold at most ${MAX_FILTER_VALUES} values in all, got ${bound}`);

  return {
    filters,
    orders,
    limit: limit ?? Math.min(options.defaultLimit ?? DEFAULT_LIST_LIMIT, maxLimit),
    offset: offset ?? 0,
    cursor: cursor ?? null,
    select: mergeSelections(selections),
  };
}

/** One Appwrite JSON query string, decoded and shape-checked (the metadata lists decode theirs here too). */
export function decodeQuery(text: string): RawQuery {
  if (text.length > MAX_QUERY_LENGTH) throw invalid(`A query may be at most ${MAX_QUERY_LENGTH} characters long`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(`Syntax error: ${(error as Error).message}`);
  }
  return rawQuery(json);
}

/** The query object's shape, with Appwrite's defaults for absent fields. */
function rawQuery(json: unknown): RawQuery {
  if (jsonType(json) !== 'object') throw invalid(`A query must be a JSON object, got ${jsonType(json)}`);
  const { method, attribute = '', values = [] } = json as Record<string, unknown>;
  if (typeof method !== 'string') throw invalid(`Query method must be a string, got ${jsonType(method)}`);
  if (typeof attribute !== 'string') throw invalid(`Query attribute must be a string, got ${jsonType(attribute)}`);
  if (!Array.isArray(values)) throw invalid(`Query values must be an array, got ${jsonType(values)}`);
  return { method, attribute, values };
}

/**
 * The first limit query's value, as parseQueries and the metadata lists take it, or undefined when there is none
 * or a query up to it is malformed or the limit is not a positive integer: those the list's own parse refuses.
 * No upper bound (the configured maximum is the list's). For weighing a list before it runs (src/http/cost-plan.ts).
 */
export function firstLimit(queries: readonly string[]): number | undefined {
  try {
    for (const text of queries) {
      const query = decodeQuery(text);
      if (query.method === 'limit') return integerArgument(query, 'limit', 1, Number.MAX_SAFE_INTEGER);
    }
  } catch {
    // undefined: the caller weighs the default.
  }
  return undefined;
}

function parseFilter(query: RawQuery, collection: CollectionShape): FilterNode {
  const { method, attribute: key, values } = query;
  switch (method) {
    case 'and':
    case 'or':
      return parseLogical(method, values, collection);
    case 'isNull':
    case 'isNotNull':
      queryableField(collection, method, key, values);
      return { method, key };
    case 'equal':
    case 'notEqual':
    case 'contains':
    case 'notContains': {
      if (values.length === 0) throw invalid(`${capitalized(method)} queries require at least one value.`);
      const field = queryableField(collection, method, key, values);
      return { method, key, values: values.map((value) => queryValue(field, value)) };
    }
    case 'lessThan':
    case 'lessThanEqual':
    case 'greaterThan':
    case 'greaterThanEqual': {
      const [value] = exactly(1, method, values);
      return { method, key, value: queryValue(queryableField(collection, method, key, values), value) };
    }
    case 'between':
    case 'notBetween': {
      const [from, to] = exactly(2, method, values);
      const field = queryableField(collection, method, key, values);
      return { method, key, values: [queryValue(field, from), queryValue(field, to)] };
    }
    case 'startsWith':
    case 'endsWith':
    case 'notStartsWith':
    case 'notEndsWith':
    case 'search':
    case 'notSearch': {
      const [value] = exactly(1, method, values);
      // queryableField admits only string attributes to these methods.
      const field = queryableField(collection, method, key, values);
      return { method, key, value: queryValue(field, value) as string };
    }
    default:
      throw new AppwriteError('general_query_invalid', `Invalid query method: ${method}`);
  }
}

function valueCount(filter: FilterNode): number {
  if ('filters' in filter) return filter.filters.reduce((sum, nested) => sum + valueCount(nested), 0);
  if ('values' in filter) return filter.values.length;
  return 'value' in filter ? 1 : 0;
}

function parseLogical(method: LogicalFilter['method'], values: unknown[], collection: CollectionShape): LogicalFilter {
  if (values.length > MAX_VALUES) throw invalid(`${capitalized(method)} queries may nest at most ${MAX_VALUES} queries`);
  const nested = values.map(rawQuery);
  if (!nested.every((query) => FILTER_METHODS.has(query.method))) throw invalid(`${capitalized(method)} queries can only contain filter queries`);
  if (nested.length < 2) throw invalid(`${capitalized(method)} queries require at least two queries`);
  return { method, filters: nested.map((query) => parseFilter(query, collection)) };
}

function exactly(count: 1 | 2, method: string, values: unknown[]): unknown[] {
  if (values.length !== count) throw invalid(`${capitalized(method)} queries require exactly ${count === 1 ? 'one value' : 'two values'}.`);
  return values;
}

/** An attribute or system field that exists, is available and accepts `method`. */
function queryableField(collection: CollectionShape, method: string, key: string, values: unknown[]): Field {
  const field = existingField(collection, key);
  if (values.length > MAX_VALUES) throw invalid(`Query on attribute has greater than ${MAX_VALUES} values: ${key}`);
  if (field.array && !ARRAY_METHODS.has(method)) throw invalid(`Cannot query ${method} on attribute "${key}" because it is an array.`);
  if ((method === 'contains' || method === 'notContains') && !field.array && field.type !== 'string') {
    throw invalid(`Cannot query ${method} on attribute "${key}" because it is not an array or string.`);
  }
  if (STRING_METHODS.has(method) && field.type !== 'string') throw invalid(`Cannot query ${method} on attribute "${key}" because it is not a string.`);
  if ((method === 'search' || method === 'notSearch') && !fulltextIndexFor(collection, key)) {
    throw new AppwriteError('general_query_invalid', `Searching by attribute "${key}" requires a fulltext index.`);
  }
  return field;
}

function existingField(collection: CollectionShape, key: string): Field {
  const field = resolveField(collection, key);
  if (!field) throw invalid(`Attribute not found in schema: ${key}`);
  // Its column may not exist yet (processing) or any more (deleting).
  if (!field.available) throw invalid(`Attribute not available: ${key}`);
  return field;
}

/** The value typed for the field: integral number → bigint, datetime → normalized UTC string. */
function queryValue(field: Field, value: unknown): QueryValue {
  const typed = typedValue(field.type, value);
  if (typed === undefined) throw invalid(`Query value is invalid for attribute "${field.key}"`);
  return typed;
}

function typedValue(type: AttributeType, value: unknown): QueryValue | undefined {
  switch (type) {
    case 'string':
      // NUL never matches a stored value (writes refuse it) and PostgreSQL cannot bind it.
      return typeof value === 'string' && !value.includes('\u0000') ? value : undefined;
    case 'integer':
      // JSON numbers beyond 2^53 arrive already rounded: refuse them rather than match the wrong value.
      return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
    case 'double':
      return typeof value === 'number' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'datetime':
      return typeof value === 'string' ? (normalizeDatetime(value) ?? undefined) : undefined;
  }
}

function parseOrder(query: RawQuery, collection: CollectionShape): OrderBy {
  // Appwrite: an order without attribute is by insertion order.
  const key = query.attribute === '' ? '$sequence' : query.attribute;
  const field = existingField(collection, key);
  if (field.array) throw invalid(`Cannot order by array attribute: ${key}`);
  return { key, order: query.method === 'orderAsc' ? 'asc' : 'desc' };
}

function integerArgument(query: RawQuery, name: 'limit' | 'offset', min: number, max: number): number {
  const [value] = query.values;
  if (query.values.length !== 1 || typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`Invalid ${name}: Value must be a valid range between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')}`);
  }
  return value;
}

function parseCursor(query: RawQuery): Cursor {
  const [documentId] = query.values;
  if (query.values.length !== 1 || typeof documentId !== 'string' || documentId === '') {
    throw invalid('Invalid cursor: the value must be one document ID');
  }
  return { direction: query.method === 'cursorAfter' ? 'after' : 'before', documentId };
}

/** Attribute keys to fetch, or null for all (`*`). */
function parseSelect(query: RawQuery, collection: CollectionShape): string[] | null {
  const { values } = query;
  if (values.length === 0) throw invalid('No attributes selected');
  if (values.length > MAX_VALUES) throw invalid(`Select queries may name at most ${MAX_VALUES} attributes`);
  const keys = values.map((value) => {
    if (typeof value !== 'string') throw invalid(`Attribute selection must be a string, got ${jsonType(value)}`);
    return value;
  });
  if (new Set(keys).size !== keys.length) throw invalid('Duplicate attributes selected');
  if (keys.includes('*')) return null;
  return keys.filter((key) => !ALWAYS_SELECTED.has(key)).map((key) => existingField(collection, key).key);
}

function mergeSelections(selections: (string[] | null)[]): string[] | null {
  if (selections.length === 0 || selections.includes(null)) return null;
  return [...new Set(selections.flatMap((keys) => keys ?? []))];
}
