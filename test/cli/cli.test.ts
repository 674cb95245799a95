import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printGatewaySchema } from '../../src/schema/sdl.ts';
import { listeningUrl, logLines, runGateway, spawnGateway, waitForOutput } from '../support/child-process.ts';
import { postHead, rawConnection } from '../support/raw-http.ts';

// What does not depend on the database provider: help, usage errors, schema, shutdown limits (SQLite).
const dir = mkdtempSync(join(tmpdir(), 'gateway-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gateway help and usage errors', () => {
  it('--help lists the commands on stdout', async () => {
    const { code, stdout, stderr } = await runGateway(['--help']);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^Usage: gateway <command> \[options\]\n\nCommands:\n {2}serve {4}.+\n {2}migrate {2}.+\n {2}schema {3}.+\n {2}keys {5}.+\n/);
  });

  it('keys create --help names its options and every scope', async () => {
    const { code, stdout } = await runGateway(['keys', 'create', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: gateway keys create --name <name> --scopes <scope,scope,...> [--expire <ISO 8601 date>]');
    expect(stdout).toMatch(/databases\.read databases\.write .* teams\.write\n {2}graphql\n$/s);
  });

  it.each([
    [['frobnicate'], 'Unknown command "frobnicate"', 'Usage: gateway <command>'],
    [['keys'], 'Missing command', 'Usage: gateway keys <command>'],
    [['keys', 'create', '--name', 'ci', '--scopes', 'databases.read,databases.destroy,root'], 'Unknown scopes: databases.destroy, root', 'Usage: gateway keys create'],
    [['keys', 'create', '--name', 'ci', '--scopes', 'databases.read', '--expire', 'tomorrow'], '--expire must be an ISO 8601 date', 'Usage: gateway keys create'],
    [['keys', 'list', '--all'], "Unknown option '--all'", 'Usage: gateway keys list'],
  ])('%j exits 2 with the message and the usage on stderr', async (args, message, usage) => {
    const { code, stdout, stderr } = await runGateway(args);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr).toContain(`\n\n${usage}`);
  });
});

describe('gateway schema', () => {
  it('--check exits 1 for a stale file; without it the file is written', async () => {
    const out = join(dir, 'schema.graphql');
    const check = await runGateway(['schema', '--check', '--out', out]);
    expect([check.code, check.stdout]).toEqual([1, `${out} is stale: run \`gateway schema\` and commit it\n`]);
    const written = await runGateway(['schema', '--out', out]);
    expect([written.code, written.stdout]).toEqual([0, `${out} updated\n`]);
    expect(readFileSync(out, 'utf8')).toBe(printGatewaySchema());
  });
});

describe('gateway serve shutdown limits', () => {
  const env = (name: string, extra: Record<string, string> = {}) => ({ DATABASE_URL: `file:${join(dir, `${name}.db`)}`, DATA_DIR: dir, STORAGE_DIR: join(dir, 'storage'), ROOT_API_KEY: 'cli-test-root-key-0123', ...extra });
  /** A GraphQL request the server is handling whose body never comes. */
  const stalledRequest = (base: string) => rawConnection(base, postHead('/v1/graphql', '{"query":"{ databasesList { total } }"}', { 'Content-Type': 'application/json' }));

  it('destroys the connections still open after SHUTDOWN_TIMEOUT_MS and exits 1', async () => {
    const server = spawnGateway(['serve'], env('timeout', { SHUTDOWN_TIMEOUT_MS: '200' }));
    const stalled = stalledRequest(await listeningUrl(server));
    await stalled.continued;
    server.process.kill('SIGTERM');
    expect(await stalled.closed).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    expect(await server.exited).toBe(1);
    expect(logLines(server.output.text())).toContainEqual(expect.objectContaining({ level: 'error', msg: 'shutdown timed out: destroying the connections still open', timeoutMs: 200 }));
  });

  it('exits 1 at once on a second signal during the drain', async () => {
    const server = spawnGateway(['serve'], env('second-signal'));
    const stalled = stalledRequest(await listeningUrl(server));
    await stalled.continued;
    server.process.kill('SIGTERM');
    await waitForOutput(server, /shutting down/);
    server.process.kill('SIGINT');
    expect(await server.exited).toBe(1);
    expect(logLines(server.output.text())).toContainEqual(expect.objectContaining({ msg: 'second signal during shutdown: exiting without waiting for in-flight requests', signal: 'SIGINT' }));
    await stalled.closed;
  });
});
