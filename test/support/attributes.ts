import type { AttributeDef } from '../../src/documents/model.ts';

/** An available, optional attribute of the given type; `extra` overrides any field. */
export function attribute(sequence: number, key: string, type: AttributeDef['type'], extra: Partial<AttributeDef> = {}): AttributeDef {
  return {
    sequence, key, type, format: '', required: false, array: false, size: type === 'string' ? 255 : null,
    min: null, max: null, elements: null, default: null, status: 'available', ...extra,
  };
}

/** The attributes both query test files build their `books` collection from. */
export const BOOK_ATTRIBUTES: AttributeDef[] = [
  attribute(1, 'title', 'string'),
  attribute(2, 'count', 'integer'),
  attribute(3, 'score', 'double'),
  attribute(4, 'active', 'boolean'),
  attribute(5, 'due', 'datetime'),
  attribute(6, 'tags', 'string', { array: true }),
  attribute(7, 'nums', 'integer', { array: true }),
  attribute(8, 'body', 'string'),
];
