import pg from 'pg';

/**
 * Cross-instance change notices over PostgreSQL LISTEN/NOTIFY: gateways sharing a database tell each other
 * which cached metadata went stale. One dedicated connection listens; it reconnects after a failure and then
 * reports `lost`, since notices sent meanwhile were missed.
 */
export interface ChangeChannel {
  publish(scope: string): Promise<void>;
  /** `scope` for each notice from any instance (this one included); `lost` when notices may have been missed. */
  subscribe(listener: { notice: (scope: string) => void; lost: () => void }): void;
  close(): Promise<void>;
}

const CHANNEL = 'gateway_metadata';
const RECONNECT_MS = 1000;

export async function openPgChangeChannel(url: string, pool: pg.Pool): Promise<ChangeChannel> {
  const listeners: { notice: (scope: string) => void; lost: () => void }[] = [];
  const reportLost = () => listeners.forEach((l) => l.lost());
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const reconnectLater = () => {
    if (closed) return;
    retry = setTimeout(() => void connect().then(reportLost, reconnectLater), RECONNECT_MS);
    retry.unref();
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload !== undefined) listeners.forEach((l) => l.notice(message.payload!));
    });
    next.on('error', () => {
      // The connection is gone: whatever is published until we listen again is missed.
      void next.end().catch(() => undefined);
      if (client === next) client = null;
      if (closed) return;
      reportLost();
      reconnectLater();
    });
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    client = next;
  }

  await connect();
  return {
    async publish(scope) {
      await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, scope]);
    },
    subscribe(listener) {
      listeners.push(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
