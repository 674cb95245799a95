import type { SqlExecutor } from './sql.ts';

/**
 * Change notices between processes sharing a database: each tells the others which cached state went stale.
 * A notice has a topic (which cache) and a scope (what in it). Writers drop their own entries first, so a
 * channel may or may not deliver a notice back to its sender.
 */
export type ChangeTopic = 'metadata' | 'documents' | 'identity' | 'keys';

export interface ChangeListener {
  notice: (scope: string) => void;
  /** Notices may have been missed: drop everything cached. */
  lost: () => void;
}

export interface ChangeChannel {
  /**
   * Tells every other process. With `within`, the notice is sent inside that transaction, so it goes out
   * exactly when the change commits.
   */
  publish(topic: ChangeTopic, scope: string, within?: SqlExecutor): Promise<void>;
  subscribe(topic: ChangeTopic, listener: ChangeListener): void;
  close(): Promise<void>;
}

/** Listeners by topic, as both channels keep them. */
export class ChangeListeners {
  private readonly byTopic = new Map<string, ChangeListener[]>();

  add(topic: ChangeTopic, listener: ChangeListener): void {
    this.byTopic.set(topic, [...(this.byTopic.get(topic) ?? []), listener]);
  }

  notice(topic: string, scope: string): void {
    this.byTopic.get(topic)?.forEach((listener) => listener.notice(scope));
  }

  lost(): void {
    this.byTopic.forEach((listeners) => listeners.forEach((listener) => listener.lost()));
  }
}
