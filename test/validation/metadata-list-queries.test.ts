import { describe, expect, it } from 'vitest';
import { metadataListArgs, type MetadataColumn } from '../../src/metadata/list-queries.ts';
import { appwriteError } from './appwrite-error-matcher.ts';

// The fields of the attributes list: one column of each type.
const FIELDS: Record<string, MetadataColumn> = { key: 'key', size: 'size', required: 'required', $createdAt: 'createdAt' };

const q = (method: string, attribute?: string, values?: unknown) => JSON.stringify({ method, attribute, values });
const args = (queries: string[], maxLimit?: number) => metadataListArgs(queries, FIELDS, maxLimit);
const refused = (queries: string[], message: string, maxLimit?: number) =>
  expect(() => args(queries, maxLimit)).toThrow(appwriteError('general_query_invalid', `Invalid query: ${message}`));

describe('metadata list query values', () => {
  it('pass through when they have the column type', () => {
    expect(args([q('equal', 'key', ['a', 'b']), q('notEqual', 'required', [true]), q('equal', 'size', [255]), q('startsWith', '$createdAt', ['2024'])]).where).toEqual({
      AND: [{ OR: [{ key: 'a' }, { key: 'b' }] }, { NOT: [{ required: true }] }, { OR: [{ size: 255 }] }, { createdAt: { startsWith: '2024' } }],
    });
  });

  it('compare, and test for null, on strings, integers and dates (dates normalized to UTC first)', () => {
    expect(args([q('lessThan', '$createdAt', ['2024-01-01T02:00:00+02:00']), q('greaterThanEqual', 'size', [10]), q('isNull', 'key', []), q('isNotNull', 'size', [])]).where).toEqual({
      AND: [{ createdAt: { lt: '2024-01-01T00:00:00.000+00:00' } }, { size: { gte: 10 } }, { key: null }, { size: { not: null } }],
    });
    expect(() => args([q('lessThan', 'required', [true])])).toThrow(/boolean/);
    expect(() => args([q('lessThan', '$createdAt', ['yesterday'])])).toThrow(/invalid/);
  });

  it.each([
    ['a number for a string', 'key', 1],
    ['a boolean for a string', 'key', true],
    ['a string for a boolean', 'required', 'true'],
    ['a number for a boolean', 'required', 1],
    ['a string for an integer', 'size', '10'],
    ['a fraction for an integer', 'size', 1.5],
    ['an integer beyond 32 bits', 'size', 2 ** 31],
    ['null', 'key', null],
    ['an object', 'key', { a: 1 }],
    ['a string holding NUL', 'key', 'a\u0000'],
  ])('refuse %s in equal and notEqual', (_, attribute, value) => {
    refused([q('equal', attribute, [value])], `Query value is invalid for attribute "${attribute}"`);
    refused([q('notEqual', attribute, [value])], `Query value is invalid for attribute "${attribute}"`);
  });

  it('refuse startsWith on columns that are not strings, and non-string prefixes', () => {
    refused([q('startsWith', 'required', ['x'])], 'Cannot query startsWith on attribute "required" because it is not a string.');
    refused([q('startsWith', 'size', ['1'])], 'Cannot query startsWith on attribute "size" because it is not a string.');
    refused([q('startsWith', 'key', [1])], 'Query value is invalid for attribute "key"');
  });

  it('refuse values that are not a list, and attributes that are not strings', () => {
    refused([q('equal', 'key', 'abc')], 'Query values must be an array, got string');
    refused([JSON.stringify({ method: 'equal', attribute: 5, values: ['a'] })], 'Query attribute must be a string, got number');
  });

  it('know only the listed fields, not inherited object properties', () => {
    for (const attribute of ['toString', 'constructor', '__proto__', 'name']) {
      refused([q('equal', attribute, ['x'])], `Attribute not found in schema: ${attribute}`);
      refused([q('orderAsc', attribute)], `Attribute not found in schema: ${attribute}`);
    }
  });
});

describe('metadata list limit', () => {
  it('is bounded by 5000 by default', () => {
    expect(args([q('limit', undefined, [5000])]).take).toBe(5000);
    refused([q('limit', undefined, [5001])], 'limit must be between 1 and 5000');
  });

  it('is bounded by the given maximum', () => {
    expect(args([q('limit', undefined, [10])], 10).take).toBe(10);
    refused([q('limit', undefined, [11])], 'limit must be between 1 and 10', 10);
    expect(args([q('limit', undefined, [20_000])], 20_000).take).toBe(20_000);
  });

  it('is the first one given, as Appwrite takes it (offset and cursor too); later ones are still checked', () => {
    const paged = args([q('limit', undefined, [2]), q('offset', undefined, [4]), q('cursorBefore', undefined, ['a']), q('limit', undefined, [3]), q('offset', undefined, [5]), q('cursorAfter', undefined, ['b'])]);
    expect(paged).toMatchObject({ take: 2, skip: 4, cursorId: 'a', cursorDirection: 'before' });
    expect(args([])).toMatchObject({ take: 25, skip: 0, cursorId: null, cursorDirection: 'after' });
    refused([q('limit', undefined, [2]), q('limit', undefined, [5001])], 'limit must be between 1 and 5000');
  });
});
