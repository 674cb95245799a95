import type { IndexOrder } from '../model.ts';

/**
 * Appwrite queries once parsed and validated against a collection. Keys are client attribute keys (`title`,
 * `$createdAt`), already known to exist and to accept the method; values are typed for their attribute:
 * bigint for integers (and `$sequence`), number for doubles, boolean, normalized UTC string for datetimes,
 * string for string-backed types.
 */

export type QueryValue = string | number | bigint | boolean;

/** `equal` matches any of the values, `notEqual` none of them; `contains` on an array attribute means the
 *  array holds any of the values, on a string attribute that the string has any of them as a substring. */
export interface ValueListFilter {
  method: 'equal' | 'notEqual' | 'contains' | 'notContains';
  key: string;
  values: QueryValue[];
}

export interface ComparisonFilter {
  method: 'lessThan' | 'lessThanEqual' | 'greaterThan' | 'greaterThanEqual';
  key: string;
  value: QueryValue;
}

/** Inclusive bounds. */
export interface RangeFilter {
  method: 'between' | 'notBetween';
  key: string;
  values: [QueryValue, QueryValue];
}

/** Case-sensitive pattern matches, and fulltext search (any word, each as a prefix). */
export interface TextFilter {
  method: 'startsWith' | 'endsWith' | 'notStartsWith' | 'notEndsWith' | 'search' | 'notSearch';
  key: string;
  value: string;
}

export interface NullFilter {
  method: 'isNull' | 'isNotNull';
  key: string;
}

export interface LogicalFilter {
  method: 'and' | 'or';
  filters: FilterNode[];
}

/** Every filter except isNull is false on a NULL attribute, negations included (SQL semantics, as Appwrite). */
export type FilterNode = ValueListFilter | ComparisonFilter | RangeFilter | TextFilter | NullFilter | LogicalFilter;

export interface OrderBy {
  key: string;
  order: IndexOrder;
}

export interface Cursor {
  direction: 'after' | 'before';
  documentId: string;
}

export interface ParsedQueries {
  /** AND-ed. */
  filters: FilterNode[];
  /** In priority order; empty means insertion order. */
  orders: OrderBy[];
  limit: number;
  offset: number;
  cursor: Cursor | null;
  /** Attribute keys to fetch (system fields always come along); null for all. */
  select: string[] | null;
}
