import { pino, type DestinationStream } from 'pino';
import type { LogLevel } from './config.ts';

/** Structured logging: one JSON object per line (pino) on stderr, filtered by LOG_LEVEL. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger adding `fields` to every line (e.g. a request's ID). */
  child(fields: Record<string, unknown>): Logger;
}

/**
 * A second line of defence: no code path logs credentials (request lines carry no headers, variables or
 * arguments), but a field of one of these names is censored wherever a future log call puts it.
 */
const SECRET_FIELDS = ['password', 'secret', 'apiKey', 'key', 'jwt', 'token', 'authorization', 'cookie', 'variables', 'headers'];
export const REDACTED_PATHS = [...SECRET_FIELDS, ...SECRET_FIELDS.map((name) => `*.${name}`)];

function wrap(log: pino.Logger): Logger {
  return {
    debug: (message, fields) => log.debug(fields ?? {}, message),
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
    child: (fields) => wrap(log.child(fields)),
  };
}

/**
 * `destination`: where lines go (tests capture them); default stderr, written synchronously so the last lines
 * before process.exit are not lost.
 */
export function createLogger(level: LogLevel, destination: DestinationStream | ((line: string) => void) = pino.destination({ dest: 2, sync: true })): Logger {
  const stream = typeof destination === 'function' ? { write: destination } : destination;
  return wrap(
    pino(
      {
        level,
        base: { pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      },
      stream,
    ),
  );
}
