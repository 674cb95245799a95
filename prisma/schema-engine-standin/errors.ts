// Failures in the shapes the Prisma CLI reads from its native schema engine.
import { isEnginePanic } from '../../src/db/migrations/engine.ts';
import { SchemaEngineError } from '../../src/db/migrations/session.ts';

/** The native engine's code for errors meant for the user (the `data` field carries the details). */
const USER_FACING_ERROR = 4466;

interface Failure {
  message: string;
  errorCode: string | undefined;
  isPanic: boolean;
}

function describe(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  return {
    message,
    errorCode: error instanceof SchemaEngineError ? error.code : undefined,
    isPanic: error instanceof SchemaEngineError && isEnginePanic(error.cause),
  };
}

/** A JSON-RPC error answer, as `prisma migrate` expects it. */
export function jsonRpcError(error: unknown) {
  const { message, errorCode, isPanic } = describe(error);
  return {
    code: USER_FACING_ERROR,
    message,
    data: { is_panic: isPanic, message, error_code: errorCode, meta: {} },
  };
}

/**
 * For `cli <command>` failures: the CLI skips the first stderr line, then looks for the ERROR record of target
 * `schema_engine::logger` and its `error_code` (P1003 makes `migrate` offer to create the database).
 */
export function reportFailure(error: unknown): void {
  const { message, errorCode } = describe(error);
  const records = [
    { level: 'INFO', fields: { message: 'schema engine stand-in' }, target: 'schema_engine::standin' },
    { level: 'ERROR', fields: { message, error_code: errorCode }, target: 'schema_engine::logger' },
  ];
  process.stderr.write(records.map((record) => JSON.stringify(record)).join('\n') + '\n');
}
