import type { PrismaClient } from '../generated/sqlite/client.ts';
import type { ChangeChannel } from '../db/change-channel.ts';
import { loadedCollection, type LoadedCollection } from './records.ts';

export interface CollectionCacheOptions {
  /** How long an entry may serve without a reload; Infinity when every change is seen (one process, or a channel). */
  ttlMs: number;
  /** Tells other instances sharing the database what went stale, and hears what they changed. */
  channel?: ChangeChannel;
  now?: () => number;
}

/**
 * Collections with their attributes and indexes, kept in memory so a document request costs no metadata
 * query. Every metadata write invalidates what it touched, here and, through the change channel, in every
 * other gateway on the same PostgreSQL database.
 */
export class CollectionCache {
  private readonly entries = new Map<string, { value: LoadedCollection; loadedAt: number }>();
  /** Bumped by every invalidation, so a load that raced with one is not stored stale. */
  private generation = 0;
  private readonly now: () => number;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: CollectionCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    options.channel?.subscribe('metadata', { notice: (scope) => this.drop(scope), lost: () => this.clear() });
  }

  /** Scopes are `database/collection` or `database/` (IDs cannot contain a slash). */
  private static scope(databaseId: string, collectionId = ''): string {
    return `${databaseId}/${collectionId}`;
  }

  /** The collection, or null when the database or collection does not exist. */
  async get(databaseId: string, collectionId: string): Promise<LoadedCollection | null> {
    const key = CollectionCache.scope(databaseId, collectionId);
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.loadedAt < this.options.ttlMs) return cached.value;
    const generation = this.generation;
    const value = await this.load(databaseId, collectionId);
    // Store only if nothing was invalidated meanwhile: the row read may predate the change (and a newer
    // entry another load stored must not be evicted by this older answer either).
    if (generation === this.generation) {
      if (value) this.entries.set(key, { value, loadedAt: this.now() });
      else this.entries.delete(key);
    }
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

  /** Forgets a collection (or every collection of a database) here and in the other instances. */
  async invalidate(databaseId: string, collectionId?: string): Promise<void> {
    const scope = CollectionCache.scope(databaseId, collectionId);
    this.drop(scope);
    await this.options.channel?.publish('metadata', scope);
  }

  private drop(scope: string): void {
    this.generation++;
    if (!scope.endsWith('/')) {
      this.entries.delete(scope);
      return;
    }
    for (const key of this.entries.keys()) if (key.startsWith(scope)) this.entries.delete(key);
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
