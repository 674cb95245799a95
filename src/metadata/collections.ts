import { AppwriteError } from '../errors/appwrite-error.ts';
import { createTableStatements, dropTableStatements } from '../documents/ddl.ts';
import { buildCollectionShape } from '../documents/model.ts';
import { COLLECTION_ACTIONS, formatPermission, parsePermissions } from '../permissions/permission.ts';
import { validateAttributeDefinition, type AttributeInput } from '../validation/attribute-definition.ts';
import { resolveId } from '../validation/ids.ts';
import { insertAttribute, MAX_ATTRIBUTES } from './attributes.ts';
import { onUniqueViolation, requireCollection, requireDatabase, timestamp, type Catalog } from './catalog.ts';
import { insertIndex, validateIndex, type IndexInput } from './indexes.ts';
import { metadataListArgs, runMetadataList } from './list-queries.ts';
import { loadedCollection, type AttributeRecord, type IndexRecord } from './records.ts';

const FIELDS = { $id: 'id', name: 'name', enabled: 'enabled', documentSecurity: 'documentSecurity', $createdAt: 'createdAt', $updatedAt: 'updatedAt' };

function validName(name: string): string {
  if (name.length < 1 || name.length > 128) throw new AppwriteError('general_argument_invalid', 'Invalid `name` param: Value must be a valid string and at least 1 chars and no longer than 128 chars');
  return name;
}

const permissionsJson = (permissions: readonly string[]): string =>
  JSON.stringify(parsePermissions(permissions, COLLECTION_ACTIONS).map(formatPermission));

export async function listCollections(catalog: Catalog, databaseId: string, queries: readonly string[] | null | undefined, search: string | null | undefined) {
  const database = await requireDatabase(catalog, databaseId);
  const args = metadataListArgs(queries, FIELDS);
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

/** An attribute as given inside createCollection's `attributes` (Appwrite's attribute model, as JSON). */
function attributeFromJson(value: Record<string, unknown>): AttributeInput {
  const type = String(value['type'] ?? '');
  const format = String(value['format'] ?? '');
  const kind = (['email', 'enum', 'url', 'ip'].includes(format) ? format : type === 'double' ? 'float' : type) as AttributeInput['kind'];
  return {
    kind,
    key: String(value['key'] ?? ''),
    required: Boolean(value['required']),
    array: (value['array'] as boolean | undefined) ?? false,
    size: (value['size'] as number | undefined) ?? null,
    min: (value['min'] as number | undefined) ?? null,
    max: (value['max'] as number | undefined) ?? null,
    default: value['default'] ?? null,
    elements: (value['elements'] as string[] | undefined) ?? null,
  };
}

export interface CreateCollectionInput {
  collectionId: string;
  name: string;
  permissions?: readonly string[] | null;
  documentSecurity?: boolean | null;
  enabled?: boolean | null;
  attributes?: readonly Record<string, unknown>[] | null;
  indexes?: readonly Record<string, unknown>[] | null;
}

/** Creates the collection, its table, and any attributes and indexes given with it, all or nothing. */
export async function createCollection(catalog: Catalog, databaseId: string, input: CreateCollectionInput) {
  const database = await requireDatabase(catalog, databaseId);
  const id = resolveId(input.collectionId, 'collectionId');
  const name = validName(input.name);
  const permissions = permissionsJson(input.permissions ?? []);
  const attributes = (input.attributes ?? []).map((a) => validateAttributeDefinition(attributeFromJson(a)));
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
      for (const raw of input.indexes ?? []) {
        const shape = buildCollectionShape({ sequence: collection.sequence, id, databaseId, documentSecurity: collection.documentSecurity, attributes: created, indexes });
        const normalized = validateIndex({ attributes: created, indexes }, raw as unknown as IndexInput);
        indexes.push(await insertIndex(tx, dialect, { collection, shape }, normalized, at));
      }
    });
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
        ...(input.name != null ? { name: validName(input.name) } : {}),
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
    });
  } finally {
    await catalog.cache.invalidate(databaseId, collectionId);
  }
}
