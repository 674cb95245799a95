import type { Database } from '../db/open.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import type { ErrorType } from '../errors/types.ts';
import { nowIso } from '../validation/datetime.ts';
import { validateId } from '../validation/ids.ts';
import type { CountCache } from '../documents/count-cache.ts';
import type { ReadSetCache } from '../documents/read-sets.ts';
import type { CollectionCache } from './collection-cache.ts';
import type { DatabaseRow, LoadedCollection } from './records.ts';

/** What the metadata and document services work with: the database, its caches and the clock. */
export interface Catalog {
  db: Database;
  cache: CollectionCache;
  counts: CountCache;
  readSets: ReadSetCache;
  now: () => number;
}

/**
 * Options for the Prisma transactions that change a collection's table: DDL and backfills run over every row,
 * far beyond Prisma's 5 s default on large collections.
 */
export const SCHEMA_CHANGE_TRANSACTION = { maxWait: 30_000, timeout: 30 * 60_000 } as const;

export const timestamp = (catalog: Catalog): string => nowIso(catalog.now);

export async function requireDatabase(catalog: Catalog, databaseId: string): Promise<DatabaseRow> {
  validateId(databaseId, 'databaseId');
  const row = await catalog.db.prisma.database.findUnique({ where: { id: databaseId } });
  if (!row) throw new AppwriteError('database_not_found', 'Database not found');
  return row;
}

export async function requireCollection(catalog: Catalog, databaseId: string, collectionId: string): Promise<LoadedCollection> {
  validateId(databaseId, 'databaseId');
  validateId(collectionId, 'collectionId');
  const loaded = await catalog.cache.get(databaseId, collectionId);
  if (loaded) return loaded;
  await requireDatabase(catalog, databaseId);
  throw new AppwriteError('collection_not_found', 'Collection with the requested ID could not be found.');
}

/** Prisma's unique-constraint failure (P2002) as the given Appwrite error; anything else passes through. */
export async function onUniqueViolation<T>(work: Promise<T>, type: ErrorType, message: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw new AppwriteError(type, message);
    throw error;
  }
}
