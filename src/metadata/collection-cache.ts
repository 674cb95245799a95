import type { PrismaClient } from '../generated/sqlite/client.ts';
import { loadedCollection, type LoadedCollection } from './records.ts';

/**
 * Collections with their attributes and indexes, kept in memory so a document request costs no metadata
 * query. Every metadata write in this process invalidates what it touched. Other processes (several gateways
 * on one PostgreSQL) see a change after at most `ttlMs`.
 */
export class CollectionCache {
  private readonly entries = new Map<string, { value: LoadedCollection; loadedAt: number }>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(databaseId: string, collectionId: string): string {
    return `${databaseId}\u0000${collectionId}`;
  }

  /** The collection, or null when the database or collection does not exist. */
  async get(databaseId: string, collectionId: string): Promise<LoadedCollection | null> {
    const key = CollectionCache.key(databaseId, collectionId);
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.loadedAt < this.ttlMs) return cached.value;
    const value = await this.load(databaseId, collectionId);
    if (value) this.entries.set(key, { value, loadedAt: this.now() });
    else this.entries.delete(key);
    return value;
  }

  private async load(databaseId: string, collectionId: string): Promise<LoadedCollection | null> {
    const row = await this.prisma.collection.findFirst({
      where: { id: collectionId, database: { id: databaseId } },
      include: { database: true, attributes: { orderBy: { sequence: 'asc' } }, indexes: { orderBy: { sequence: 'asc' } } },
    });
    if (!row) return null;
    const { database, attributes, indexes, ...collection } = row;
    return loadedCollection(database, collection, attributes, indexes);
  }

  invalidate(databaseId: string, collectionId?: string): void {
    if (collectionId !== undefined) {
      this.entries.delete(CollectionCache.key(databaseId, collectionId));
      return;
    }
    const prefix = `${databaseId}\u0000`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
