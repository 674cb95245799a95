import { describe, expect, it } from 'vitest';
import { INT64_MAX, INT64_MIN, checkDouble, checkInteger, checkString, checkValue, type ValueRules } from '../../src/validation/values.ts';

const INT64_RANGE = 'Value must be a valid range between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807';
const rules = (overrides: Partial<ValueRules>): ValueRules => ({ type: 'string', format: '', size: null, min: null, max: null, elements: null, ...overrides });

describe('checkInteger', () => {
  it('holds the exact 64-bit bounds', () => {
    expect(INT64_MIN).toBe(-9223372036854775808n);
    expect(INT64_MAX).toBe(9223372036854775807n);
  });

  it.each([
    [0, 0n],
    [-0, 0n],
    [42, 42n],
    [-7, -7n],
    [Number.MAX_SAFE_INTEGER, 9007199254740991n],
    [Number.MIN_SAFE_INTEGER, -9007199254740991n],
    [INT64_MAX, INT64_MAX],
    [INT64_MIN, INT64_MIN],
  ])('accepts %s as %s', (value, expected) => {
    expect(checkInteger(value)).toEqual({ ok: true, value: expected });
  });

  it.each([1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 53), 1e20, '5', '', true, null, undefined, [1], {}])(
    'refuses %j as not an integer',
    (value) => {
      expect(checkInteger(value)).toEqual({ ok: false, failure: 'type', description: 'Value must be a valid integer' });
    },
  );

  it('refuses bigints beyond 64 bits with the 64-bit range', () => {
    expect(checkInteger(INT64_MAX + 1n)).toEqual({ ok: false, failure: 'constraint', description: INT64_RANGE });
    expect(checkInteger(INT64_MIN - 1n)).toEqual({ ok: false, failure: 'constraint', description: INT64_RANGE });
  });

  it('applies given bounds inclusively and prints them with thousands separators', () => {
    expect(checkInteger(10_000, 1n, 10_000n)).toEqual({ ok: true, value: 10_000n });
    expect(checkInteger(1n, 1n, 10_000n)).toEqual({ ok: true, value: 1n });
    const refused = { ok: false, failure: 'constraint', description: 'Value must be a valid range between 1 and 10,000' };
    expect(checkInteger(10_001, 1n, 10_000n)).toEqual(refused);
    expect(checkInteger(0n, 1n, 10_000n)).toEqual(refused);
  });
});

describe('checkDouble', () => {
  it.each([
    [0, 0],
    [1.5, 1.5],
    [-2, -2],
    [3n, 3],
    [Number.MAX_VALUE, Number.MAX_VALUE],
    [-Number.MAX_VALUE, -Number.MAX_VALUE],
  ])('accepts %s', (value, expected) => {
    expect(checkDouble(value)).toEqual({ ok: true, value: expected });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1.5', true, null, [1]])('refuses %j as not a float', (value) => {
    expect(checkDouble(value)).toEqual({ ok: false, failure: 'type', description: 'Value must be a valid float' });
  });

  it('applies given bounds inclusively, keeping fractions in the message', () => {
    expect(checkDouble(0.5, 0.5, 1000.25)).toEqual({ ok: true, value: 0.5 });
    expect(checkDouble(1000.25, 0.5, 1000.25)).toEqual({ ok: true, value: 1000.25 });
    expect(checkDouble(1000.3, 0.5, 1000.25)).toEqual({
      ok: false,
      failure: 'constraint',
      description: 'Value must be a valid range between 0.5 and 1,000.25',
    });
  });

  it('prints huge integral bounds exactly, as PHP prints PHP_FLOAT_MAX', () => {
    const floatMax =
      '179,769,313,486,231,570,814,527,423,731,704,356,798,070,567,525,844,996,598,917,476,803,157,260,780,028,538,760,589,558,' +
      '632,766,878,171,540,458,953,514,382,464,234,321,326,889,464,182,768,467,546,703,537,516,986,049,910,576,551,282,076,245,' +
      '490,090,389,328,944,075,868,508,455,133,942,304,583,236,903,222,948,165,808,559,332,123,348,274,797,826,204,144,723,168,' +
      '738,177,180,919,299,881,250,404,026,184,124,858,368';
    expect(checkDouble(1, 2)).toEqual({ ok: false, failure: 'constraint', description: `Value must be a valid range between 2 and ${floatMax}` });
  });
});

describe('checkString', () => {
  it('counts code points, not UTF-16 units or bytes', () => {
    expect(checkString('😀'.repeat(10), 10)).toEqual({ ok: true, value: '😀'.repeat(10) });
    expect(checkString('é'.repeat(10), 10).ok).toBe(true);
    expect(checkString('日本語テキスト', 7).ok).toBe(true);
    expect(checkString('😀'.repeat(11), 10)).toEqual({
      ok: false,
      failure: 'constraint',
      description: 'Value must be a valid string and no longer than 10 chars',
    });
  });

  it('counts a lone surrogate as one char', () => {
    expect(checkString('\ud83d'.repeat(3), 3).ok).toBe(true);
    expect(checkString('\ud83d'.repeat(4), 3).ok).toBe(false);
  });

  it('accepts the empty string and exactly the maximum length', () => {
    expect(checkString('', 1).ok).toBe(true);
    expect(checkString('abc', 3).ok).toBe(true);
    expect(checkString('abcd', 3).ok).toBe(false);
  });

  it('has no limit without a maximum', () => {
    expect(checkString('x'.repeat(100_000), null).ok).toBe(true);
    expect(checkString(1, null)).toEqual({ ok: false, failure: 'type', description: 'Value must be a valid string' });
  });

  it.each([1, true, null, ['a'], { a: 1 }])('refuses %j as not a string', (value) => {
    expect(checkString(value, 5)).toEqual({ ok: false, failure: 'type', description: 'Value must be a valid string and no longer than 5 chars' });
  });
});

describe('checkValue', () => {
  it('uses the stored bounds of integers and doubles, or the widest ones when unbounded', () => {
    expect(checkValue(rules({ type: 'integer', min: 0n, max: 120n }), 120)).toEqual({ ok: true, value: 120n });
    expect(checkValue(rules({ type: 'integer', min: 0n, max: 120n }), 121).ok).toBe(false);
    expect(checkValue(rules({ type: 'integer' }), INT64_MIN)).toEqual({ ok: true, value: INT64_MIN });
    expect(checkValue(rules({ type: 'double', min: 0, max: 1 }), 1)).toEqual({ ok: true, value: 1 });
    expect(checkValue(rules({ type: 'double', min: 0, max: 1 }), 1.01).ok).toBe(false);
    expect(checkValue(rules({ type: 'double' }), -Number.MAX_VALUE).ok).toBe(true);
  });

  it('checks booleans strictly', () => {
    expect(checkValue(rules({ type: 'boolean' }), false)).toEqual({ ok: true, value: false });
    expect(checkValue(rules({ type: 'boolean' }), 0)).toEqual({ ok: false, failure: 'type', description: 'Value must be a valid boolean' });
    expect(checkValue(rules({ type: 'boolean' }), 'true').ok).toBe(false);
  });

  it('normalizes datetimes', () => {
    expect(checkValue(rules({ type: 'datetime' }), '2024-01-31T10:20:30+02:00')).toEqual({ ok: true, value: '2024-01-31T08:20:30.000+00:00' });
    const refused = { ok: false, failure: 'type', description: 'Value must be valid date between 0000-01-01 00:00:00 and 9999-12-31 23:59:59.' };
    expect(checkValue(rules({ type: 'datetime' }), '2024-02-30')).toEqual(refused);
    expect(checkValue(rules({ type: 'datetime' }), 1706696430)).toEqual(refused);
  });

  it.each([
    ['email', 'someone@example.com', 'not-an-email', 'Value must be a valid email address'],
    ['url', 'https://example.com', 'example.com', 'Value must be a valid URL'],
    ['ip', '192.0.2.1', '192.0.2.256', 'Value must be a valid IP address'],
  ] as const)('checks the %s format after the length', (format, good, bad, description) => {
    const formatted = rules({ format, size: 30 });
    expect(checkValue(formatted, good)).toEqual({ ok: true, value: good });
    expect(checkValue(formatted, bad)).toEqual({ ok: false, failure: 'type', description });
    expect(checkValue(formatted, 'x'.repeat(31))).toEqual({ ok: false, failure: 'constraint', description: 'Value must be a valid string and no longer than 30 chars' });
  });

  it('checks enum membership exactly (case-sensitive)', () => {
    const enumRules = rules({ format: 'enum', size: 255, elements: ['red', 'green'] });
    expect(checkValue(enumRules, 'green')).toEqual({ ok: true, value: 'green' });
    const refused = { ok: false, failure: 'constraint', description: 'Value must be one of (red, green)' };
    expect(checkValue(enumRules, 'Green')).toEqual(refused);
    expect(checkValue(enumRules, 'blue')).toEqual(refused);
    expect(checkValue(enumRules, 1)).toEqual({ ok: false, failure: 'type', description: 'Value must be a valid string and no longer than 255 chars' });
  });
});
