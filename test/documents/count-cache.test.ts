import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/open.ts';
import { CountCache, type CountKey } from '../../src/documents/count-cache.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

describe('CountCache', () => {
  let scratch: ScratchDatabase;
  let db: Database;
  beforeAll(async () => {
    scratch = await scratchDatabase('sqlite');
    db = await openDatabase(scratch.url, 'sqlite');
  });
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  const collection = {};
  const key = (overrides: Partial<CountKey> = {}): CountKey => ({ collection, collectionSequence: 1, readerRoles: new Set(['any', 'user:u']), filters: [], ...overrides });

  /** A count function answering `value` and recording how often it ran. */
  function counter(value: number) {
    const count = async () => {
      count.calls++;
      return value;
    };
    count.calls = 0;
    return count;
  }

  it('counts once per collection, reader and filters', async () => {
    const cache = new CountCache(100);
    const count = counter(7);
    expect(await cache.total(key(), count)).toBe(7);
    expect(await cache.total(key(), count)).toBe(7);
    expect(count.calls).toBe(1);
    await cache.total(key({ readerRoles: new Set(['any']) }), count);
    await cache.total(key({ readerRoles: null }), count);
    await cache.total(key({ filters: [{ method: 'equal' }] }), count);
    await cache.total(key({ collection: {} }), count);
    expect(count.calls).toBe(5);
  });

  it('counts again after a write to the collection, not after one to another collection', async () => {
    const cache = new CountCache(100);
    const count = counter(3);
    await cache.total(key(), count);
    await cache.write(db.sql, 2, async () => undefined);
    await cache.total(key(), count);
    expect(count.calls).toBe(1);
    expect(await cache.write(db.sql, 1, async () => 'done')).toBe('done');
    await cache.total(key(), count);
    expect(count.calls).toBe(2);
  });

  it('counts again after a failed write too, and passes its error on', async () => {
    const cache = new CountCache(100);
    const count = counter(3);
    await cache.total(key(), count);
    await expect(cache.write(db.sql, 1, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await cache.total(key(), count);
    expect(count.calls).toBe(2);
  });

  it('does not keep a total counted while a write ended', async () => {
    const cache = new CountCache(100);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pending = cache.total(key(), async () => {
      await gate;
      return 10;
    });
    await cache.write(db.sql, 1, async () => undefined);
    release();
    expect(await pending).toBe(10);
    const count = counter(11);
    expect(await cache.total(key(), count)).toBe(11);
    expect(count.calls).toBe(1);
  });

  it('is bounded, dropping the oldest totals first', async () => {
    const cache = new CountCache(2);
    const count = counter(1);
    for (const filters of ['a', 'b', 'c']) await cache.total(key({ filters }), count);
    await cache.total(key({ filters: 'c' }), count);
    await cache.total(key({ filters: 'b' }), count);
    expect(count.calls).toBe(3);
    await cache.total(key({ filters: 'a' }), count);
    expect(count.calls).toBe(4);
  });

  it('with 0 entries, counts every time', async () => {
    const cache = new CountCache(0);
    const count = counter(1);
    await cache.total(key(), count);
    await cache.total(key(), count);
    expect(count.calls).toBe(2);
  });
});
