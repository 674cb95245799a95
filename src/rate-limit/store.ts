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

/** Admitted calls of one key, oldest first, from `head` on: expired ones are dropped in amortized O(1), at most as many kept as live. */
interface CallLog {
  times: number[];
  head: number;
}

/** One process's budgets. Check and record run synchronously, with no await between them: atomic in Node. */
export class MemoryWindowStore implements WindowStore {
  private readonly logs = new Map<string, CallLog>();

  constructor(private readonly now: () => number) {}

  hit(key: string, { max, windowMs }: WindowLimit): Promise<Decision> {
    const now = this.now();
    const log = this.logs.get(key) ?? { times: [], head: 0 };
    while (log.head < log.times.length && log.times[log.head]! + windowMs <= now) log.head++;
    if (log.head > 0 && log.head * 2 >= log.times.length) {
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
    const used = log.times.length - log.head;
    const allowed = used < max;
    if (allowed) log.times.push(now);
    // Re-inserted: Map order is recency order for eviction.
    this.logs.delete(key);
    if (log.times.length > log.head) this.logs.set(key, log);
    if (this.logs.size > MAX_KEYS) this.logs.delete(this.logs.keys().next().value!);
    return Promise.resolve({ allowed, remaining: max - used - (allowed ? 1 : 0), resetAt: (log.times[log.head] ?? now) + windowMs });
  }
}
