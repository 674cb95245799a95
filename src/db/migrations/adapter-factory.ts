/**
 * The driver adapter factory handed to the schema engine: the provider's factory, plus what the engine needs
 * from us and does not do itself (close what it opened, keep driver errors readable).
 */
import {
  isDriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
} from '@prisma/driver-adapter-utils';
import type { Dialect } from '../dialect.ts';
import { createPostgresAdapterFactory } from './postgres-adapter.ts';
import { createSqliteAdapterFactory } from './sqlite-adapter.ts';

export interface ClosableAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Disposes every connection still open, then reports the first failure, if any. */
  close(): Promise<void>;
}

export function createAdapterFactory(provider: Dialect, url: string): ClosableAdapterFactory {
  const factory = provider === 'sqlite' ? createSqliteAdapterFactory(url) : createPostgresAdapterFactory(url);
  const open = new Set<SqlDriverAdapter>();

  // The engine disposes shadow databases but never its main connection: remember each one until disposed.
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (open.delete(adapter)) await dispose();
    };
    return withReadableErrors(adapter);
  };

  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
    async close() {
      const results = await Promise.allSettled([...open].map((adapter) => adapter.dispose()));
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}

/**
 * Error kinds the adapters report but this engine build cannot deserialize: it then fails with "unknown variant
 * `SocketTimeout`" and the cause (e.g. SQLite's "database is locked") is lost. Rethrown as plain errors, they
 * reach the engine as JavaScript errors whose message the session puts back.
 */
const KINDS_UNKNOWN_TO_ENGINE = new Set(['SocketTimeout', 'InvalidInputValue', 'RestrictViolation']);

function withReadableErrors<T extends SqlQueryable>(queryable: T): T {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        if (!isDriverAdapterError(error) || !KINDS_UNKNOWN_TO_ENGINE.has(error.cause.kind)) throw error;
        throw new Error(error.cause.originalMessage ?? `${error.cause.kind} (${error.message})`, { cause: error });
      }
    };
  queryable.queryRaw = guard(queryable.queryRaw.bind(queryable));
  queryable.executeRaw = guard(queryable.executeRaw.bind(queryable));
  if (isAdapter(queryable)) {
    queryable.executeScript = guard(queryable.executeScript.bind(queryable));
    const startTransaction = guard(queryable.startTransaction.bind(queryable));
    queryable.startTransaction = async (isolationLevel) => withReadableErrors(await startTransaction(isolationLevel));
  }
  return queryable;
}

function isAdapter(queryable: SqlQueryable): queryable is SqlDriverAdapter {
  return 'startTransaction' in queryable;
}
