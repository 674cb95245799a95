import type { Dialect } from '../db/dialect.ts';
import type { AttributeDef } from './model.ts';

/**
 * Conversion between validated attribute values and what the drivers bind and return.
 * Validated values: string, bigint (integer), number (double), boolean, normalized ISO string (datetime),
 * arrays of those, or null.
 */

type Typed = Pick<AttributeDef, 'type' | 'array'>;

/** JSON text in which bigints are written as exact integer literals. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}` : v)).replace(
    /"\\u0000(-?\d+)"/g,
    '$1',
  );
}

/** A scalar as a bound parameter of the dialect (used for writes and for query values alike). */
export function encodeScalar(dialect: Dialect, type: Typed['type'], value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') return dialect === 'sqlite' ? (value ? 1 : 0) : Boolean(value);
  // pg binds int8 from text exactly; better-sqlite3 binds bigint natively.
  if (type === 'integer' && dialect === 'postgresql') return String(value);
  return value;
}

export function encodeValue(dialect: Dialect, attribute: Typed, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return attribute.array ? toJson(value) : encodeScalar(dialect, attribute.type, value);
}

/** A boolean as either driver returns it: SQLite 0/1 (bigint with safe integers), PostgreSQL true/false or 't'. */
export const decodeBoolean = (raw: unknown): boolean => raw === true || raw === 1 || raw === 1n || raw === 't';

function decodeScalar(type: Typed['type'], raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof raw === 'bigint' ? raw : BigInt(raw as string | number);
    case 'double':
      return Number(raw);
    case 'boolean':
      return decodeBoolean(raw);
    default:
      return raw;
  }
}

/** A column value as the driver returned it → the attribute's value (bigint for integers). */
export function decodeValue(attribute: Typed, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  if (!attribute.array) return decodeScalar(attribute.type, raw);
  const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[];
  return list.map((item) => decodeScalar(attribute.type, item));
}
