import { describe, expect, it } from 'vitest';
import { formatDatetime, normalizeDatetime, nowIso } from '../../src/validation/datetime.ts';

describe('normalizeDatetime', () => {
  it.each([
    ['2024-01-31', '2024-01-31T00:00:00.000+00:00'],
    ['2024-01-31T10:20', '2024-01-31T10:20:00.000+00:00'],
    ['2024-01-31T10:20:30', '2024-01-31T10:20:30.000+00:00'],
    ['2024-01-31 10:20:30', '2024-01-31T10:20:30.000+00:00'],
    ['2024-01-31T10:20:30Z', '2024-01-31T10:20:30.000+00:00'],
    ['2024-01-31t10:20:30z', '2024-01-31T10:20:30.000+00:00'],
    ['2024-01-31T10:20:30.123Z', '2024-01-31T10:20:30.123+00:00'],
    ['2024-01-31T10:20:30.1Z', '2024-01-31T10:20:30.100+00:00'],
    ['2024-01-31T10:20:30,5', '2024-01-31T10:20:30.500+00:00'],
    ['2024-01-31T10:20:30.123456789Z', '2024-01-31T10:20:30.123+00:00'],
    ['2024-01-31T10:20:30.9999Z', '2024-01-31T10:20:30.999+00:00'],
    ['2024-01-31T10:20:30+02:00', '2024-01-31T08:20:30.000+00:00'],
    ['2024-01-31T10:20:30+0530', '2024-01-31T04:50:30.000+00:00'],
    ['2024-01-31T10:20:30-05', '2024-01-31T15:20:30.000+00:00'],
    ['2024-01-31T10:20:30.250-00:00', '2024-01-31T10:20:30.250+00:00'],
    ['2024-01-01T01:00:00+02:00', '2023-12-31T23:00:00.000+00:00'],
    ['2023-12-31T23:30:00-01:00', '2024-01-01T00:30:00.000+00:00'],
  ])('normalizes %s to UTC', (input, expected) => {
    expect(normalizeDatetime(input)).toBe(expected);
  });

  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000+00:00'],
    ['2000-02-29', '2000-02-29T00:00:00.000+00:00'],
    ['0000-02-29', '0000-02-29T00:00:00.000+00:00'],
  ])('accepts the leap day %s', (input, expected) => {
    expect(normalizeDatetime(input)).toBe(expected);
  });

  it.each(['2023-02-29', '1900-02-29', '2024-02-30', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-01-32'])(
    'rejects the impossible date %s',
    (input) => {
      expect(normalizeDatetime(input)).toBeNull();
    },
  );

  it.each(['2024-01-31T24:00', '2024-01-31T10:60', '2024-01-31T10:20:60', '2024-01-31T10:20:30+24:00', '2024-01-31T10:20:30+02:60'])(
    'rejects the out-of-range time %s',
    (input) => {
      expect(normalizeDatetime(input)).toBeNull();
    },
  );

  it.each([
    '',
    'now',
    'tomorrow',
    '2024',
    '2024-01',
    '2024-1-5',
    '24-01-31',
    ' 2024-01-31',
    '2024-01-31 ',
    '2024/01/31',
    '2024-01-31T',
    '2024-01-31T10',
    '2024-01-31Z',
    '2024-01-31T10:20:30.',
    '2024-01-31T10:20:30+02:',
    '2024-01-31T10:20:30+2:00',
    '2024-01-31T10:20:30 +02:00',
    '10:20:30',
    '1706696430',
  ])('rejects the malformed %j', (input) => {
    expect(normalizeDatetime(input)).toBeNull();
  });

  it('takes years below 100 literally', () => {
    expect(normalizeDatetime('0099-06-15')).toBe('0099-06-15T00:00:00.000+00:00');
    expect(normalizeDatetime('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000+00:00');
  });

  it('accepts the first and last instants of years 0000-9999', () => {
    expect(normalizeDatetime('0000-01-01')).toBe('0000-01-01T00:00:00.000+00:00');
    expect(normalizeDatetime('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999+00:00');
    expect(normalizeDatetime('9999-12-31T23:00:00+02:00')).toBe('9999-12-31T21:00:00.000+00:00');
  });

  it('rejects datetimes that fall outside years 0000-9999 once in UTC', () => {
    expect(normalizeDatetime('10000-01-01')).toBeNull();
    expect(normalizeDatetime('-0001-01-01')).toBeNull();
    expect(normalizeDatetime('0000-01-01T00:30:00+01:00')).toBeNull();
    expect(normalizeDatetime('9999-12-31T23:00:00-02:00')).toBeNull();
  });

  it('produces fixed-width values whose lexical order is their time order', () => {
    const inputs = ['2024-01-31T10:20:30+02:00', '0999-05-01', '2024-01-31T08:20:29.999Z', '2024-01-31T09:00:00+01:00', '9000-01-01', '0000-01-01'];
    const normalized = inputs.map((input) => normalizeDatetime(input) ?? '');
    const byTime = [...normalized].sort((a, b) => Date.parse(a) - Date.parse(b));
    expect([...normalized].sort()).toEqual(byTime);
    expect(new Set(normalized.map((value) => value.length))).toEqual(new Set([29]));
  });

  it('is idempotent on its own output', () => {
    const once = normalizeDatetime('2024-01-31T10:20:30.123+02:00');
    expect(once).not.toBeNull();
    expect(normalizeDatetime(once ?? '')).toBe(once);
  });
});

describe('formatDatetime', () => {
  it('prints UTC with milliseconds and a +00:00 offset', () => {
    expect(formatDatetime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe('2024-01-02T03:04:05.006+00:00');
  });
});

describe('nowIso', () => {
  it('formats the clock reading', () => {
    expect(nowIso(() => Date.UTC(2030, 5, 15, 12, 0, 0, 42))).toBe('2030-06-15T12:00:00.042+00:00');
  });

  it('defaults to the system clock', () => {
    const before = Date.now();
    const now = Date.parse(nowIso());
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
