import type { Prisma } from '../generated/sqlite/client.ts';
import type { Dialect } from '../db/dialect.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { createIndexStatements, dropIndexStatements } from '../documents/ddl.ts';
import { isSystemField, type IndexOrder, type IndexType } from '../documents/model.ts';
import { validateKey } from '../validation/ids.ts';
import { invalidParam } from '../validation/params.ts';
import { onUniqueViolation, requireCollection, SCHEMA_CHANGE_TRANSACTION, timestamp, type Catalog } from './catalog.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from './list-queries.ts';
import { decodeIndex, type IndexRecord, type LoadedCollection } from './records.ts';

export const MAX_INDEXES = 64;

export const INDEX_QUERY_FIELDS: Record<string, MetadataColumn> = { key: 'key', type: 'type', status: 'status', $createdAt: 'createdAt', $updatedAt: 'updatedAt' };

const INDEX_TYPES: readonly IndexType[] = ['key', 'unique', 'fulltext'];

/**
 * The create-index parameters as given: GraphQL arguments, or an item of createCollection's `indexes` JSON,
 * whose fields may be anything; validateIndex checks them all.
 */
export interface IndexInput {
  key?: unknown;
  type?: unknown;
  attributes?: unknown;
  orders?: unknown;
  lengths?: unknown;
}

interface NormalizedIndex {
  key: string;
  type: IndexType;
  attributes: string[];
  orders: (IndexOrder | null)[];
  lengths: (number | null)[];
}

function invalidIndex(message: string): AppwriteError {
  return new AppwriteError('index_invalid', message);
}

const isIndexType = (value: unknown): value is IndexType => INDEX_TYPES.includes(value as IndexType);
const isAttributeKey = (value: unknown): value is string => typeof value === 'string';
const isOrder = (value: unknown): value is IndexOrder | null => value === null || value === 'asc' || value === 'desc';
const isLength = (value: unknown): value is number | null => value === null || (Number.isSafeInteger(value) && (value as number) >= 0);

function listParam<T>(name: string, value: unknown, isItem: (item: unknown) => item is T, description: string): T[] {
  if (!Array.isArray(value) || !value.every(isItem)) throw invalidParam(name, description);
  return value;
}

/** Checks an index definition against the collection's attributes (Appwrite's Index validator rules). */
export function validateIndex(loaded: Pick<LoadedCollection, 'attributes' | 'indexes'>, input: IndexInput): NormalizedIndex {
  const key = validateKey(input.key, 'key');
  const type = input.type;
  if (!isIndexType(type)) throw invalidParam('type', `Value must be one of (${INDEX_TYPES.join(', ')})`);
  const attributes = listParam('attributes', input.attributes, isAttributeKey, 'Value must be an array of attribute keys');
  const orders = listParam('orders', input.orders ?? [], isOrder, 'Value must be an array of asc, desc or null');
  const lengths = listParam('lengths', input.lengths ?? [], isLength, 'Value must be an array of non-negative integers or null');
  if (attributes.length === 0) throw invalidIndex('An index needs at least one attribute.');
  if (new Set(attributes).size !== attributes.length) throw invalidIndex('Duplicate attributes provided.');
  if (orders.length > attributes.length) throw invalidIndex('There are more orders than attributes.');
  for (const attributeKey of attributes) {
    if (isSystemField(attributeKey)) {
      if (type === 'fulltext') throw invalidIndex(`Attribute "${attributeKey}" cannot be part of a fulltext index.`);
      continue;
    }
    const attribute = loaded.attributes.find((a) => a.key === attributeKey);
    if (!attribute) throw new AppwriteError('attribute_unknown', `Unknown attribute: ${attributeKey}. Verify the attribute name or create the attribute.`);
    if (attribute.status !== 'available') throw new AppwriteError('attribute_not_available', `Attribute not available: ${attributeKey}`);
    if (type === 'fulltext' && (attribute.type !== 'string' || attribute.array)) {
      throw invalidIndex(`Attribute "${attributeKey}" cannot be part of a fulltext index: only non-array string attributes can.`);
    }
  }
  if (loaded.indexes.length >= MAX_INDEXES) throw new AppwriteError('index_limit_exceeded', `Index limit exceeded: at most ${MAX_INDEXES} indexes per collection.`);
  return {
    key,
    type,
    attributes: [...attributes],
    orders: attributes.map((_, i) => orders[i] ?? null),
    lengths: attributes.map((_, i) => lengths[i] ?? null),
  };
}

/** Adds the index row and the real database index inside the caller's transaction. */
export async function insertIndex(
  tx: Prisma.TransactionClient,
  dialect: Dialect,
  loaded: Pick<LoadedCollection, 'collection' | 'shape'>,
  normalized: NormalizedIndex,
  at: string,
): Promise<IndexRecord> {
  const row = await onUniqueViolation(
    tx.index.create({
      data: {
        collectionSequence: loaded.collection.sequence,
        key: normalized.key,
        type: normalized.type,
        attributes: JSON.stringify(normalized.attributes),
        orders: JSON.stringify(normalized.orders),
        lengths: JSON.stringify(normalized.lengths),
        createdAt: at,
        updatedAt: at,
      },
    }),
    'index_already_exists',
    'Index with the requested key already exists. Try again with a different key.',
  );
  const index = decodeIndex(row);
  try {
    for (const statement of createIndexStatements(dialect, loaded.shape, index)) await tx.$executeRawUnsafe(statement);
  } catch (error) {
    // A unique index over duplicate values fails in the database; say why instead of a raw driver error.
    if (index.type === 'unique' && /unique|duplicate/i.test(String((error as Error).message))) {
      throw invalidIndex('Existing documents hold duplicate values for the attributes of this unique index.');
    }
    throw error;
  }
  return index;
}

export async function createIndex(catalog: Catalog, databaseId: string, collectionId: string, input: IndexInput): Promise<IndexRecord> {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const normalized = validateIndex(loaded, input);
  const at = timestamp(catalog);
  try {
    return await catalog.db.prisma.$transaction((tx) => insertIndex(tx, catalog.db.dialect, loaded, normalized, at), SCHEMA_CHANGE_TRANSACTION);
  } finally {
    await catalog.cache.invalidate(databaseId, collectionId);
  }
}

/** `maxLimit`: the largest `limit` a query may ask for (the configured maxListLimit). */
export async function listIndexes(catalog: Catalog, databaseId: string, collectionId: string, queries: readonly string[] | null | undefined, maxLimit?: number) {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const args = metadataListArgs(queries, INDEX_QUERY_FIELDS, maxLimit);
  const collectionSequence = loaded.collection.sequence;
  const prisma = catalog.db.prisma;
  const { rows, count } = await runMetadataList(args, { collectionSequence }, {
    find: (q) => prisma.index.findMany(q),
    count: (q) => prisma.index.count(q),
    sequenceOf: async (key) => (await prisma.index.findUnique({ where: { collectionSequence_key: { collectionSequence, key } } }))?.sequence ?? null,
  });
  return { rows: rows.map(decodeIndex), count };
}

export async function getIndex(catalog: Catalog, databaseId: string, collectionId: string, key: string): Promise<IndexRecord> {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const index = loaded.indexes.find((i) => i.key === key);
  if (!index) throw new AppwriteError('index_not_found', 'Index with the requested ID could not be found.');
  return index;
}

export async function deleteIndex(catalog: Catalog, databaseId: string, collectionId: string, key: string): Promise<void> {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  const index = await getIndex(catalog, databaseId, collectionId, key);
  try {
    await catalog.db.prisma.$transaction(async (tx) => {
      for (const statement of dropIndexStatements(catalog.db.dialect, loaded.collection.sequence, index)) await tx.$executeRawUnsafe(statement);
      await tx.index.delete({ where: { sequence: index.sequence } });
    }, SCHEMA_CHANGE_TRANSACTION);
  } finally {
    await catalog.cache.invalidate(databaseId, collectionId);
  }
}
