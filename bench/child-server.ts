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
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ChildServer {
  /** The endpoint the server announced. */
  readonly url: string;
  /** Resident set size now, from /proc/<pid>/status (Linux). */
  rssMegabytes(): number;
  /** CPU time (user + system) the process has used so far, from /proc/<pid>/stat (Linux). */
  cpuSeconds(): number;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Runs `node --import tsx <script>` from the repository root and resolves once it listens; with `cpus` (a
 * taskset list such as "0"), on those CPUs only.
 */
export async function startChildServer(name: string, script: string, env: NodeJS.ProcessEnv, cpus?: string): Promise<ChildServer> {
  const node = [process.execPath, '--import', 'tsx', script];
  const [command, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  const child = spawn(command!, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
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
    cpuSeconds() {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    },
    stop,
  };
}
