import pg from 'pg';
import type { SqlExecutor } from './sql.ts';

/**
 * Cross-instance change notices over PostgreSQL LISTEN/NOTIFY: gateways sharing a database tell each other
 * which cached state went stale. Each notice has a topic (which cache) and a scope (what in it). One dedicated
 * connection listens; it reconnects after a failure and then reports `lost`, since notices sent meanwhile were
 * missed.
 */
export type ChangeTopic = 'metadata' | 'documents' | 'identity';

export interface ChangeListener {
  notice: (scope: string) => void;
  /** Notices may have been missed: drop everything cached. */
  lost: () => void;
}

export interface ChangeChannel {
  /**
   * Tells every instance (this one included). With `within`, the notice is sent inside that transaction, so it
   * goes out exactly when the change commits.
   */
  publish(topic: ChangeTopic, scope: string, within?: SqlExecutor): Promise<void>;
  subscribe(topic: ChangeTopic, listener: ChangeListener): void;
  close(): Promise<void>;
}

const CHANNEL = 'gateway_changes';
const RECONNECT_MS = 1000;

export async function openPgChangeChannel(url: string, pool: pg.Pool): Promise<ChangeChannel> {
  const listeners = new Map<string, ChangeListener[]>();
  const reportLost = () => listeners.forEach((topicListeners) => topicListeners.forEach((l) => l.lost()));
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const reconnectLater = () => {
    if (closed) return;
    retry = setTimeout(() => void connect().then(reportLost, reconnectLater), RECONNECT_MS);
    retry.unref();
  };

  const deliver = (payload: string) => {
    const space = payload.indexOf(' ');
    if (space < 0) return;
    const scope = payload.slice(space + 1);
    listeners.get(payload.slice(0, space))?.forEach((l) => l.notice(scope));
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload !== undefined) deliver(message.payload);
    });
    next.on('error', () => {
      void next.end().catch(() => undefined);
      // Before LISTEN succeeded, the failed connect() retries (one retry chain only).
      if (client !== next) return;
      // The connection is gone: whatever is published until we listen again is missed.
      client = null;
      if (closed) return;
      reportLost();
      reconnectLater();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) await next.end().catch(() => undefined);
    else client = next;
  }

  await connect();
  return {
    async publish(topic, scope, within) {
      const statement = 'SELECT pg_notify($1, $2)';
      const params = [CHANNEL, `${topic} ${scope}`];
      await (within ? within.query(statement, params) : pool.query(statement, params));
    },
    subscribe(topic, listener) {
      listeners.set(topic, [...(listeners.get(topic) ?? []), listener]);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
