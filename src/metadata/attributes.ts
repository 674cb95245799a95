import type { Prisma } from '../generated/sqlite/client.ts';
import type { Dialect } from '../db/dialect.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { encodeValue } from '../documents/codec.ts';
import { addColumnStatement, backfillStatement, dropColumnStatement, longerThanStatement } from '../documents/ddl.ts';
import { validateAttributeDefinition, type AttributeInput, type NormalizedAttribute } from '../validation/attribute-definition.ts';
import { validateKey } from '../validation/ids.ts';
import { onUniqueViolation, requireCollection, SCHEMA_CHANGE_TRANSACTION, timestamp, type Catalog } from './catalog.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from './list-queries.ts';
import { decodeAttribute, encodeBound, encodeDefault, type AttributeRecord } from './records.ts';

/** Appwrite's per-collection attribute limit depends on row width; a fixed bound keeps tables sane on both providers. */
export const MAX_ATTRIBUTES = 500;

export type AttributeKind = AttributeInput['kind'];

export const ATTRIBUTE_QUERY_FIELDS: Record<string, MetadataColumn> = { key: 'key', type: 'type', size: 'size', required: 'required', array: 'array', status: 'status' };

/** Which API kind an attribute is: the stored type plus, for strings, its format. */
export function attributeKind(attribute: Pick<AttributeRecord, 'type' | 'format'>): AttributeKind {
  if (attribute.type === 'double') return 'float';
  if (attribute.type === 'string' && attribute.format) return attribute.format;
  return attribute.type;
}

function rowData(normalized: NormalizedAttribute, at: string) {
  return {
    key: normalized.key,
    type: normalized.type,
    format: normalized.format,
    required: normalized.required,
    array: normalized.array,
    size: normalized.size,
    min: encodeBound(normalized.min),
    max: encodeBound(normalized.max),
    elements: normalized.elements === null ? null : JSON.stringify(normalized.elements),
    defaultValue: encodeDefault(normalized.type, normalized.default),
    encrypt: normalized.encrypt,
    updatedAt: at,
  };
}

/**
 * Adds the attribute's row and column inside the caller's transaction. Existing documents take the default,
 * so filters on the new attribute see the same value reads report.
 */
export async function insertAttribute(
  tx: Prisma.TransactionClient,
  dialect: Dialect,
  collectionSequence: number,
  normalized: NormalizedAttribute,
  at: string,
): Promise<AttributeRecord> {
  const row = await onUniqueViolation(
    tx.attribute.create({ data: { ...rowData(normalized, at), collectionSequence, createdAt: at } }),
    'attribute_already_exists',
    'Attribute with the requested key already exists. Attribute keys must be unique, try again with a different key.',
  );
  const attribute = decodeAttribute(row);
  await tx.$executeRawUnsafe(addColumnStatement(dialect, collectionSequence, attribute));
  if (attribute.default !== null) {
    await tx.$executeRawUnsafe(backfillStatement(dialect, collectionSequence, attribute), encodeValue(dialect, attribute, attribute.default));
  }
  return attribute;
}

export async function createAttribute(catalog: Catalog, databaseId: string, collectionId: string, input: AttributeInput): Promise<AttributeRecord> {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const normalized = validateAttributeDefinition(input);
  if (loaded.attributes.length >= MAX_ATTRIBUTES) {
    throw new AppwriteError('attribute_limit_exceeded', `The maximum number of attributes (${MAX_ATTRIBUTES}) has been reached.`);
  }
  const at = timestamp(catalog);
  try {
    return await catalog.db.prisma.$transaction(
      (tx) => insertAttribute(tx, catalog.db.dialect, loaded.collection.sequence, normalized, at),
      SCHEMA_CHANGE_TRANSACTION,
    );
  } finally {
    await catalog.cache.invalidate(databaseId, collectionId);
  }
}

export async function listAttributes(catalog: Catalog, databaseId: string, collectionId: string, queries: readonly string[] | null | undefined, maxLimit?: number) {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const args = metadataListArgs(queries, ATTRIBUTE_QUERY_FIELDS, maxLimit);
  const collectionSequence = loaded.collection.sequence;
  const prisma = catalog.db.prisma;
  const { rows, count } = await runMetadataList(args, { collectionSequence }, {
    find: (q) => prisma.attribute.findMany(q),
    count: (q) => prisma.attribute.count(q),
    sequenceOf: async (key) => (await prisma.attribute.findUnique({ where: { collectionSequence_key: { collectionSequence, key } } }))?.sequence ?? null,
  });
  return { rows: rows.map(decodeAttribute), count };
}

export async function getAttribute(catalog: Catalog, databaseId: string, collectionId: string, key: string): Promise<AttributeRecord> {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const attribute = loaded.attributes.find((a) => a.key === key);
  if (!attribute) throw new AppwriteError('attribute_not_found', 'Attribute with the requested ID could not be found.');
  return attribute;
}

export interface AttributeUpdate extends Omit<AttributeInput, 'key' | 'array'> {
  newKey?: string | null;
}

export async function updateAttribute(catalog: Catalog, databaseId: string, collectionId: string, key: string, update: AttributeUpdate): Promise<AttributeRecord> {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const existing = await getAttribute(catalog, databaseId, collectionId, key);
  if (attributeKind(existing) !== update.kind) {
    throw new AppwriteError('attribute_type_invalid', `Attribute "${key}" is of type ${attributeKind(existing)}, not ${update.kind}.`);
  }
  const newKey = update.newKey ? validateKey(update.newKey, 'newKey') : key;
  const normalized = validateAttributeDefinition(
    {
      ...update,
      key: newKey,
      array: existing.array,
      size: update.size ?? existing.size,
      min: update.min !== undefined ? update.min : existing.min,
      max: update.max !== undefined ? update.max : existing.max,
      // Appwrite requires `default` (null clears it); left out here, the current default stays.
      default: update.default !== undefined ? update.default : existing.default,
      elements: update.elements ?? existing.elements,
      encrypt: existing.encrypt,
    },
    existing,
  );
  const shrinking = normalized.size !== null && existing.size !== null && normalized.size < existing.size;
  const at = timestamp(catalog);
  try {
    const row = await catalog.db.prisma.$transaction(async (tx) => {
      // Checked inside the transaction so no longer value can be written between the check and the change.
      if (shrinking) {
        const found = await tx.$queryRawUnsafe<unknown[]>(longerThanStatement(catalog.db.dialect, loaded.collection.sequence, existing), normalized.size);
        if (found.length) throw new AppwriteError('attribute_invalid_resize', 'Existing data is too large for new size, truncate your existing data then try again.');
      }
      const updated = await onUniqueViolation(
        tx.attribute.update({ where: { sequence: existing.sequence }, data: rowData(normalized, at) }),
        'attribute_already_exists',
        'Attribute with the requested key already exists. Attribute keys must be unique, try again with a different key.',
      );
      if (newKey !== key) await renameInIndexes(tx, loaded.collection.sequence, key, newKey);
      return updated;
    }, SCHEMA_CHANGE_TRANSACTION);
    return decodeAttribute(row);
  } finally {
    await catalog.cache.invalidate(databaseId, collectionId);
  }
}

/** Columns are named by sequence, so a rename only touches metadata: the indexes that list the key. */
async function renameInIndexes(tx: Prisma.TransactionClient, collectionSequence: number, from: string, to: string): Promise<void> {
  for (const index of await tx.index.findMany({ where: { collectionSequence } })) {
    const attributes = JSON.parse(index.attributes) as string[];
    if (!attributes.includes(from)) continue;
    await tx.index.update({ where: { sequence: index.sequence }, data: { attributes: JSON.stringify(attributes.map((a) => (a === from ? to : a))) } });
  }
}

export async function deleteAttribute(catalog: Catalog, databaseId: string, collectionId: string, key: string): Promise<void> {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const attribute = await getAttribute(catalog, databaseId, collectionId, key);
  const dependent = loaded.indexes.find((index) => index.attributes.includes(key));
  if (dependent) {
    throw new AppwriteError('index_dependency', `Attribute "${key}" is used by index "${dependent.key}": delete the index first.`);
  }
  try {
    await catalog.db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(dropColumnStatement(loaded.collection.sequence, attribute));
      await tx.attribute.delete({ where: { sequence: attribute.sequence } });
    }, SCHEMA_CHANGE_TRANSACTION);
  } finally {
    await catalog.cache.invalidate(databaseId, collectionId);
  }
}
