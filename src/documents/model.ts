/**
 * The shapes the document layer works with: a collection's attributes and indexes as loaded from the
 * metadata tables, and how they map to SQL names. Tables, columns and indexes are named after internal
 * sequence numbers (`c12`, `a34`, `i7`), never after client-chosen keys: keys can be renamed for free,
 * differ only in case, and never reach SQL text.
 */

export type AttributeType = 'string' | 'integer' | 'double' | 'boolean' | 'datetime';
/** Appwrite keeps email/enum/url/ip as `type: "string"` plus a format; datetime reports format "datetime" in its model. */
export type AttributeFormat = '' | 'email' | 'enum' | 'url' | 'ip';
export type AttributeStatus = 'available' | 'processing' | 'deleting' | 'stuck' | 'failed';

export interface AttributeDef {
  sequence: number;
  key: string;
  type: AttributeType;
  format: AttributeFormat;
  required: boolean;
  array: boolean;
  /** Maximum length of a string value (string-backed types). */
  size: number | null;
  /** Bounds: bigint for integer attributes, number for double attributes, null when unbounded. */
  min: bigint | number | null;
  max: bigint | number | null;
  /** Allowed values of an enum attribute. */
  elements: string[] | null;
  /** Decoded default (bigint for integers, normalized ISO string for datetimes), null when none. */
  default: unknown;
  status: AttributeStatus;
}

export type IndexType = 'key' | 'unique' | 'fulltext';
export type IndexOrder = 'asc' | 'desc';

export interface IndexDef {
  sequence: number;
  key: string;
  type: IndexType;
  /** Attribute keys, possibly system ones (`$id`, `$createdAt`, `$updatedAt`). */
  attributes: string[];
  orders: (IndexOrder | null)[];
  lengths: (number | null)[];
}

export interface CollectionShape {
  sequence: number;
  id: string;
  databaseId: string;
  documentSecurity: boolean;
  attributes: AttributeDef[];
  attributeByKey: ReadonlyMap<string, AttributeDef>;
  indexes: IndexDef[];
}

/** System fields clients may filter and sort on, and the columns that hold them. */
export const SYSTEM_COLUMNS = {
  $id: '_uid',
  $sequence: '_sequence',
  $createdAt: '_createdAt',
  $updatedAt: '_updatedAt',
} as const;
export type SystemField = keyof typeof SYSTEM_COLUMNS;
export const isSystemField = (key: string): key is SystemField => Object.hasOwn(SYSTEM_COLUMNS, key);

export const tableName = (collectionSequence: number): string => `c${collectionSequence}`;
export const columnName = (attribute: Pick<AttributeDef, 'sequence'>): string => `a${attribute.sequence}`;
export const indexName = (collectionSequence: number, indexSequence: number): string => `c${collectionSequence}_i${indexSequence}`;

export function buildCollectionShape(
  base: Omit<CollectionShape, 'attributeByKey'>,
): CollectionShape {
  return { ...base, attributeByKey: new Map(base.attributes.map((a) => [a.key, a])) };
}
