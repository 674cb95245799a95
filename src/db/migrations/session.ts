/**
 * One schema engine bound to one database: opens it through a driver adapter, turns its errors into readable
 * ones, and closes every connection it opened (the engine itself never closes them, and SQLite stays locked
 * while the engine's connection is open).
 */
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { Dialect } from '../dialect.ts';
import { createAdapterFactory } from './adapter-factory.ts';
import { isEnginePanic, lastPanicMessage, loadSchemaEngine, type SchemaEngine } from './engine.ts';

/** Every table belongs to the data model: none is managed outside Prisma. */
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface SchemaFile {
  path: string;
  content: string;
}

export interface SchemaEngineOptions {
  provider: Dialect;
  url: string;
  /** Prisma schema files the engine may read the datasource and models from; most commands take theirs as input. */
  schemaFiles?: SchemaFile[];
  /** Receives the engine's log records (the native engine prints the same JSON records on stderr). */
  onLog?: (record: EngineLogRecord) => void;
}

export interface EngineLogRecord {
  level: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
  fields: { message?: string; [field: string]: unknown };
  target: string;
}

export interface SchemaEngineSession {
  /** The engine; its calls fail with a SchemaEngineError (readable message, Prisma `code` when any). */
  engine: SchemaEngine;
  /** Frees the engine and closes its connections (shadow databases included); later calls wait for the first. */
  close(): Promise<void>;
}

/** An engine error: Prisma error code (e.g. P3018) when the engine gave one. */
export class SchemaEngineError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SchemaEngineError';
  }
}

/**
 * P1014 "The underlying table for model `_prisma_migrations` does not exist": the WebAssembly engine's answer to
 * history questions on a database never migrated (the native engine reports `hasMigrationsTable: false`).
 */
export function isMigrationsTableMissing(error: unknown): boolean {
  return error instanceof SchemaEngineError && error.code === 'P1014' && error.message.includes('_prisma_migrations');
}

export async function openSchemaEngine(options: SchemaEngineOptions): Promise<SchemaEngineSession> {
  const { SchemaEngine } = await loadSchemaEngine();
  const connections = createAdapterFactory(options.provider, options.url);
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(connections);
  let panicked = false;
  let closing: Promise<void> | undefined;
  const fail = (error: unknown): never => {
    panicked ||= isEnginePanic(error);
    throw readableError(error, (id) => adapterFactory.errorRegistry.consumeError(id)?.error);
  };
  const datamodels = options.schemaFiles?.map((file): [string, string] => [file.path, file.content]);
  // `datamodels: []` makes the engine panic: no schema is `undefined`.
  const engine = await SchemaEngine.new({ datamodels: datamodels?.length ? datamodels : undefined }, parseLog(options.onLog), adapterFactory).catch(
    async (error: unknown) => {
      await connections.close();
      return fail(error);
    },
  );
  return {
    engine: new Proxy(engine, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          // After a panic any call into that engine throws asynchronously, where nobody can catch it.
          if (panicked) throw new SchemaEngineError('The schema engine panicked earlier: open a new one.', undefined);
          try {
            const result: unknown = Reflect.apply(value, target, args);
            return result instanceof Promise ? result.catch(fail) : result;
          } catch (error) {
            return fail(error);
          }
        };
      },
    }),
    close() {
      closing ??= (async () => {
        if (!panicked) engine.free(); // a panicked engine is left to the garbage collector, see above
        await connections.close();
      })();
      return closing;
    },
  };
}

export async function withSchemaEngine<T>(options: SchemaEngineOptions, operation: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const session = await openSchemaEngine(options);
  let result: T;
  try {
    result = await operation(session.engine);
  } catch (error) {
    // The operation's error says what went wrong; a failure to close after it would only hide it.
    await session.close().catch(() => undefined);
    throw error;
  }
  await session.close();
  return result;
}

/** Engine errors only say `External error id#N` for JavaScript errors thrown by the driver: put their message back. */
function readableError(error: unknown, driverError: (id: number) => unknown): SchemaEngineError {
  if (error instanceof SchemaEngineError) return error;
  if (isEnginePanic(error)) {
    return new SchemaEngineError(`The schema engine panicked: ${lastPanicMessage() ?? (error as Error).message}`, undefined, { cause: error });
  }
  const code: unknown = (error as { code?: unknown } | null)?.code;
  const message = (error instanceof Error ? error.message : String(error)).replace(/External error id#(\d+)/g, (text, id: string) => {
    const cause = driverError(Number(id));
    return cause instanceof Error ? cause.message : text;
  });
  return new SchemaEngineError(stripBacktrace(message), typeof code === 'string' ? code : undefined, { cause: error });
}

/** Engine messages end with a Rust span trace ("   0: sql_schema_connector::…"), noise for a user. */
function stripBacktrace(message: string): string {
  return message.replace(/\n\s+0: [\s\S]*$/, '').trim();
}

function parseLog(onLog: ((record: EngineLogRecord) => void) | undefined): (json: string) => void {
  return (json) => {
    if (!onLog) return;
    let record: EngineLogRecord;
    try {
      record = JSON.parse(json);
    } catch {
      return; // a throw here would unwind through the wasm engine
    }
    onLog(record);
  };
}
