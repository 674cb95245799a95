import type { AttributeDef } from '../documents/model.ts';
import { normalizeDatetime } from './datetime.ts';
import { isValidEmail, isValidIp, isValidUrl } from './formats.ts';

/**
 * One validator per kind of attribute value, shared by attribute defaults and document values. Each returns
 * the value normalized for storage (bigint for integers, number for doubles, UTC string for datetimes) or
 * Appwrite's description of the rule it broke, for the caller to wrap in its own error.
 */

/** What decides which values an attribute accepts. */
export type ValueRules = Pick<AttributeDef, 'type' | 'format' | 'size' | 'min' | 'max' | 'elements'>;

/**
 * `type`: not a value of the attribute's kind at all (wrong JS type, malformed integer, email, datetime…).
 * `constraint`: a value of the kind that the attribute's size, bounds or elements exclude.
 */
export type ValueCheck<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; failure: 'type' | 'constraint'; description: string };

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const valid = <T>(value: T): ValueCheck<T> => ({ ok: true, value });
const wrongType = (description: string): ValueCheck<never> => ({ ok: false, failure: 'type', description });
const outOfBounds = (description: string): ValueCheck<never> => ({ ok: false, failure: 'constraint', description });

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });

/**
 * A bound as PHP's number_format prints it in Appwrite's messages: thousands separated, integral values
 * exactly. (PHP would also round fractions to whole numbers; they are kept so the message stays true.)
 */
function formatBound(bound: bigint | number): string {
  return GROUPED.format(typeof bound === 'number' && Number.isInteger(bound) ? BigInt(bound) : bound);
}

const rangeRule = (min: bigint | number, max: bigint | number): string =>
  `Value must be a valid range between ${formatBound(min)} and ${formatBound(max)}`;

/** A bigint, or a JS number that is an integer small enough to be exact (larger ones may have been rounded). */
export function checkInteger(value: unknown, min = INT64_MIN, max = INT64_MAX): ValueCheck<bigint> {
  const integer = typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value as number) : null;
  if (integer === null) return wrongType('Value must be a valid integer');
  return integer < min || integer > max ? outOfBounds(rangeRule(min, max)) : valid(integer);
}

export function checkDouble(value: unknown, min = -Number.MAX_VALUE, max = Number.MAX_VALUE): ValueCheck<number> {
  const double = typeof value === 'bigint' ? Number(value) : value;
  if (typeof double !== 'number' || !Number.isFinite(double)) return wrongType('Value must be a valid float');
  return double < min || double > max ? outOfBounds(rangeRule(min, max)) : valid(double);
}

export function checkBoolean(value: unknown): ValueCheck<boolean> {
  return typeof value === 'boolean' ? valid(value) : wrongType('Value must be a valid boolean');
}

// Appwrite's message, naming the bounds of its storage (see datetime.ts).
const DATETIME_RULE = 'Value must be valid date between 0000-01-01 00:00:00 and 9999-12-31 23:59:59.';

function checkDatetime(value: unknown): ValueCheck<string> {
  const normalized = typeof value === 'string' ? normalizeDatetime(value) : null;
  return normalized === null ? wrongType(DATETIME_RULE) : valid(normalized);
}

/** Length in code points, as PHP's mb_strlen counts: a surrogate pair is one char. */
function codePointLength(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      pairs++;
      i++;
    }
  }
  return text.length - pairs;
}

/** A string of at most maxLength chars (null: unlimited). */
export function checkString(value: unknown, maxLength: number | null): ValueCheck<string> {
  const rule = maxLength === null ? 'Value must be a valid string' : `Value must be a valid string and no longer than ${maxLength} chars`;
  // NUL cannot be stored by PostgreSQL (text or jsonb): refuse it on both providers alike.
  if (typeof value !== 'string' || value.includes('\u0000')) return wrongType(rule);
  // UTF-16 length bounds the code point count from above, so counting is only needed for long strings.
  const fits = maxLength === null || value.length <= maxLength || codePointLength(value) <= maxLength;
  return fits ? valid(value) : outOfBounds(rule);
}

function checkStringFormat(value: string, rules: ValueRules): ValueCheck<string> {
  switch (rules.format) {
    case '':
      return valid(value);
    case 'email':
      return isValidEmail(value) ? valid(value) : wrongType('Value must be a valid email address');
    case 'url':
      return isValidUrl(value) ? valid(value) : wrongType('Value must be a valid URL');
    case 'ip':
      return isValidIp(value) ? valid(value) : wrongType('Value must be a valid IP address');
    case 'enum': {
      const elements = rules.elements ?? [];
      return elements.includes(value) ? valid(value) : outOfBounds(`Value must be one of (${elements.join(', ')})`);
    }
  }
}

/** A single (non-array) value of an attribute, normalized for storage. Null is not a value here. */
export function checkValue(rules: ValueRules, value: unknown): ValueCheck {
  switch (rules.type) {
    case 'integer':
      return checkInteger(value, rules.min === null ? INT64_MIN : BigInt(rules.min), rules.max === null ? INT64_MAX : BigInt(rules.max));
    case 'double':
      return checkDouble(value, rules.min === null ? -Number.MAX_VALUE : Number(rules.min), rules.max === null ? Number.MAX_VALUE : Number(rules.max));
    case 'boolean':
      return checkBoolean(value);
    case 'datetime':
      return checkDatetime(value);
    case 'string': {
      // Appwrite checks the length first, then the format.
      const text = checkString(value, rules.size);
      return text.ok ? checkStringFormat(text.value, rules) : text;
    }
  }
}
