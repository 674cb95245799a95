/**
 * One SQLite connection serves the whole process (better-sqlite3 is synchronous; a second connection would
 * block the event loop on its own locks). A transaction on it spans awaits, so statements from other requests
 * must not slip in between BEGIN and COMMIT: they would join, and roll back with, someone else's transaction.
 * The gate admits one transaction at a time and holds other statements until it ends.
 */
export class TransactionGate {
  private tail: Promise<void> = Promise.resolve();
  private current: Promise<void> | null = null;

  /** Resolves when no transaction is open. Statements outside transactions await this first. */
  async whenIdle(): Promise<void> {
    while (this.current) await this.current;
  }

  get isIdle(): boolean {
    return this.current === null;
  }

  /** Waits for the transactions before this one, then holds the gate until the returned release is called. */
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => mine);
    await previous;
    this.current = mine;
    return () => {
      if (this.current === mine) this.current = null;
      release();
    };
  }
}
