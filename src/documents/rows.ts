import type { SqlRow } from '../db/sql.ts';
import { decodeValue, toJson } from './codec.ts';
import { columnName, type AttributeDef, type CollectionShape } from './model.ts';

/** A document as the API returns it: system fields plus `data`, the JSON text of its attributes. */
export interface DocumentOut {
  _id: string;
  _sequence: bigint;
  _collectionId: string;
  _databaseId: string;
  _createdAt: string;
  _updatedAt: string;
  _permissions: string[];
  data: string;
}

export function attributeValues(attributes: readonly AttributeDef[], row: SqlRow): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const attribute of attributes) {
    const column = columnName(attribute);
    if (column in row) values[attribute.key] = decodeValue(attribute, row[column]);
  }
  return values;
}

export function toDocument(shape: CollectionShape, row: SqlRow): DocumentOut {
  return {
    _id: row['_uid'] as string,
    _sequence: BigInt(row['_sequence'] as bigint | string),
    _collectionId: shape.id,
    _databaseId: shape.databaseId,
    _createdAt: row['_createdAt'] as string,
    _updatedAt: row['_updatedAt'] as string,
    _permissions: JSON.parse(row['_permissions'] as string) as string[],
    data: toJson(attributeValues(shape.attributes, row)),
  };
}
