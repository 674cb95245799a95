import { constants } from 'node:os';

/**
 * Teardown steps (stop a child server, drop a database, remove a directory), run last-in first-out and
 * each at most once: when the run ends, when it fails, and on SIGINT/SIGTERM.
 */
export class Cleanup {
  private readonly steps: (() => Promise<void>)[] = [];
  private running: Promise<void> | null = null;

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  /** Every caller (the signal handler, the run's own `finally`) waits for the same, complete teardown. */
  run(): Promise<void> {
    this.running ??= this.runSteps();
    return this.running;
  }

  private async runSteps(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step();
      } catch (error) {
        console.error('cleanup step failed:', error);
      }
    }
  }

  runOnSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: stopping servers and dropping databases`);
        void this.run().finally(() => process.exit(128 + constants.signals[signal]));
      });
    }
  }
}

/**
 * Runs `starts` (each adding what it starts to the cleanup) at once and resolves to their results in order. On a
 * failure it rejects with the first error only once every start has settled, so that each server one of them did
 * start is in the cleanup before the cleanup runs.
 */
export async function startTogether<T extends readonly unknown[]>(starts: { readonly [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts.map((start) => start()));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
