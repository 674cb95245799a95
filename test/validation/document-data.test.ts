import { describe, expect, it } from 'vitest';
import { buildCollectionShape, type AttributeDef, type CollectionShape } from '../../src/documents/model.ts';
import { validateDocumentData } from '../../src/validation/document-data.ts';
import { INT64_MAX, INT64_MIN } from '../../src/validation/values.ts';
import { attribute as anAttribute } from '../support/attributes.ts';
import { appwriteError } from './appwrite-error-matcher.ts';

let nextSequence = 1;
const attribute = (key: string, overrides: Partial<AttributeDef>): AttributeDef =>
  anAttribute(nextSequence++, key, overrides.type ?? 'string', { size: null, ...overrides });

const people: CollectionShape = buildCollectionShape({
  sequence: 1,
  id: 'people',
  databaseId: 'main',
  documentSecurity: false,
  indexes: [],
  attributes: [
    attribute('name', { size: 10, required: true }),
    attribute('age', { type: 'integer', min: 0n, max: 120n }),
    attribute('big', { type: 'integer', min: INT64_MIN, max: INT64_MAX }),
    attribute('score', { type: 'double', min: 0, max: 1, default: 0.5 }),
    attribute('active', { type: 'boolean', default: true }),
    attribute('born', { type: 'datetime' }),
    attribute('email', { format: 'email', size: 254 }),
    attribute('site', { format: 'url', size: 2000 }),
    attribute('ip', { format: 'ip', size: 39 }),
    attribute('color', { format: 'enum', size: 255, elements: ['red', 'green'], default: 'red' }),
    attribute('tags', { size: 5, array: true }),
    attribute('counts', { type: 'integer', array: true, min: INT64_MIN, max: INT64_MAX }),
    attribute('pending', { size: 10, required: true, status: 'processing' }),
    attribute('failed', { size: 10, status: 'failed' }),
  ],
});

const create = (data: unknown) => validateDocumentData(people, data, 'create');
const update = (data: unknown) => validateDocumentData(people, data, 'update');
const structure = (problem: string) => appwriteError('document_invalid_structure', `Invalid document structure: ${problem}`);

describe('the data object', () => {
  it.each([null, undefined, 'name', 5, true, [], [{ name: 'x' }], new Date(), new Map([['name', 'x']])])('must be a plain object, not %j', (data) => {
    expect(() => create(data)).toThrow(structure('Document data must be an object'));
    expect(() => update(data)).toThrow(structure('Document data must be an object'));
  });

  it('accepts objects without a prototype', () => {
    const data = Object.assign(Object.create(null) as object, { name: 'Ann' });
    expect(create(data).get('name')).toBe('Ann');
  });

  it('must not be empty on create', () => {
    expect(() => create({})).toThrow(appwriteError('document_missing_data', 'The document data is missing. Try again with document data populated'));
  });

  it('may be empty on update, changing nothing', () => {
    expect(update({})).toEqual(new Map());
  });
});

describe('create', () => {
  it('normalizes every given value for storage', () => {
    const values = create({
      name: 'Ann',
      age: 42,
      big: INT64_MAX,
      score: 1,
      active: false,
      born: '2024-01-31T10:20:30+02:00',
      email: 'ann@example.com',
      site: 'https://example.com',
      ip: '192.0.2.1',
      color: 'green',
      tags: ['a', 'b'],
      counts: [1, 2n, INT64_MIN],
    });
    expect(Object.fromEntries(values)).toEqual({
      name: 'Ann',
      age: 42n,
      big: INT64_MAX,
      score: 1,
      active: false,
      born: '2024-01-31T08:20:30.000+00:00',
      email: 'ann@example.com',
      site: 'https://example.com',
      ip: '192.0.2.1',
      color: 'green',
      tags: ['a', 'b'],
      counts: [1n, 2n, INT64_MIN],
    });
  });

  it('gives every missing optional attribute its default, or null', () => {
    expect(Object.fromEntries(create({ name: 'Ann' }))).toEqual({
      name: 'Ann',
      age: null,
      big: null,
      score: 0.5,
      active: true,
      born: null,
      email: null,
      site: null,
      ip: null,
      color: 'red',
      tags: null,
      counts: null,
    });
  });

  it('keeps an explicit null instead of the default', () => {
    const values = create({ name: 'Ann', score: null, color: null, tags: null });
    expect(values.get('score')).toBeNull();
    expect(values.get('color')).toBeNull();
    expect(values.get('tags')).toBeNull();
  });

  it('requires required attributes, null counting as missing', () => {
    expect(() => create({ age: 3 })).toThrow(structure('Missing required attribute "name"'));
    expect(() => create({ name: null })).toThrow(structure('Missing required attribute "name"'));
    expect(() => create({ name: undefined, age: 3 })).toThrow(structure('Missing required attribute "name"'));
  });

  it('reports a missing required attribute before an unknown one', () => {
    expect(() => create({ nickname: 'x' })).toThrow(structure('Missing required attribute "name"'));
  });

  it('does not mistake inherited object properties for given values', () => {
    const shape = buildCollectionShape({ ...people, attributes: [attribute('constructor', { size: 5, required: true }), attribute('toString', { size: 5 })] });
    expect(() => validateDocumentData(shape, { toString: 'x' }, 'create')).toThrow(structure('Missing required attribute "constructor"'));
    expect(Object.fromEntries(validateDocumentData(shape, { constructor: 'x' }, 'create'))).toEqual({ constructor: 'x', toString: null });
  });

  it('accepts an empty required array', () => {
    const shape = buildCollectionShape({ ...people, attributes: [attribute('list', { size: 3, array: true, required: true })] });
    expect(validateDocumentData(shape, { list: [] }, 'create').get('list')).toEqual([]);
    expect(() => validateDocumentData(shape, { list: null }, 'create')).toThrow(structure('Missing required attribute "list"'));
  });
});

describe('keys', () => {
  it('rejects unknown attributes', () => {
    expect(() => create({ name: 'Ann', nickname: 'A' })).toThrow(structure('Unknown attribute: "nickname"'));
    expect(() => update({ nickname: 'A' })).toThrow(structure('Unknown attribute: "nickname"'));
    expect(() => update({ Name: 'A' })).toThrow(structure('Unknown attribute: "Name"'));
  });

  it('drops the system fields clients echo back', () => {
    const echoed = {
      $id: 'ann',
      $permissions: ['read("any")'],
      $createdAt: '2024-01-01T00:00:00.000+00:00',
      $updatedAt: '2024-01-01T00:00:00.000+00:00',
      $sequence: 1,
      $collectionId: 'people',
      $databaseId: 'main',
    };
    expect([...create({ ...echoed, name: 'Ann' }).keys()]).not.toContain('$id');
    expect(update({ ...echoed, age: 1 })).toEqual(new Map([['age', 1n]]));
  });

  it('rejects a __proto__ key as unknown', () => {
    expect(() => create(JSON.parse('{"name":"Ann","__proto__":{"age":1}}'))).toThrow(structure('Unknown attribute: "__proto__"'));
  });

  it.each(['$tenant', '$collection', '$foo'])('rejects other system-looking keys such as %s', (key) => {
    expect(() => update({ [key]: 'x' })).toThrow(structure(`Unknown attribute: "${key}"`));
  });

  it('treats attributes that are not available as unknown, and never as required', () => {
    expect(() => create({ name: 'Ann', pending: 'x' })).toThrow(structure('Unknown attribute: "pending"'));
    expect(() => update({ failed: 'x' })).toThrow(structure('Unknown attribute: "failed"'));
    expect(create({ name: 'Ann' }).has('pending')).toBe(false);
  });
});

describe('update', () => {
  it('returns only the given attributes, without defaults', () => {
    expect(update({ age: 7, active: null })).toEqual(
      new Map<string, unknown>([
        ['age', 7n],
        ['active', null],
      ]),
    );
  });

  it('rejects null for a required attribute', () => {
    expect(() => update({ name: null })).toThrow(structure('Missing required attribute "name"'));
  });

  it('validates given values like create', () => {
    expect(() => update({ age: 121 })).toThrow(structure('Attribute "age" has invalid format. Value must be a valid range between 0 and 120'));
  });
});

describe('values', () => {
  const invalid = (key: string, label: 'type' | 'format', rule: string) => structure(`Attribute "${key}" has invalid ${label}. ${rule}`);

  it.each(['x', '5', 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, true, [1], { n: 1 }])('rejects the integer %j', (value) => {
    expect(() => update({ age: value })).toThrow(invalid('age', 'format', 'Value must be a valid integer'));
  });

  it('checks integers against the attribute bounds', () => {
    expect(update({ age: 0 }).get('age')).toBe(0n);
    expect(update({ age: 120n }).get('age')).toBe(120n);
    expect(() => update({ age: -1 })).toThrow(invalid('age', 'format', 'Value must be a valid range between 0 and 120'));
    expect(() => update({ age: 121n })).toThrow(invalid('age', 'format', 'Value must be a valid range between 0 and 120'));
  });

  it('checks integers against the exact 64-bit range', () => {
    const int64Range = 'Value must be a valid range between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807';
    expect(update({ big: INT64_MIN }).get('big')).toBe(INT64_MIN);
    expect(update({ big: INT64_MAX }).get('big')).toBe(INT64_MAX);
    expect(() => update({ big: INT64_MAX + 1n })).toThrow(invalid('big', 'format', int64Range));
    expect(() => update({ big: INT64_MIN - 1n })).toThrow(invalid('big', 'format', int64Range));
  });

  it('uses the 64-bit range for integer attributes stored without bounds', () => {
    const shape = buildCollectionShape({ ...people, attributes: [attribute('n', { type: 'integer' })] });
    expect(validateDocumentData(shape, { n: INT64_MAX }, 'update').get('n')).toBe(INT64_MAX);
    expect(() => validateDocumentData(shape, { n: INT64_MAX + 1n }, 'update')).toThrow(appwriteError('document_invalid_structure'));
  });

  it('checks doubles', () => {
    expect(update({ score: 0 }).get('score')).toBe(0);
    expect(update({ score: 0.25 }).get('score')).toBe(0.25);
    expect(() => update({ score: 1.01 })).toThrow(invalid('score', 'format', 'Value must be a valid range between 0 and 1'));
    expect(() => update({ score: '0.5' })).toThrow(invalid('score', 'format', 'Value must be a valid float'));
    expect(() => update({ score: Number.NaN })).toThrow(invalid('score', 'format', 'Value must be a valid float'));
  });

  it.each(['true', 'false', 1, 0])('rejects the boolean %j', (value) => {
    expect(() => update({ active: value })).toThrow(invalid('active', 'type', 'Value must be a valid boolean'));
  });

  it('checks string lengths in chars', () => {
    expect(update({ name: '😀'.repeat(10) }).get('name')).toBe('😀'.repeat(10));
    expect(update({ name: '' }).get('name')).toBe('');
    const tooLong = invalid('name', 'type', 'Value must be a valid string and no longer than 10 chars');
    expect(() => update({ name: '😀'.repeat(11) })).toThrow(tooLong);
    expect(() => update({ name: 'abcdefghijk' })).toThrow(tooLong);
    expect(() => update({ name: 5 })).toThrow(tooLong);
  });

  it('normalizes datetimes and rejects invalid ones', () => {
    expect(update({ born: '2024-01-31' }).get('born')).toBe('2024-01-31T00:00:00.000+00:00');
    const rule = 'Value must be valid date between 0000-01-01 00:00:00 and 9999-12-31 23:59:59.';
    for (const value of ['2024-02-30', 'soon', 1706696430, '10000-01-01']) {
      expect(() => update({ born: value })).toThrow(invalid('born', 'type', rule));
    }
  });

  it.each([
    ['email', 'not-an-email', 'Value must be a valid email address'],
    ['site', 'example.com', 'Value must be a valid URL'],
    ['ip', '1.2.3.256', 'Value must be a valid IP address'],
    ['color', 'blue', 'Value must be one of (red, green)'],
    ['email', 42, 'Value must be a valid string and no longer than 254 chars'],
  ])('rejects %s %j with a format message', (key, value, rule) => {
    expect(() => update({ [key]: value })).toThrow(invalid(key, 'format', rule));
  });

  it('reports the first invalid value in the order given, after any unknown attribute', () => {
    expect(() => update({ score: 5, age: -1 })).toThrow(invalid('score', 'format', 'Value must be a valid range between 0 and 1'));
    expect(() => update({ age: -1, nickname: 'x' })).toThrow(structure('Unknown attribute: "nickname"'));
  });
});

describe('arrays', () => {
  it('accepts empty arrays and null for optional arrays', () => {
    expect(update({ tags: [] }).get('tags')).toEqual([]);
    expect(update({ tags: null }).get('tags')).toBeNull();
  });

  it.each(['a', 5, { 0: 'a' }, true])('requires an array, not %j', (value) => {
    expect(() => update({ tags: value })).toThrow(structure('Attribute "tags" must be an array'));
  });

  it('validates each element, naming its index', () => {
    expect(() => update({ tags: ['ok', 'toolong'] })).toThrow(
      structure(`Attribute "tags['1']" has invalid type. Value must be a valid string and no longer than 5 chars`),
    );
    expect(() => update({ counts: [1, 1.5] })).toThrow(structure(`Attribute "counts['1']" has invalid format. Value must be a valid integer`));
  });

  it('rejects null elements', () => {
    expect(() => update({ tags: ['a', null] })).toThrow(
      structure(`Attribute "tags['1']" has invalid type. Value must be a valid string and no longer than 5 chars`),
    );
  });

  it('rejects an array for a scalar attribute', () => {
    expect(() => update({ name: ['Ann'] })).toThrow(
      structure('Attribute "name" has invalid type. Value must be a valid string and no longer than 10 chars'),
    );
    expect(() => update({ age: [1] })).toThrow(structure('Attribute "age" has invalid format. Value must be a valid integer'));
  });
});
