import { AppwriteError } from '../errors/appwrite-error.ts';
import { createTableStatements, dropTableStatements } from '../documents/ddl.ts';
import { buildCollectionShape, type AttributeFormat, type AttributeType } from '../documents/model.ts';
import { COLLECTION_ACTIONS, formatPermission, parsePermissions } from '../permissions/permission.ts';
import { validateAttributeDefinition, type AttributeInput, type AttributeKind } from '../validation/attribute-definition.ts';
import { resolveId } from '../validation/ids.ts';
import { invalidParam, validateName } from '../validation/params.ts';
import { attributeKind, insertAttribute, MAX_ATTRIBUTES } from './attributes.ts';
import { onUniqueViolation, requireCollection, requireDatabase, SCHEMA_CHANGE_TRANSACTION, timestamp, type Catalog } from './catalog.ts';
import { insertIndex, validateIndex } from './indexes.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from './list-queries.ts';
import { loadedCollection, type AttributeRecord, type IndexRecord } from './records.ts';

export const COLLECTION_QUERY_FIELDS: Record<string, MetadataColumn> = {
  $id: 'id',
  name: 'name',
  enabled: 'enabled',
  documentSecurity: 'documentSecurity',
  $createdAt: 'createdAt',
  $updatedAt: 'updatedAt',
};

const permissionsJson = (permissions: readonly string[]): string =>
  JSON.stringify(parsePermissions(permissions, COLLECTION_ACTIONS).map(formatPermission));

/** `maxLimit`: the largest `limit` a query may ask for (the configured maxListLimit). */
export async function listCollections(
  catalog: Catalog,
  databaseId: string,
  queries: readonly string[] | null | undefined,
  search: string | null | undefined,
  maxLimit?: number,
) {
  const database = await requireDatabase(catalog, databaseId);
  const args = metadataListArgs(queries, COLLECTION_QUERY_FIELDS, maxLimit);
  const scope = { databaseSequence: database.sequence, ...(search ? { OR: [{ name: { contains: search } }, { id: { contains: search } }] } : {}) };
  const prisma = catalog.db.prisma;
  // Attributes and indexes come in the same query: a page of collections costs one round trip, not one each.
  const { rows, count } = await runMetadataList(args, scope, {
    find: (q) => prisma.collection.findMany({ ...q, include: { attributes: { orderBy: { sequence: 'asc' } }, indexes: { orderBy: { sequence: 'asc' } } } }),
    count: (q) => prisma.collection.count(q),
    sequenceOf: async (id) => (await prisma.collection.findUnique({ where: { databaseSequence_id: { databaseSequence: database.sequence, id } } }))?.sequence ?? null,
  });
  return { rows: rows.map(({ attributes, indexes, ...collection }) => loadedCollection(database, collection, attributes, indexes)), count };
}

/** The stored type each JSON `type` names: Appwrite's models say "double", its SDKs' create calls "float". */
const STORED_TYPES: Readonly<Record<string, AttributeType>> = {
  string: 'string',
  integer: 'integer',
  double: 'double',
  float: 'double',
  boolean: 'boolean',
  datetime: 'datetime',
};
const STRING_FORMATS: readonly AttributeFormat[] = ['email', 'enum', 'url', 'ip'];

const isStoredTypeName = (value: unknown): value is string => typeof value === 'string' && Object.hasOwn(STORED_TYPES, value);
const isStringFormat = (value: unknown): value is AttributeFormat => value === '' || STRING_FORMATS.includes(value as AttributeFormat);

/** The kind a JSON attribute's type and format name. Only strings have a format (datetime models report one). */
function kindFromJson(type: unknown, format: unknown): AttributeKind {
  if (!isStoredTypeName(type)) throw invalidParam('type', `Value must be one of (${Object.keys(STORED_TYPES).join(', ')})`);
  const stored = STORED_TYPES[type]!;
  if (stored !== 'string') return attributeKind({ type: stored, format: '' });
  if (!isStringFormat(format)) throw invalidParam('format', `Value must be one of (${STRING_FORMATS.join(', ')})`);
  return attributeKind({ type: stored, format });
}

/**
 * An attribute as given inside createCollection's `attributes` (Appwrite's attribute model, as JSON). Values
 * pass on unchecked: validateAttributeDefinition checks them.
 */
function attributeFromJson(value: Record<string, unknown>): AttributeInput {
  return {
    kind: kindFromJson(value['type'], value['format'] ?? ''),
    key: value['key'],
    required: value['required'],
    array: value['array'],
    size: value['size'],
    min: value['min'],
    max: value['max'],
    default: value['default'],
    elements: value['elements'],
    encrypt: value['encrypt'],
  };
}

/** An item of a JSON list parameter: an object, whose own validation errors say which item they concern. */
function jsonItem<T>(list: string, value: unknown, index: number, validate: (item: Record<string, unknown>) => T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParam(list, `Item ${index} must be a JSON object`);
  try {
    return validate(value as Record<string, unknown>);
  } catch (error) {
    if (error instanceof AppwriteError) throw new AppwriteError(error.type, `${list}[${index}]: ${error.message}`);
    throw error;
  }
}

export interface CreateCollectionInput {
  collectionId: string;
  name: string;
  permissions?: readonly string[] | null;
  documentSecurity?: boolean | null;
  enabled?: boolean | null;
  /** JSON objects as the client sent them: each is checked here. */
  attributes?: readonly unknown[] | null;
  indexes?: readonly unknown[] | null;
}

/** Creates the collection, its table, and any attributes and indexes given with it, all or nothing. */
export async function createCollection(catalog: Catalog, databaseId: string, input: CreateCollectionInput) {
  const database = await requireDatabase(catalog, databaseId);
  const id = resolveId(input.collectionId, 'collectionId');
  const name = validateName(input.name);
  const permissions = permissionsJson(input.permissions ?? []);
  const attributes = (input.attributes ?? []).map((value, i) => jsonItem('attributes', value, i, (item) => validateAttributeDefinition(attributeFromJson(item))));
  if (attributes.length > MAX_ATTRIBUTES) throw new AppwriteError('attribute_limit_exceeded', `The maximum number of attributes (${MAX_ATTRIBUTES}) has been reached.`);
  const { dialect } = catalog.db;
  const at = timestamp(catalog);
  try {
    await catalog.db.prisma.$transaction(async (tx) => {
      const collection = await onUniqueViolation(
        tx.collection.create({
          data: {
            databaseSequence: database.sequence,
            id,
            name,
            permissions,
            documentSecurity: input.documentSecurity ?? false,
            enabled: input.enabled ?? true,
            createdAt: at,
            updatedAt: at,
          },
        }),
        'collection_already_exists',
        'Collection with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.',
      );
      for (const statement of createTableStatements(dialect, collection.sequence)) await tx.$executeRawUnsafe(statement);
      const created: AttributeRecord[] = [];
      for (const attribute of attributes) created.push(await insertAttribute(tx, dialect, collection.sequence, attribute, at));
      const indexes: IndexRecord[] = [];
      for (const [i, value] of (input.indexes ?? []).entries()) {
        const shape = buildCollectionShape({ sequence: collection.sequence, id, databaseId, documentSecurity: collection.documentSecurity, attributes: created, indexes });
        const normalized = jsonItem('indexes', value, i, (item) => validateIndex({ attributes: created, indexes }, item));
        indexes.push(await insertIndex(tx, dialect, { collection, shape }, normalized, at));
      }
    }, SCHEMA_CHANGE_TRANSACTION);
  } finally {
    await catalog.cache.invalidate(databaseId, id);
  }
  return requireCollection(catalog, databaseId, id);
}

export const getCollection = requireCollection;

export async function updateCollection(
  catalog: Catalog,
  databaseId: string,
  collectionId: string,
  input: { name?: string | null; permissions?: readonly string[] | null; documentSecurity?: boolean | null; enabled?: boolean | null },
) {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  try {
    await catalog.db.prisma.collection.update({
      where: { sequence: loaded.collection.sequence },
      data: {
        ...(input.name != null ? { name: validateName(input.name) } : {}),
        ...(input.permissions != null ? { permissions: permissionsJson(input.permissions) } : {}),
        ...(input.documentSecurity != null ? { documentSecurity: input.documentSecurity } : {}),
        ...(input.enabled != null ? { enabled: input.enabled } : {}),
        updatedAt: timestamp(catalog),
      },
    });
  } finally {
    await catalog.cache.invalidate(databaseId, collectionId);
  }
  return requireCollection(catalog, databaseId, collectionId);
}

export async function deleteCollection(catalog: Catalog, databaseId: string, collectionId: string): Promise<void> {
  const loaded = await requireCollection(catalog, databaseId, collectionId);
  try {
    await catalog.db.prisma.$transaction(async (tx) => {
      for (const statement of dropTableStatements(loaded.shape, catalog.db.dialect)) await tx.$executeRawUnsafe(statement);
      await tx.collection.delete({ where: { sequence: loaded.collection.sequence } });
    }, SCHEMA_CHANGE_TRANSACTION);
  } finally {
    await catalog.cache.invalidate(databaseId, collectionId);
  }
}
