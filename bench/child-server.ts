import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A server under test in its own process, so the load generator never shares its event loop. Both servers
 * announce themselves with a `listening on http://…` line on stderr; that line gives the URL (they bind
 * port 0, so no port is ever raced for).
 */

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const LISTENING = /listening on (http:\/\/[^\s"]+)/;
/** Recent stderr lines kept for error messages. */
const TAIL_LINES = 20;

export interface ChildServer {
  /** The endpoint the server announced. */
  readonly url: string;
  /** Resident set size now, from /proc/<pid>/status (Linux). */
  rssMegabytes(): number;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Runs `node --import tsx <script>` from the repository root and resolves once it listens. */
export async function startChildServer(name: string, script: string, env: NodeJS.ProcessEnv): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const tail: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  const url = await new Promise<string>((resolve, reject) => {
    const fail = (reason: string) => reject(new Error(`${name} ${reason}; its last output:\n${tail.join('\n')}`));
    const timer = setTimeout(() => fail(`did not listen within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before listening`));
    createInterface({ input: child.stderr }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      const match = LISTENING.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return {
    url,
    rssMegabytes() {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited during the run; its last output:\n${tail.join('\n')}`);
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (!match) throw new Error(`no VmRSS for ${name} (pid ${child.pid})`);
      return Number(match[1]) / 1024;
    },
    stop,
  };
}
