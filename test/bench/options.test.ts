import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFailure, runLoad } from '../../bench/load.ts';
import { optionArgs, parseOptions, USAGE, type BenchOptions } from '../../bench/options.ts';

// The benchmark's command line, and its load runs as short as a smoke run's, against a throwaway node:http server.
// `npm run bench -- --smoke` itself runs in CI (.ci/run), after `npm test`.

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const parsed = (argv: string[]): BenchOptions => {
  const options = parseOptions(argv);
  if (options === 'help') throw new Error('unexpected help');
  return options;
};

describe('npm run bench options', () => {
  it('keeps the measuring defaults', () => {
    expect(parsed([])).toEqual({ sizes: [10_000, 100_000], durationSeconds: 8, warmupSeconds: 3, connections: 10, rounds: 3, only: null, smoke: false });
    expect(optionArgs(parsed([]))).toBe('--sizes 10000,100000 --duration 8 --warmup 3 --connections 10');
  });

  it('--smoke: tiny collections, half a second per case, no warm-up, one round; other options still apply', () => {
    expect(parsed(['--smoke'])).toEqual({ sizes: [100, 1_000], durationSeconds: 0.5, warmupSeconds: 0, connections: 10, rounds: 1, only: null, smoke: true });
    expect(parsed(['--smoke', '--only', 'permissions'])).toMatchObject({ only: 'permissions', smoke: true, rounds: 1 });
    expect(parsed(['--smoke', '--docs', '500', '--duration', '1', '--warmup', '1'])).toMatchObject({ sizes: [100, 500], durationSeconds: 1, warmupSeconds: 1, smoke: true });
  });

  it('reproduces a run from its printed arguments', () => {
    expect(parsed(['--only', 'rate-limit', '--rounds', '5'])).toMatchObject({ only: 'rate-limit', rounds: 5 });
    for (const argv of [[], ['--smoke'], ['--smoke', '--only', 'rate-limit'], ['--only', 'rate-limit', '--rounds', '5'], ['--sizes', '5,50,500', '--duration', '0.25', '--warmup', '0', '--only', 'permissions']]) {
      const options = parsed(argv);
      expect(parsed(optionArgs(options).split(' '))).toEqual(options);
    }
  });

  it.each([
    [['--duration', '1.5'], '--duration must be a whole number of seconds or a fraction below 1'],
    [['--duration', '0'], '--duration must be a whole number of seconds or a fraction below 1'],
    [['--warmup', '0.5'], '--warmup must be a non-negative integer'],
    [['--connections', '0'], '--connections must be a positive integer'],
    [['--only', 'everything'], '--only must be one of rate-limit, permissions'],
    [['--docs', '10', '--sizes', '1,2'], 'give either --docs or --sizes, not both'],
    [['--smoke', '--docs', '100'], 'at least two different collection sizes'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(message);
  });

  it('`npm run bench -- --help` prints the usage and exits 0; a bad option exits 2 with it', async () => {
    const help = await run('npm', ['run', 'bench', '--', '--help'], { cwd: REPO_ROOT });
    expect(help.stdout).toContain(USAGE);
    const bad = await run('npm', ['run', 'bench', '--', '--duration', 'soon'], { cwd: REPO_ROOT }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toContain('--duration must be');
    expect(bad?.stderr).toContain(USAGE);
  });
});

describe('bench load runs', () => {
  let server: Server | undefined;
  async function stop(): Promise<void> {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  }
  afterEach(stop);

  async function serve(listener: RequestListener): Promise<string> {
    server = createServer(listener).listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  const settings = { connections: 2, durationSeconds: 0.5, warmupSeconds: 0 };
  const request = () => ({ credential: { apiKey: 'k' }, body: '{}' });

  it('a run below a second lasts about that long and reports requests per second', async () => {
    const url = await serve((_req, res) => res.end('{"data":{}}'));
    const started = performance.now();
    const result = await runLoad(url, request, settings);
    expect(performance.now() - started).toBeLessThan(900);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requestsPerSecond / (result.requests / settings.durationSeconds)).toBeCloseTo(1, 0);
    expect(loadFailure(result)).toBeNull();
  });

  it('answers with GraphQL errors, and no answer at all, make a run invalid', async () => {
    const failing = await serve((_req, res) => res.end('{"errors":[{"message":"no"}]}'));
    expect(loadFailure(await runLoad(failing, request, settings))).toMatch(/^[1-9]\d* errors, 0 non-2xx answers, [1-9]\d* requests answered/);
    await stop();

    const silent = await serve(() => {});
    const result = await runLoad(silent, request, settings);
    expect(result.requests).toBe(0);
    expect(loadFailure(result)).toMatch(/ 0 requests answered/);
  });
});
