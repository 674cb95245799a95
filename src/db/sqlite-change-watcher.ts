import type BetterSqlite3 from 'better-sqlite3';
import { ChangeListeners, type ChangeChannel } from './change-channel.ts';

/** How often the gateway looks for commits of other processes (an operator's `gateway keys revoke`, say). */
export const SQLITE_WATCH_INTERVAL_MS = 100;

/**
 * The change channel of a SQLite file. SQLite cannot carry notices, but `PRAGMA data_version` on a connection
 * changes exactly when another connection committed to the file: this process's own writes never move it (they
 * drop their own cache entries). So any other process's commit is reported as `lost`, which empties every cache;
 * such commits are rare (administration from the CLI, a second process on the same file), and the check itself
 * is one pragma per interval.
 */
export function watchSqliteChanges(connection: BetterSqlite3.Database, intervalMs = SQLITE_WATCH_INTERVAL_MS): ChangeChannel {
  const listeners = new ChangeListeners();
  const dataVersion = () => connection.pragma('data_version', { simple: true }) as number;
  let seen = dataVersion();
  const timer = setInterval(() => {
    if (!connection.open) return;
    const current = dataVersion();
    if (current === seen) return;
    seen = current;
    listeners.lost();
  }, intervalMs);
  timer.unref();
  return {
    // Other processes learn of this process's commits through data_version.
    async publish() {},
    subscribe: (topic, listener) => listeners.add(topic, listener),
    async close() {
      clearInterval(timer);
    },
  };
}
