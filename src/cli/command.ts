import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One `gateway …` command: its help is at hand without loading its implementation (see commands.ts). */
export interface Command {
  /** One line, for the list of commands. */
  summary: string;
  /** The full help text (`--help`), also printed after a usage error. */
  usage: string;
  /** Resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** A command made of subcommands (`gateway keys create`). */
export interface CommandGroup {
  summary: string;
  usage: string;
  subcommands: Record<string, Command | CommandGroup>;
}

/**
 * Bad usage (unknown option, missing argument, invalid value): the message and the usage go to stderr, exit
 * code 2. A command throws it with the message; dispatch adds the usage of the command that threw.
 */
export class UsageError extends Error {
  usage = '';
}

/** node:util parseArgs, its errors turned into UsageErrors. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_')) throw new UsageError(error.message);
    throw error;
  }
}

/** The group's usage line and its subcommands, one per line with their summaries. */
export function groupUsage(usageLine: string, subcommands: Record<string, { summary: string }>, footer: string): string {
  const width = Math.max(...Object.keys(subcommands).map((name) => name.length));
  const lines = Object.entries(subcommands).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return `${usageLine}\n\nCommands:\n${lines.join('\n')}\n\n${footer}\n`;
}

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

/** Runs the subcommand `args` name; `--help` anywhere before `--` prints the help of the command it follows. */
export async function dispatch(group: CommandGroup, args: string[], out: (text: string) => void): Promise<number> {
  const [name, ...rest] = args;
  if (isHelp(name) || name === 'help') {
    out(group.usage);
    return 0;
  }
  if (name === undefined) throw withUsage(new UsageError('Missing command'), group.usage);
  const command = Object.hasOwn(group.subcommands, name) ? group.subcommands[name]! : undefined;
  if (!command) throw withUsage(new UsageError(`Unknown command "${name}"`), group.usage);
  if ('subcommands' in command) return dispatch(command, rest, out);
  const end = rest.indexOf('--');
  if ((end === -1 ? rest : rest.slice(0, end)).some(isHelp)) {
    out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    throw error instanceof UsageError ? withUsage(error, command.usage) : error;
  }
}

function withUsage(error: UsageError, usage: string): UsageError {
  error.usage ||= usage;
  return error;
}
