import { describe, expect, it } from 'vitest';
import type { AttributeDef } from '../../src/documents/model.ts';
import { validateAttributeDefinition, type AttributeInput } from '../../src/validation/attribute-definition.ts';
import { INT64_MAX, INT64_MIN } from '../../src/validation/values.ts';
import { attribute } from '../support/attributes.ts';
import { appwriteError } from './appwrite-error-matcher.ts';

const KEY_RULE = "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char";
const INT64_RANGE = 'Value must be a valid range between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807';
const DATETIME_RULE = 'Value must be valid date between 0000-01-01 00:00:00 and 9999-12-31 23:59:59.';

const create = (input: Partial<AttributeInput> & Pick<AttributeInput, 'kind'>) =>
  validateAttributeDefinition({ key: 'attr', required: false, ...input });

const existing = (overrides: Partial<AttributeDef>): AttributeDef => attribute(7, 'attr', 'string', { size: 10, ...overrides });

describe('keys', () => {
  it.each(['', '_private', '$id', '$createdAt', '.dot', '-dash', 'has space', 'x'.repeat(37)])('rejects the key %j', (key) => {
    expect(() => create({ kind: 'boolean', key })).toThrow(appwriteError('general_argument_invalid', `Invalid \`key\` param: ${KEY_RULE}`));
  });

  it.each([undefined, null, 12, true, ['a'], { key: 'a' }])('rejects the non-string key %j (JSON attributes reach here unchecked)', (key) => {
    expect(() => create({ kind: 'boolean', key })).toThrow(appwriteError('general_argument_invalid', `Invalid \`key\` param: ${KEY_RULE}`));
  });

  it('accepts a 36-char key with inner special chars', () => {
    const key = `a.b-c_${'d'.repeat(30)}`;
    expect(create({ kind: 'boolean', key }).key).toBe(key);
  });
});

describe('string attributes', () => {
  it('normalizes a full definition', () => {
    expect(create({ kind: 'string', key: 'title', size: 10, default: 'abc' })).toEqual({
      key: 'title',
      type: 'string',
      format: '',
      size: 10,
      min: null,
      max: null,
      elements: null,
      required: false,
      array: false,
      default: 'abc',
      encrypt: false,
    });
  });

  it('requires a size', () => {
    expect(() => create({ kind: 'string' })).toThrow(appwriteError('general_argument_invalid', 'Param "size" is not optional.'));
    expect(() => create({ kind: 'string', size: null })).toThrow(appwriteError('general_argument_invalid', 'Param "size" is not optional.'));
  });

  it('accepts sizes from 1 to 1,073,741,824', () => {
    expect(create({ kind: 'string', size: 1 }).size).toBe(1);
    expect(create({ kind: 'string', size: 1_073_741_824 }).size).toBe(1_073_741_824);
  });

  it.each([0, -1, 1_073_741_825, 1.5, Number.NaN])('rejects the size %s', (size) => {
    const message = Number.isInteger(size)
      ? 'Invalid `size` param: Value must be a valid range between 1 and 1,073,741,824'
      : 'Invalid `size` param: Value must be a valid integer';
    expect(() => create({ kind: 'string', size })).toThrow(appwriteError('general_argument_invalid', message));
  });

  it('requires the default to fit the size, counted in chars', () => {
    expect(create({ kind: 'string', size: 3, default: '😀é日' }).default).toBe('😀é日');
    expect(() => create({ kind: 'string', size: 3, default: '😀😀😀😀' })).toThrow(
      appwriteError('attribute_value_invalid', 'Value must be a valid string and no longer than 3 chars'),
    );
  });

  it('rejects a default that is not a string', () => {
    expect(() => create({ kind: 'string', size: 3, default: 12 })).toThrow(
      appwriteError('general_argument_invalid', 'Invalid `default` param: Value must be a valid string and no longer than 3 chars'),
    );
  });

  it('keeps an empty-string default (it is a value, not "no default")', () => {
    expect(create({ kind: 'string', size: 3, default: '' }).default).toBe('');
    expect(() => create({ kind: 'string', size: 3, default: '', required: true })).toThrow(appwriteError('attribute_default_unsupported'));
  });

  it('needs at least 150 chars to encrypt', () => {
    expect(create({ kind: 'string', size: 150, encrypt: true }).encrypt).toBe(true);
    expect(() => create({ kind: 'string', size: 149, encrypt: true })).toThrow(
      appwriteError('general_bad_request', 'Size too small. Encrypted strings require a minimum size of 150 characters.'),
    );
    expect(create({ kind: 'string', size: 10, encrypt: false }).encrypt).toBe(false);
  });
});

describe('defaults and required / array', () => {
  it('refuses a default on a required attribute', () => {
    expect(() => create({ kind: 'integer', required: true, default: 5 })).toThrow(
      appwriteError('attribute_default_unsupported', 'Cannot set default value for required attribute'),
    );
    expect(() => create({ kind: 'boolean', required: true, default: false })).toThrow(
      appwriteError('attribute_default_unsupported', 'Cannot set default value for required attribute'),
    );
  });

  it('refuses a default on an array attribute', () => {
    expect(() => create({ kind: 'string', size: 5, array: true, default: 'a' })).toThrow(
      appwriteError('attribute_default_unsupported', 'Cannot set default value for array attributes'),
    );
  });

  it('allows required and array attributes without a default', () => {
    expect(create({ kind: 'integer', required: true, array: true, default: null })).toMatchObject({ required: true, array: true, default: null });
    expect(create({ kind: 'integer', required: true })).toMatchObject({ required: true, array: false, default: null });
  });
});

describe('integer attributes', () => {
  it('defaults the bounds to the 64-bit range', () => {
    expect(create({ kind: 'integer' })).toEqual({
      key: 'attr',
      type: 'integer',
      format: '',
      size: null,
      min: INT64_MIN,
      max: INT64_MAX,
      elements: null,
      required: false,
      array: false,
      default: null,
      encrypt: false,
    });
  });

  it('takes bounds and defaults as bigints or safe JS integers, returning bigints', () => {
    expect(create({ kind: 'integer', min: 0, max: 120n, default: 18 })).toMatchObject({ min: 0n, max: 120n, default: 18n });
  });

  it('accepts the exact 64-bit bounds as bigints', () => {
    expect(create({ kind: 'integer', min: INT64_MIN, max: INT64_MAX, default: INT64_MAX })).toMatchObject({ min: INT64_MIN, max: INT64_MAX, default: INT64_MAX });
    expect(create({ kind: 'integer', default: INT64_MIN }).default).toBe(INT64_MIN);
  });

  it.each([
    ['min', { min: INT64_MIN - 1n }],
    ['max', { max: INT64_MAX + 1n }],
  ] as const)('rejects a %s beyond 64 bits', (name, bounds) => {
    expect(() => create({ kind: 'integer', ...bounds })).toThrow(appwriteError('general_argument_invalid', `Invalid \`${name}\` param: ${INT64_RANGE}`));
  });

  it.each([
    ['min', { min: 1.5 }],
    ['max', { max: 2 ** 60 }],
    ['default', { default: 1.5 }],
    ['default', { default: '5' }],
  ] as const)('rejects a non-integer %s', (name, values) => {
    expect(() => create({ kind: 'integer', ...values })).toThrow(
      appwriteError('general_argument_invalid', `Invalid \`${name}\` param: Value must be a valid integer`),
    );
  });

  it('requires min <= max', () => {
    expect(create({ kind: 'integer', min: 5, max: 5 })).toMatchObject({ min: 5n, max: 5n });
    expect(() => create({ kind: 'integer', min: 6, max: 5 })).toThrow(
      appwriteError('attribute_value_invalid', 'Minimum value must be lesser than maximum value'),
    );
    expect(() => create({ kind: 'integer', min: 1 })).not.toThrow();
    expect(() => create({ kind: 'integer', min: INT64_MIN + 1n, max: INT64_MIN })).toThrow(appwriteError('attribute_value_invalid'));
  });

  it('requires the default within the bounds, inclusive', () => {
    expect(create({ kind: 'integer', min: 0, max: 120, default: 0 }).default).toBe(0n);
    expect(create({ kind: 'integer', min: 0, max: 120, default: 120 }).default).toBe(120n);
    expect(() => create({ kind: 'integer', min: 0, max: 120, default: 121 })).toThrow(
      appwriteError('attribute_value_invalid', 'Value must be a valid range between 0 and 120'),
    );
    expect(() => create({ kind: 'integer', min: 1000, default: -1 })).toThrow(
      appwriteError('attribute_value_invalid', 'Value must be a valid range between 1,000 and 9,223,372,036,854,775,807'),
    );
  });
});

describe('float attributes', () => {
  it('is stored as double with bounds defaulting to ±Number.MAX_VALUE', () => {
    expect(create({ kind: 'float', default: 2.5 })).toMatchObject({
      type: 'double',
      format: '',
      size: null,
      min: -Number.MAX_VALUE,
      max: Number.MAX_VALUE,
      default: 2.5,
    });
  });

  it('returns bounds and default as numbers', () => {
    expect(create({ kind: 'float', min: 0n, max: 1, default: 1 })).toMatchObject({ min: 0, max: 1, default: 1 });
  });

  it('requires min <= max', () => {
    expect(() => create({ kind: 'float', min: 1.5, max: 1.25 })).toThrow(
      appwriteError('attribute_value_invalid', 'Minimum value must be lesser than maximum value'),
    );
  });

  it('requires the default within the bounds', () => {
    expect(() => create({ kind: 'float', min: 0.5, max: 1.5, default: 1.75 })).toThrow(
      appwriteError('attribute_value_invalid', 'Value must be a valid range between 0.5 and 1.5'),
    );
  });

  it.each([
    ['min', { min: Number.NaN }],
    ['max', { max: Number.POSITIVE_INFINITY }],
    ['default', { default: '1.5' }],
  ] as const)('rejects a %s that is not a finite number', (name, values) => {
    expect(() => create({ kind: 'float', ...values })).toThrow(
      appwriteError('general_argument_invalid', `Invalid \`${name}\` param: Value must be a valid float`),
    );
  });
});

describe('boolean and datetime attributes', () => {
  it('keeps a boolean default, false included', () => {
    expect(create({ kind: 'boolean', default: false })).toMatchObject({ type: 'boolean', format: '', size: null, default: false });
  });

  it('rejects a boolean default that is not a boolean', () => {
    expect(() => create({ kind: 'boolean', default: 'true' })).toThrow(
      appwriteError('general_argument_invalid', 'Invalid `default` param: Value must be a valid boolean'),
    );
  });

  it('normalizes a datetime default to UTC', () => {
    expect(create({ kind: 'datetime', default: '2024-01-31T10:20:30+02:00' })).toMatchObject({
      type: 'datetime',
      format: '',
      default: '2024-01-31T08:20:30.000+00:00',
    });
  });

  it.each(['2024-02-30', 'yesterday', '10000-01-01'])('rejects the datetime default %j', (value) => {
    expect(() => create({ kind: 'datetime', default: value })).toThrow(
      appwriteError('general_argument_invalid', `Invalid \`default\` param: ${DATETIME_RULE}`),
    );
  });
});

describe('formatted string attributes', () => {
  it.each([
    ['email', 254, 'someone@example.com'],
    ['url', 2000, 'https://example.com/a'],
    ['ip', 39, '2001:db8::1'],
  ] as const)('stores %s as a string of size %i with that format', (kind, size, value) => {
    expect(create({ kind, default: value })).toMatchObject({ type: 'string', format: kind, size, min: null, max: null, default: value });
  });

  it.each([
    ['email', 'not-an-email', 'Value must be a valid email address'],
    ['url', 'example.com', 'Value must be a valid URL'],
    ['ip', '300.1.1.1', 'Value must be a valid IP address'],
  ] as const)('rejects an invalid %s default', (kind, value, rule) => {
    expect(() => create({ kind, default: value })).toThrow(appwriteError('general_argument_invalid', `Invalid \`default\` param: ${rule}`));
  });

  it('ignores a size given for a fixed-size kind', () => {
    expect(create({ kind: 'email', size: 5 }).size).toBe(254);
  });
});

describe('enum attributes', () => {
  const ELEMENTS_RULE =
    'Invalid `elements` param: Value must a valid array no longer than 100 items and Value must be a valid string and no longer than 255 chars';

  it('is a string of size 255 with its elements', () => {
    expect(create({ kind: 'enum', elements: ['red', 'green'], default: 'green' })).toMatchObject({
      type: 'string',
      format: 'enum',
      size: 255,
      elements: ['red', 'green'],
      default: 'green',
    });
  });

  it('copies the elements', () => {
    const elements = ['a', 'b'];
    const normalized = create({ kind: 'enum', elements });
    elements.push('c');
    expect(normalized.elements).toEqual(['a', 'b']);
  });

  it('requires at least one element', () => {
    expect(() => create({ kind: 'enum', elements: [] })).toThrow(appwriteError('attribute_value_invalid', 'Enum elements must not be empty'));
    expect(() => create({ kind: 'enum' })).toThrow(appwriteError('attribute_value_invalid', 'Enum elements must not be empty'));
  });

  it('rejects empty elements', () => {
    expect(() => create({ kind: 'enum', elements: ['a', ''] })).toThrow(appwriteError('attribute_value_invalid', 'Each enum element must not be empty'));
  });

  it('rejects duplicate elements', () => {
    expect(() => create({ kind: 'enum', elements: ['a', 'b', 'a'] })).toThrow(appwriteError('attribute_value_invalid', 'Enum elements must be unique'));
    expect(create({ kind: 'enum', elements: ['a', 'A'] }).elements).toEqual(['a', 'A']);
  });

  it('allows up to 100 elements', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `e${i}`);
    expect(create({ kind: 'enum', elements: hundred }).elements).toHaveLength(100);
    expect(() => create({ kind: 'enum', elements: [...hundred, 'e100'] })).toThrow(appwriteError('general_argument_invalid', ELEMENTS_RULE));
  });

  it('allows elements of up to 255 chars', () => {
    expect(create({ kind: 'enum', elements: ['x'.repeat(255), '😀'.repeat(255)] }).elements).toHaveLength(2);
    expect(() => create({ kind: 'enum', elements: ['x'.repeat(256)] })).toThrow(appwriteError('general_argument_invalid', ELEMENTS_RULE));
  });

  it.each(['abc', 5, { a: 'b' }, true])('rejects elements %j that are not a list', (elements) => {
    expect(() => create({ kind: 'enum', elements })).toThrow(appwriteError('general_argument_invalid', ELEMENTS_RULE));
  });

  it('rejects elements that are not strings', () => {
    expect(() => create({ kind: 'enum', elements: ['a', 1] })).toThrow(appwriteError('general_argument_invalid', ELEMENTS_RULE));
    expect(() => create({ kind: 'enum', elements: [null] })).toThrow(appwriteError('general_argument_invalid', ELEMENTS_RULE));
  });

  it('requires the default to be one of the elements', () => {
    expect(() => create({ kind: 'enum', elements: ['red', 'green'], default: 'blue' })).toThrow(
      appwriteError('attribute_value_invalid', 'Default value not found in elements'),
    );
    expect(() => create({ kind: 'enum', elements: ['red'], default: 'Red' })).toThrow(appwriteError('attribute_value_invalid'));
  });
});

describe('flags', () => {
  it('reads an absent required, array or encrypt as false', () => {
    expect(create({ kind: 'string', size: 200, required: undefined, array: undefined, encrypt: undefined })).toMatchObject({ required: false, array: false, encrypt: false });
    expect(create({ kind: 'string', size: 200, required: null, array: null, encrypt: null })).toMatchObject({ required: false, array: false, encrypt: false });
  });

  it('keeps true flags', () => {
    expect(create({ kind: 'string', size: 200, required: true, array: true, encrypt: true })).toMatchObject({ required: true, array: true, encrypt: true });
  });

  it.each(['required', 'array', 'encrypt'] as const)('rejects a %s that is not a boolean', (name) => {
    for (const value of ['yes', 1, 0, [], {}]) {
      expect(() => create({ kind: 'string', size: 200, [name]: value })).toThrow(
        appwriteError('general_argument_invalid', `Invalid \`${name}\` param: Value must be a valid boolean`),
      );
    }
  });
});

describe('updates', () => {
  const update = (input: Partial<AttributeInput> & Pick<AttributeInput, 'kind'>, current: AttributeDef) =>
    validateAttributeDefinition({ key: current.key, required: false, default: null, ...input }, current);

  it('renames to a valid newKey', () => {
    expect(update({ kind: 'string', newKey: 'renamed' }, existing({})).key).toBe('renamed');
    expect(update({ kind: 'string', newKey: null }, existing({})).key).toBe('attr');
  });

  it('rejects an invalid newKey', () => {
    expect(() => update({ kind: 'string', newKey: '$renamed' }, existing({}))).toThrow(
      appwriteError('general_argument_invalid', `Invalid \`newKey\` param: ${KEY_RULE}`),
    );
  });

  it('keeps the current size unless a new one is given, and validates the new one', () => {
    expect(update({ kind: 'string' }, existing({ size: 10 })).size).toBe(10);
    expect(update({ kind: 'string', size: 5 }, existing({ size: 10 })).size).toBe(5);
    expect(update({ kind: 'string', size: 500 }, existing({ size: 10 })).size).toBe(500);
    expect(() => update({ kind: 'string', size: 0 }, existing({ size: 10 }))).toThrow(appwriteError('general_argument_invalid'));
  });

  it('checks the default against the resulting size', () => {
    expect(() => update({ kind: 'string', default: 'abcdef' }, existing({ size: 5 }))).toThrow(appwriteError('attribute_value_invalid'));
    expect(update({ kind: 'string', size: 6, default: 'abcdef' }, existing({ size: 5 })).default).toBe('abcdef');
  });

  it('keeps the array flag of the existing attribute', () => {
    expect(update({ kind: 'string', array: false }, existing({ array: true })).array).toBe(true);
    expect(() => update({ kind: 'string', default: 'a' }, existing({ array: true }))).toThrow(
      appwriteError('attribute_default_unsupported', 'Cannot set default value for array attributes'),
    );
  });

  it('clears the default when given null', () => {
    expect(update({ kind: 'string', default: null }, existing({ default: 'old' })).default).toBeNull();
  });

  it('keeps current bounds that are not given, and checks them together', () => {
    const age = existing({ type: 'integer', size: null, min: 0n, max: 120n });
    expect(update({ kind: 'integer' }, age)).toMatchObject({ min: 0n, max: 120n });
    expect(update({ kind: 'integer', max: 150 }, age)).toMatchObject({ min: 0n, max: 150n });
    expect(() => update({ kind: 'integer', min: 121 }, age)).toThrow(
      appwriteError('attribute_value_invalid', 'Minimum value must be lesser than maximum value'),
    );
    expect(() => update({ kind: 'integer', default: 121 }, age)).toThrow(
      appwriteError('attribute_value_invalid', 'Value must be a valid range between 0 and 120'),
    );
  });

  it('widens unbounded stored bounds to the full range', () => {
    const unbounded = existing({ type: 'integer', size: null, min: null, max: null });
    expect(update({ kind: 'integer' }, unbounded)).toMatchObject({ min: INT64_MIN, max: INT64_MAX });
  });

  it('keeps float bounds as numbers', () => {
    const ratio = existing({ type: 'double', size: null, min: 0, max: 1 });
    expect(update({ kind: 'float', default: 0.25 }, ratio)).toMatchObject({ min: 0, max: 1, default: 0.25 });
  });

  it('keeps the current enum elements unless new ones are given', () => {
    const color = existing({ format: 'enum', size: 255, elements: ['red', 'green'] });
    expect(update({ kind: 'enum', default: 'red' }, color)).toMatchObject({ elements: ['red', 'green'], default: 'red' });
    expect(update({ kind: 'enum', elements: ['blue'], default: 'blue' }, color).elements).toEqual(['blue']);
    expect(() => update({ kind: 'enum', elements: [] }, color)).toThrow(appwriteError('attribute_value_invalid', 'Enum elements must not be empty'));
    expect(() => update({ kind: 'enum', elements: ['blue'], default: 'red' }, color)).toThrow(
      appwriteError('attribute_value_invalid', 'Default value not found in elements'),
    );
  });
});
