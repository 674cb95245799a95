import type { Attribute, Collection, Database, Index } from '../generated/sqlite/client.ts';
import { parsePermissions, COLLECTION_ACTIONS, type Permission } from '../permissions/permission.ts';
import {
  buildCollectionShape,
  type AttributeDef,
  type AttributeFormat,
  type AttributeStatus,
  type AttributeType,
  type CollectionShape,
  type IndexDef,
  type IndexOrder,
  type IndexType,
} from '../documents/model.ts';

/** Conversions between metadata rows (Prisma) and the shapes the rest of the gateway uses. */

export type DatabaseRow = Database;
export type CollectionRow = Collection;
export type AttributeRow = Attribute;
export type IndexRow = Index;

export interface AttributeRecord extends AttributeDef {
  error: string;
  encrypt: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface IndexRecord extends IndexDef {
  status: AttributeStatus;
  error: string;
  createdAt: string;
  updatedAt: string;
}

const decodeBound = (type: string, text: string | null): bigint | number | null =>
  text === null ? null : type === 'integer' ? BigInt(text) : Number(text);

export const encodeBound = (value: bigint | number | null): string | null => (value === null ? null : String(value));

/** Defaults are stored as JSON; integers as strings so 64-bit values survive. */
export function encodeDefault(type: AttributeType, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return JSON.stringify(type === 'integer' ? String(value) : value);
}

function decodeDefault(type: string, text: string | null): unknown {
  if (text === null) return null;
  const value = JSON.parse(text) as unknown;
  return type === 'integer' && value !== null ? BigInt(value as string) : value;
}

export function decodeAttribute(row: AttributeRow): AttributeRecord {
  return {
    sequence: row.sequence,
    key: row.key,
    type: row.type as AttributeType,
    format: row.format as AttributeFormat,
    required: row.required,
    array: row.array,
    size: row.size,
    min: decodeBound(row.type, row.min),
    max: decodeBound(row.type, row.max),
    elements: row.elements === null ? null : (JSON.parse(row.elements) as string[]),
    default: decodeDefault(row.type, row.defaultValue),
    status: row.status as AttributeStatus,
    error: row.error,
    encrypt: row.encrypt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function decodeIndex(row: IndexRow): IndexRecord {
  return {
    sequence: row.sequence,
    key: row.key,
    type: row.type as IndexType,
    attributes: JSON.parse(row.attributes) as string[],
    orders: JSON.parse(row.orders) as (IndexOrder | null)[],
    lengths: JSON.parse(row.lengths) as (number | null)[],
    status: row.status as AttributeStatus,
    error: row.error,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A collection with everything a request needs, as held by the collection cache. */
export interface LoadedCollection {
  database: DatabaseRow;
  collection: CollectionRow;
  permissions: Permission[];
  attributes: AttributeRecord[];
  indexes: IndexRecord[];
  shape: CollectionShape;
}

export function loadedCollection(
  database: DatabaseRow,
  collection: CollectionRow,
  attributeRows: AttributeRow[],
  indexRows: IndexRow[],
): LoadedCollection {
  const attributes = attributeRows.map(decodeAttribute);
  const indexes = indexRows.map(decodeIndex);
  return {
    database,
    collection,
    permissions: parsePermissions(JSON.parse(collection.permissions) as string[], COLLECTION_ACTIONS),
    attributes,
    indexes,
    shape: buildCollectionShape({
      sequence: collection.sequence,
      id: collection.id,
      databaseId: database.id,
      documentSecurity: collection.documentSecurity,
      attributes,
      indexes,
    }),
  };
}
