import { ConfigError } from '../errors/config-error.ts';
import { dispatch, UsageError } from './command.ts';
import { GATEWAY } from './commands.ts';

/**
 * `gateway <command>`: resolves to the exit code. 0 done, 1 failed (a bad environment variable, a database
 * error, ...), 2 bad usage (the message and the usage on stderr).
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await dispatch(GATEWAY, argv, (text) => process.stdout.write(text));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${error.usage}`);
      return 2;
    }
    process.stderr.write(error instanceof ConfigError ? `Configuration error: ${error.message}\n` : `Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
