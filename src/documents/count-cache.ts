import { createHash } from 'node:crypto';
import type { ChangeChannel } from '../db/change-channel.ts';
import type { SqlExecutor } from '../db/sql.ts';

/**
 * Exact list totals, remembered until a document of their collection changes. A total under document security
 * reads every readable document up to COUNT_LIMIT from the permission index — for a user in many teams many
 * times the cost of the page itself — while pagination, polling and repeated views ask for the same total
 * again and again.
 *
 * Each collection has a generation, bumped after every committed document write (here at once; in the other
 * instances sharing a PostgreSQL database when the notice sent inside the write's transaction arrives). A total
 * is stored under the generation read before it was counted, and only if no write ended meanwhile, so a count
 * that may predate a write is never kept.
 */

/** What a total depends on besides the documents: the collection as loaded, who reads, and the filters. */
export interface CountKey {
  /** The collection's metadata object: a new one after any metadata change, so totals never outlive it. */
  collection: object;
  collectionSequence: number;
  /** The caller's roles when document permissions decide what is readable, null when all documents are. */
  readerRoles: ReadonlySet<string> | null;
  /** The parsed filters (not the order, page or cursor: totals ignore those). */
  filters: unknown;
}

export class CountCache {
  private readonly generations = new Map<number, number>();
  /** Bumped when notices may have been missed: every total counted before it is suspect. */
  private epoch = 0;
  private readonly totals = new Map<string, number>();
  private readonly collectionIds = new WeakMap<object, number>();
  private nextCollectionId = 0;

  /** `maxEntries` 0 turns the cache off. */
  constructor(
    private readonly maxEntries: number,
    private readonly channel?: ChangeChannel,
  ) {
    channel?.subscribe('documents', { notice: (scope) => this.bump(Number(scope)), lost: () => this.clear() });
  }

  /** The remembered total, or `count()`'s, remembered unless a write to the collection ended meanwhile. */
  async total(key: CountKey, count: () => Promise<number>): Promise<number> {
    if (this.maxEntries === 0) return count();
    const generation = this.generation(key.collectionSequence);
    const id = `${this.collectionId(key.collection)}:${generation}:${readerKey(key.readerRoles)}:${JSON.stringify(key.filters, exactValues)}`;
    const known = this.totals.get(id);
    if (known !== undefined) return known;
    const counted = await count();
    if (this.generation(key.collectionSequence) === generation) {
      // Oldest first out: entries of past generations are never read again and leave this way.
      if (this.totals.size >= this.maxEntries) this.totals.delete(this.totals.keys().next().value!);
      this.totals.set(id, counted);
    }
    return counted;
  }

  /**
   * Runs a document write in a transaction of `sql`: other instances are told inside it (so exactly when it
   * commits), this one right after the commit.
   */
  async write<T>(sql: SqlExecutor, collectionSequence: number, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    try {
      return await sql.transaction(async (tx) => {
        const result = await work(tx);
        await this.channel?.publish('documents', String(collectionSequence), tx);
        return result;
      });
    } finally {
      // Also after a failure: whether a failed commit took effect is unknown.
      this.bump(collectionSequence);
    }
  }

  private generation(collectionSequence: number): string {
    return `${this.epoch}.${this.generations.get(collectionSequence) ?? 0}`;
  }

  private bump(collectionSequence: number): void {
    this.generations.set(collectionSequence, (this.generations.get(collectionSequence) ?? 0) + 1);
  }

  private clear(): void {
    this.epoch++;
    this.totals.clear();
  }

  private collectionId(collection: object): number {
    let id = this.collectionIds.get(collection);
    if (id === undefined) this.collectionIds.set(collection, (id = this.nextCollectionId++));
    return id;
  }
}

/**
 * A short digest of the roles: a user in many teams has hundreds, and every total of theirs is keyed by them.
 * Computed once per role set (the identity cache hands out the same set until the user changes).
 */
const readerKeys = new WeakMap<ReadonlySet<string>, string>();
function readerKey(roles: ReadonlySet<string> | null): string {
  if (roles === null) return '*';
  let key = readerKeys.get(roles);
  if (key === undefined) readerKeys.set(roles, (key = createHash('sha256').update([...roles].join('\n')).digest('base64url')));
  return key;
}

/** Filters hold 64-bit integers as bigint, which JSON cannot carry: kept apart from any string or number. */
const exactValues = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? { bigint: value.toString() } : value);
