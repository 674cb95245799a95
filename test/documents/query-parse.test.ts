import { describe, expect, it } from 'vitest';
import { AppwriteError } from '../../src/errors/appwrite-error.ts';
import { buildCollectionShape, type CollectionShape } from '../../src/documents/model.ts';
import { parseQueries } from '../../src/documents/queries/parse.ts';
import { attribute, BOOK_ATTRIBUTES } from '../support/attributes.ts';

const collection: CollectionShape = buildCollectionShape({
  sequence: 1,
  id: 'books',
  databaseId: 'main',
  documentSecurity: false,
  attributes: [
    ...BOOK_ATTRIBUTES,
    attribute(9, 'draft', 'string', { status: 'processing' }),
    attribute(10, 'kind', 'string', { format: 'enum', elements: ['a', 'b'] }),
  ],
  indexes: [
    { sequence: 1, key: 'body_fts', type: 'fulltext', attributes: ['body'], orders: [null], lengths: [null] },
    { sequence: 2, key: 'title_body_fts', type: 'fulltext', attributes: ['title', 'body'], orders: [null, null], lengths: [null, null] },
  ],
});

const q = (method: string, attribute?: string, values?: unknown[]): string =>
  JSON.stringify({ method, ...(attribute === undefined ? {} : { attribute }), ...(values === undefined ? {} : { values }) });

const parse = (...queries: string[]) => parseQueries(queries, collection);

function errorOf(queries: string[], options?: Parameters<typeof parseQueries>[2]): AppwriteError {
  try {
    parseQueries(queries, collection, options);
  } catch (error) {
    if (error instanceof AppwriteError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(queries)} to be rejected`);
}

describe('parseQueries: defaults', () => {
  it.each([null, undefined, []])('treats %j as no queries', (queries) => {
    expect(parseQueries(queries, collection)).toEqual({ filters: [], orders: [], limit: 25, offset: 0, cursor: null, select: null });
  });

  it('takes the default limit from the options, capped by the maximum', () => {
    expect(parseQueries([], collection, { defaultLimit: 100 }).limit).toBe(100);
    expect(parseQueries([], collection, { defaultLimit: 100, maxLimit: 50 }).limit).toBe(50);
  });
});

describe('parseQueries: filters', () => {
  it.each([
    [q('equal', 'title', ['a', 'b']), { method: 'equal', key: 'title', values: ['a', 'b'] }],
    [q('notEqual', 'title', ['a']), { method: 'notEqual', key: 'title', values: ['a'] }],
    [q('notEqual', 'kind', ['a', 'b']), { method: 'notEqual', key: 'kind', values: ['a', 'b'] }],
    [q('lessThan', 'count', [5]), { method: 'lessThan', key: 'count', value: 5n }],
    [q('lessThanEqual', 'score', [1.5]), { method: 'lessThanEqual', key: 'score', value: 1.5 }],
    [q('greaterThan', 'score', [2]), { method: 'greaterThan', key: 'score', value: 2 }],
    [q('greaterThanEqual', 'count', [-3]), { method: 'greaterThanEqual', key: 'count', value: -3n }],
    [q('between', 'count', [1, 9]), { method: 'between', key: 'count', values: [1n, 9n] }],
    [q('notBetween', 'score', [0.5, 1]), { method: 'notBetween', key: 'score', values: [0.5, 1] }],
    [q('startsWith', 'title', ['ab']), { method: 'startsWith', key: 'title', value: 'ab' }],
    [q('endsWith', 'title', ['z']), { method: 'endsWith', key: 'title', value: 'z' }],
    [q('notStartsWith', 'title', ['%']), { method: 'notStartsWith', key: 'title', value: '%' }],
    [q('notEndsWith', 'title', ['_']), { method: 'notEndsWith', key: 'title', value: '_' }],
    [q('contains', 'title', ['x', 'y']), { method: 'contains', key: 'title', values: ['x', 'y'] }],
    [q('contains', 'tags', ['red']), { method: 'contains', key: 'tags', values: ['red'] }],
    [q('notContains', 'nums', [1, 2]), { method: 'notContains', key: 'nums', values: [1n, 2n] }],
    [q('search', 'body', ['quick fox']), { method: 'search', key: 'body', value: 'quick fox' }],
    [q('notSearch', 'body', ['']), { method: 'notSearch', key: 'body', value: '' }],
    [q('isNull', 'tags'), { method: 'isNull', key: 'tags' }],
    [q('isNotNull', 'due', []), { method: 'isNotNull', key: 'due' }],
    [q('equal', 'active', [false]), { method: 'equal', key: 'active', values: [false] }],
    [q('equal', '$id', ['doc1']), { method: 'equal', key: '$id', values: ['doc1'] }],
    [q('greaterThan', '$sequence', [10]), { method: 'greaterThan', key: '$sequence', value: 10n }],
  ])('%s', (query, filter) => {
    expect(parse(query).filters).toEqual([filter]);
  });

  it('normalizes datetimes to the stored UTC form, on attributes and on $createdAt/$updatedAt', () => {
    expect(parse(q('equal', 'due', ['2024-03-01T12:00:00+02:00'])).filters).toEqual([
      { method: 'equal', key: 'due', values: ['2024-03-01T10:00:00.000+00:00'] },
    ]);
    expect(parse(q('between', '$createdAt', ['2024-01-01', '2024-12-31T23:59:59.999Z'])).filters).toEqual([
      { method: 'between', key: '$createdAt', values: ['2024-01-01T00:00:00.000+00:00', '2024-12-31T23:59:59.999+00:00'] },
    ]);
    expect(parse(q('lessThan', '$updatedAt', ['2024-05-05 10:00'])).filters).toEqual([
      { method: 'lessThan', key: '$updatedAt', value: '2024-05-05T10:00:00.000+00:00' },
    ]);
  });

  it('keeps top-level filters as an AND list and nests and/or', () => {
    const parsed = parse(
      q('equal', 'title', ['a']),
      JSON.stringify({
        method: 'or',
        values: [
          { method: 'lessThan', attribute: 'count', values: [1] },
          { method: 'and', values: [{ method: 'isNull', attribute: 'due' }, { method: 'equal', attribute: 'active', values: [true] }] },
        ],
      }),
    );
    expect(parsed.filters).toEqual([
      { method: 'equal', key: 'title', values: ['a'] },
      {
        method: 'or',
        filters: [
          { method: 'lessThan', key: 'count', value: 1n },
          { method: 'and', filters: [{ method: 'isNull', key: 'due' }, { method: 'equal', key: 'active', values: [true] }] },
        ],
      },
    ]);
  });
});

describe('parseQueries: order, pagination, select', () => {
  it('keeps orders in the order given; an order without attribute is by $sequence', () => {
    expect(parse(q('orderDesc', 'count'), q('orderAsc', '$createdAt'), q('orderAsc')).orders).toEqual([
      { key: 'count', order: 'desc' },
      { key: '$createdAt', order: 'asc' },
      { key: '$sequence', order: 'asc' },
    ]);
  });

  it('reads limit, offset and cursors; the first of each wins', () => {
    const parsed = parse(q('limit', undefined, [5]), q('offset', undefined, [10]), q('limit', undefined, [7]), q('cursorBefore', undefined, ['doc9']), q('cursorAfter', undefined, ['doc1']));
    expect(parsed).toMatchObject({ limit: 5, offset: 10, cursor: { direction: 'before', documentId: 'doc9' } });
    expect(parse(q('cursorAfter', undefined, ['x'])).cursor).toEqual({ direction: 'after', documentId: 'x' });
  });

  it('accepts limits up to the maximum', () => {
    expect(parse(q('limit', undefined, [5000])).limit).toBe(5000);
    expect(parseQueries([q('limit', undefined, [10])], collection, { maxLimit: 10 }).limit).toBe(10);
    expect(parse(q('offset', undefined, [0])).offset).toBe(0);
  });

  it('merges selects into attribute keys; system keys are implied, * selects everything', () => {
    expect(parse(q('select', undefined, ['title', '$id', 'count']), q('select', undefined, ['count', 'tags', '$permissions'])).select).toEqual([
      'title',
      'count',
      'tags',
    ]);
    expect(parse(q('select', undefined, ['$id', '$createdAt'])).select).toEqual([]);
    expect(parse(q('select', undefined, ['title']), q('select', undefined, ['*'])).select).toBeNull();
  });
});

describe('parseQueries: errors', () => {
  const longQuery = q('equal', 'title', ['x'.repeat(5000)]);
  const tooManyValues = q('equal', 'title', Array.from({ length: 101 }, (_, i) => `v${i}`));

  it.each([
    // malformed
    ['{"method":', /^Invalid query: Syntax error/],
    ['[]', 'Invalid query: A query must be a JSON object, got array'],
    ['"equal"', 'Invalid query: A query must be a JSON object, got string'],
    ['null', 'Invalid query: A query must be a JSON object, got null'],
    ['{}', 'Invalid query: Query method must be a string, got undefined'],
    ['{"method":5}', 'Invalid query: Query method must be a string, got number'],
    [q('like', 'title', ['a']), 'Invalid query method: like'],
    [q('orderRandom'), 'Invalid query method: orderRandom'],
    ['{"method":"equal","attribute":1,"values":["a"]}', 'Invalid query: Query attribute must be a string, got number'],
    ['{"method":"equal","attribute":"title","values":"a"}', 'Invalid query: Query values must be an array, got string'],
    [longQuery, 'Invalid query: A query may be at most 4096 characters long'],
    // attributes
    [q('equal', 'nope', ['a']), 'Invalid query: Attribute not found in schema: nope'],
    [q('equal', 'a1', ['a']), 'Invalid query: Attribute not found in schema: a1'],
    [q('equal', '_uid', ['a']), 'Invalid query: Attribute not found in schema: _uid'],
    [q('isNull', '$permissions'), 'Invalid query: Attribute not found in schema: $permissions'],
    [q('equal', undefined, ['a']), 'Invalid query: Attribute not found in schema: '],
    [q('equal', 'draft', ['a']), 'Invalid query: Attribute not available: draft'],
    [q('orderAsc', 'draft'), 'Invalid query: Attribute not available: draft'],
    [q('orderAsc', 'nope'), 'Invalid query: Attribute not found in schema: nope'],
    [q('orderDesc', 'tags'), 'Invalid query: Cannot order by array attribute: tags'],
    // value counts
    [q('equal', 'title', []), 'Invalid query: Equal queries require at least one value.'],
    [q('notContains', 'tags'), 'Invalid query: NotContains queries require at least one value.'],
    [q('lessThan', 'count', [1, 2]), 'Invalid query: LessThan queries require exactly one value.'],
    [q('startsWith', 'title', []), 'Invalid query: StartsWith queries require exactly one value.'],
    [q('between', 'count', [1]), 'Invalid query: Between queries require exactly two values.'],
    [q('notBetween', 'count', [1, 2, 3]), 'Invalid query: NotBetween queries require exactly two values.'],
    [tooManyValues, 'Invalid query: Query on attribute has greater than 100 values: title'],
    // value types
    [q('equal', 'count', [1.5]), 'Invalid query: Query value is invalid for attribute "count"'],
    [q('equal', 'count', ['1']), 'Invalid query: Query value is invalid for attribute "count"'],
    [q('equal', 'count', [2 ** 53]), 'Invalid query: Query value is invalid for attribute "count"'],
    [q('equal', '$sequence', ['1']), 'Invalid query: Query value is invalid for attribute "$sequence"'],
    [q('greaterThan', 'score', ['1']), 'Invalid query: Query value is invalid for attribute "score"'],
    [q('equal', 'active', [1]), 'Invalid query: Query value is invalid for attribute "active"'],
    [q('equal', 'due', ['yesterday']), 'Invalid query: Query value is invalid for attribute "due"'],
    [q('equal', 'due', ['2024-02-30']), 'Invalid query: Query value is invalid for attribute "due"'],
    [q('lessThan', '$createdAt', [5]), 'Invalid query: Query value is invalid for attribute "$createdAt"'],
    [q('equal', 'title', [5]), 'Invalid query: Query value is invalid for attribute "title"'],
    [q('equal', 'title', [null]), 'Invalid query: Query value is invalid for attribute "title"'],
    [q('equal', 'title', [['a']]), 'Invalid query: Query value is invalid for attribute "title"'],
    [q('contains', 'nums', ['1']), 'Invalid query: Query value is invalid for attribute "nums"'],
    [q('contains', 'tags', [1]), 'Invalid query: Query value is invalid for attribute "tags"'],
    // method restrictions
    [q('equal', 'tags', ['a']), 'Invalid query: Cannot query equal on attribute "tags" because it is an array.'],
    [q('lessThan', 'nums', [1]), 'Invalid query: Cannot query lessThan on attribute "nums" because it is an array.'],
    [q('startsWith', 'tags', ['a']), 'Invalid query: Cannot query startsWith on attribute "tags" because it is an array.'],
    [q('search', 'tags', ['a']), 'Invalid query: Cannot query search on attribute "tags" because it is an array.'],
    [q('contains', 'count', [1]), 'Invalid query: Cannot query contains on attribute "count" because it is not an array or string.'],
    [q('notContains', 'active', [true]), 'Invalid query: Cannot query notContains on attribute "active" because it is not an array or string.'],
    [q('startsWith', 'count', ['1']), 'Invalid query: Cannot query startsWith on attribute "count" because it is not a string.'],
    [q('endsWith', 'due', ['Z']), 'Invalid query: Cannot query endsWith on attribute "due" because it is not a string.'],
    [q('search', 'title', ['a']), 'Searching by attribute "title" requires a fulltext index.'],
    [q('notSearch', '$id', ['a']), 'Searching by attribute "$id" requires a fulltext index.'],
    [q('search', 'count', ['1']), 'Invalid query: Cannot query search on attribute "count" because it is not a string.'],
    // and/or
    [JSON.stringify({ method: 'and', values: [{ method: 'isNull', attribute: 'due' }] }), 'Invalid query: And queries require at least two queries'],
    [JSON.stringify({ method: 'or', values: [] }), 'Invalid query: Or queries require at least two queries'],
    [JSON.stringify({ method: 'or', values: [{ method: 'isNull', attribute: 'due' }, { method: 'limit', values: [1] }] }), 'Invalid query: Or queries can only contain filter queries'],
    [JSON.stringify({ method: 'or', values: [q('isNull', 'due'), q('isNull', 'title')] }), 'Invalid query: A query must be a JSON object, got string'],
    [JSON.stringify({ method: 'or', values: [{ method: 'isNull', attribute: 'due' }, { method: 'equal', attribute: 'x', values: [1] }] }), 'Invalid query: Attribute not found in schema: x'],
    [JSON.stringify({ method: 'and', values: [{ method: 'isNull', attribute: 'due' }, { method: 'or', values: [{ method: 'isNull', attribute: 'due' }] }] }), 'Invalid query: Or queries require at least two queries'],
    // limit, offset, cursor
    [q('limit', undefined, [0]), 'Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000'],
    [q('limit', undefined, [5001]), 'Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000'],
    [q('limit', undefined, [1.5]), 'Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000'],
    [q('limit', undefined, ['10']), 'Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000'],
    [q('limit'), 'Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000'],
    [q('offset', undefined, [-1]), 'Invalid query: Invalid offset: Value must be a valid range between 0 and 9,007,199,254,740,991'],
    [q('offset', undefined, [0.5]), 'Invalid query: Invalid offset: Value must be a valid range between 0 and 9,007,199,254,740,991'],
    [q('cursorAfter', undefined, []), 'Invalid query: Invalid cursor: the value must be one document ID'],
    [q('cursorAfter', undefined, [5]), 'Invalid query: Invalid cursor: the value must be one document ID'],
    [q('cursorBefore', undefined, ['']), 'Invalid query: Invalid cursor: the value must be one document ID'],
    [q('cursorBefore', undefined, ['a', 'b']), 'Invalid query: Invalid cursor: the value must be one document ID'],
    // select
    [q('select', undefined, []), 'Invalid query: No attributes selected'],
    [q('select', undefined, [5]), 'Invalid query: Attribute selection must be a string, got number'],
    [q('select', undefined, ['title', 'title']), 'Invalid query: Duplicate attributes selected'],
    [q('select', undefined, ['title', 'nope']), 'Invalid query: Attribute not found in schema: nope'],
    [q('select', undefined, ['draft']), 'Invalid query: Attribute not available: draft'],
  ])('rejects %s', (query, message) => {
    const error = errorOf([query]);
    expect(error.type).toBe('general_query_invalid');
    expect(error.extensions['code']).toBe(400);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('validates every limit, offset and cursor even though the first wins', () => {
    expect(errorOf([q('limit', undefined, [5]), q('limit', undefined, [0])]).message).toContain('Invalid limit');
    expect(errorOf([q('cursorAfter', undefined, ['a']), q('cursorBefore', undefined, [1])]).message).toContain('Invalid cursor');
  });

  it('honours a configured maximum limit', () => {
    expect(errorOf([q('limit', undefined, [11])], { maxLimit: 10 }).message).toBe('Invalid query: Invalid limit: Value must be a valid range between 1 and 10');
  });

  it('accepts 100 queries and 100 values, not more', () => {
    const hundred = Array.from({ length: 100 }, () => q('isNotNull', 'title'));
    expect(parseQueries(hundred, collection).filters).toHaveLength(100);
    expect(errorOf([...hundred, q('isNull', 'due')]).message).toBe('Invalid query: At most 100 queries are allowed, got 101');
    expect(parse(q('equal', 'count', Array.from({ length: 100 }, (_, i) => i))).filters[0]).toMatchObject({ method: 'equal' });
  });
});
