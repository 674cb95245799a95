import type { LogLevel } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';

export interface CapturedLogs {
  logger: Logger;
  /** Every line so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Every line so far, as written. */
  text(): string;
}

/** A real (pino) logger whose lines are kept for the test to read. */
export function captureLogs(level: LogLevel): CapturedLogs {
  const written: string[] = [];
  return {
    logger: createLogger(level, { write: (line: string) => void written.push(line) }),
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => written.join(''),
  };
}
