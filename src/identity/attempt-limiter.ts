/**
 * Counts failed attempts per key (sign-ins per email) in fixed windows. The store is an interface so the
 * rate-limit issue's shared store (Redis) can replace the in-memory one, which only sees this process.
 */
export interface AttemptCounter {
  /** Failures recorded for `key` in the current window. */
  count(key: string): Promise<number>;
  /** Records one failure for `key`. */
  record(key: string): Promise<void>;
}

export interface AttemptWindow {
  maxFailures: number;
  windowMs: number;
}

/** Appwrite's limit on email/password sessions: 10 per hour per email. */
export const LOGIN_ATTEMPTS: AttemptWindow = { maxFailures: 10, windowMs: 60 * 60 * 1000 };
const MAX_KEYS = 100_000;

export class InMemoryAttemptCounter implements AttemptCounter {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  async count(key: string): Promise<number> {
    return this.current(key)?.failures ?? 0;
  }

  async record(key: string): Promise<void> {
    const window = this.current(key);
    if (window) {
      window.failures += 1;
      return;
    }
    // Oldest-first eviction bounds memory under a flood of distinct emails.
    if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(key, { failures: 1, endsAt: this.now() + this.windowMs });
  }

  private current(key: string) {
    const window = this.windows.get(key);
    if (window && window.endsAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }
}
