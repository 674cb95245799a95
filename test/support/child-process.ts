import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The gateway as users run it: real processes, real ports, real signals. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** What a child printed so far, stdout and stderr interleaved, and each alone. */
export interface Output {
  text(): string;
  stdout(): string;
  stderr(): string;
}

export interface Child {
  process: ChildProcess;
  output: Output;
  /** Resolves to the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** `node <args>` from the repository root with only PATH and `env` set (HOST 127.0.0.1, PORT 0, LOG_LEVEL info). */
export function spawnNode(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => ((text += chunk), (stdout += chunk)));
  child.stderr!.on('data', (chunk) => ((text += chunk), (stderr += chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, output: { text: () => text, stdout: () => stdout, stderr: () => stderr }, exited };
}

/** Resolves once the child printed a match of `pattern`, with the match; rejects if it exits first. */
export async function waitForOutput(child: Child, pattern: RegExp): Promise<RegExpExecArray> {
  for (;;) {
    const match = pattern.exec(child.output.text());
    if (match) return match;
    if (child.process.exitCode !== null) throw new Error(`exited (${child.process.exitCode}) before printing ${pattern}: ${child.output.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The base URL a starting server announces (`listening on http://…/v1/graphql`). */
export async function listeningUrl(child: Child): Promise<string> {
  return (await waitForOutput(child, /listening on (http:\/\/[^/]+)\/v1\/graphql/))[1]!;
}

/** `node bin/gateway.mjs <args>`: the CLI as `npx gateway` runs it. */
export const spawnGateway = (args: string[], env: Record<string, string>): Child => spawnNode(['bin/gateway.mjs', ...args], env);

/** Runs a CLI command to its end. */
export async function runGateway(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnGateway(args, env);
  const code = await child.exited;
  return { code, stdout: child.output.stdout(), stderr: child.output.stderr() };
}

/** The JSON log lines in a process's output (other lines, such as the bootstrap key's, skipped). */
export function logLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
