import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * The Redis connection instances share budgets through. Never in a request's way: commands fail at once while
 * it is disconnected (no offline queue, no retries) or after COMMAND_TIMEOUT_MS, callers then count in this
 * process's memory (`preferShared`), and the client reconnects in the background. An outage and the recovery
 * are logged once each.
 */

/** A one-key Lua script as a command of `client` (ioredis sends it by its SHA once Redis knows it). */
export function defineScript<Command extends (key: string, ...args: never[]) => Promise<unknown>>(client: Redis, name: string, lua: string): Command {
  client.defineCommand(name, { numberOfKeys: 1, lua });
  return (client as unknown as Record<string, Command>)[name]!.bind(client) as Command;
}

const CONNECT_TIMEOUT_MS = 1000;
const COMMAND_TIMEOUT_MS = 500;
const MAX_RECONNECT_DELAY_MS = 2000;
/** After a failed command on an open connection (a hung server), requests count locally this long before retrying. */
const BACKOFF_MS = 1000;

export class SharedRedis {
  readonly client: Redis;
  private down = false;
  private skipUntil = 0;

  constructor(
    url: string,
    readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {
    this.client = new Redis(url, {
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
    });
    // Without a listener, ioredis's connection errors would be unhandled 'error' events (a crash).
    this.client.on('error', (error: Error) => this.markDown(error));
    this.client.on('close', () => this.markDown(new Error('connection closed')));
    this.client.on('ready', () => {
      this.skipUntil = 0;
      if (!this.down) return;
      this.down = false;
      this.logger.info('Redis is reachable again: rate limits and sign-in failure counts are shared again');
    });
  }

  /** Resolves once connected, or on the first failure to (requests then count locally until it connects). */
  async connected(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done).off('error', done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_TIMEOUT_MS * 2);
      this.client.on('ready', done).on('error', done);
    });
  }

  /** `shared()` on Redis while it answers, else `local()`: a request is never failed or held up by Redis. */
  async preferShared<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready' || Date.now() < this.skipUntil) return local();
    try {
      return await shared();
    } catch (error) {
      this.skipUntil = Date.now() + BACKOFF_MS;
      this.markDown(error as Error);
      return local();
    }
  }

  async close(): Promise<void> {
    this.client.removeAllListeners('close');
    this.client.disconnect();
  }

  private markDown(error: Error): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn('Redis is unavailable: rate limits and sign-in failure counts fall back to this instance\'s memory until it is back', { error: error.message });
  }
}
