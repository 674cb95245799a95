/**
 * Sliding-window budgets: a call is admitted when fewer than `max` admitted calls of its key fall within the
 * last `windowMs`; refused calls are not recorded, so a client retrying while refused gets in as soon as its
 * oldest call leaves the window. Deciding and recording are one atomic step (see limiter.ts for why).
 */

export interface Decision {
  allowed: boolean;
  /** Calls left in the window after this one. */
  remaining: number;
  /** When (ms since epoch) the oldest call leaves the window, freeing a call. */
  resetAt: number;
}

export interface WindowLimit {
  max: number;
  windowMs: number;
}

export interface WindowStore {
  /** Decides on one call of `key` and, if admitted, records it: atomically. */
  hit(key: string, limit: WindowLimit): Promise<Decision>;
}

/** Keys kept at most; the least recently used goes first, so a flood of distinct clients cannot grow memory. */
const MAX_KEYS = 100_000;

/** One process's budgets. Check and record run synchronously, with no await between them: atomic in Node. */
export class MemoryWindowStore implements WindowStore {
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  hit(key: string, { max, windowMs }: WindowLimit): Promise<Decision> {
    const now = this.now();
    const calls = this.calls.get(key) ?? [];
    let expired = 0;
    while (expired < calls.length && calls[expired]! + windowMs <= now) expired++;
    if (expired) calls.splice(0, expired);
    const allowed = calls.length < max;
    if (allowed) calls.push(now);
    // Re-inserted: Map order is recency order for eviction.
    this.calls.delete(key);
    if (calls.length) this.calls.set(key, calls);
    if (this.calls.size > MAX_KEYS) this.calls.delete(this.calls.keys().next().value!);
    return Promise.resolve({ allowed, remaining: max - calls.length, resetAt: (calls[0] ?? now) + windowMs });
  }
}
