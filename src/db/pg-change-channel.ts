import pg from 'pg';
import { ChangeListeners, type ChangeChannel } from './change-channel.ts';

const CHANNEL = 'gateway_changes';
const RECONNECT_MS = 1000;

/**
 * Change notices over PostgreSQL LISTEN/NOTIFY: one dedicated connection listens; it reconnects after a failure
 * and then reports `lost`, since notices sent meanwhile were missed.
 */
export async function openPgChangeChannel(url: string, pool: pg.Pool): Promise<ChangeChannel> {
  const listeners = new ChangeListeners();
  const reportLost = () => listeners.lost();
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
    listeners.notice(payload.slice(0, space), scope);
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
      listeners.add(topic, listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
