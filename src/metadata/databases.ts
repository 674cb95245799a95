import { dropTableStatements } from '../documents/ddl.ts';
import { resolveId } from '../validation/ids.ts';
import { validateName } from '../validation/params.ts';
import { onUniqueViolation, requireDatabase, SCHEMA_CHANGE_TRANSACTION, timestamp, type Catalog } from './catalog.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from './list-queries.ts';
import { decodeIndex, type DatabaseRow } from './records.ts';

export const DATABASE_QUERY_FIELDS: Record<string, MetadataColumn> = { $id: 'id', name: 'name', enabled: 'enabled', $createdAt: 'createdAt', $updatedAt: 'updatedAt' };

/** `maxLimit`: the largest `limit` a query may ask for (the configured maxListLimit). */
export async function listDatabases(catalog: Catalog, queries: readonly string[] | null | undefined, search: string | null | undefined, maxLimit?: number) {
  const args = metadataListArgs(queries, DATABASE_QUERY_FIELDS, maxLimit);
  const scope = search ? { OR: [{ name: { contains: search } }, { id: { contains: search } }] } : {};
  const prisma = catalog.db.prisma;
  return runMetadataList<DatabaseRow>(args, scope, {
    find: (q) => prisma.database.findMany(q),
    count: (q) => prisma.database.count(q),
    sequenceOf: async (id) => (await prisma.database.findUnique({ where: { id }, select: { sequence: true } }))?.sequence ?? null,
  });
}

export async function createDatabase(catalog: Catalog, input: { databaseId: string; name: string; enabled?: boolean | null }) {
  const id = resolveId(input.databaseId, 'databaseId');
  const at = timestamp(catalog);
  return onUniqueViolation(
    catalog.db.prisma.database.create({
      data: { id, name: validateName(input.name), enabled: input.enabled ?? true, createdAt: at, updatedAt: at },
    }),
    'database_already_exists',
    'Database already exists',
  );
}

export const getDatabase = requireDatabase;

export async function updateDatabase(catalog: Catalog, databaseId: string, input: { name?: string | null; enabled?: boolean | null }) {
  const row = await requireDatabase(catalog, databaseId);
  const updated = await catalog.db.prisma.database.update({
    where: { sequence: row.sequence },
    data: {
      ...(input.name != null ? { name: validateName(input.name) } : {}),
      ...(input.enabled != null ? { enabled: input.enabled } : {}),
      updatedAt: timestamp(catalog),
    },
  });
  await catalog.cache.invalidate(databaseId);
  return updated;
}

/** Drops every collection table of the database and its metadata, in one transaction. */
export async function deleteDatabase(catalog: Catalog, databaseId: string): Promise<void> {
  const row = await requireDatabase(catalog, databaseId);
  const dialect = catalog.db.dialect;
  await catalog.db.prisma.$transaction(async (tx) => {
    const collections = await tx.collection.findMany({ where: { databaseSequence: row.sequence }, include: { indexes: true } });
    for (const collection of collections) {
      for (const statement of dropTableStatements({ sequence: collection.sequence, indexes: collection.indexes.map(decodeIndex) }, dialect)) {
        await tx.$executeRawUnsafe(statement);
      }
    }
    await tx.database.delete({ where: { sequence: row.sequence } });
  }, SCHEMA_CHANGE_TRANSACTION);
  await catalog.cache.invalidate(databaseId);
}
