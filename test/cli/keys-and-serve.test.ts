import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningUrl, runGateway, spawnGateway, waitForOutput, type Child } from '../support/child-process.ts';
import { eventually } from '../support/eventually.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { postHead, rawConnection } from '../support/raw-http.ts';
import { scratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';

warnIfPostgresSkipped('gateway CLI keys and serve');

/** `id: …` and `secret: …`, as `gateway keys create` prints them. */
function createdKey(stdout: string): { id: string; secret: string } {
  const match = /^id: ([0-9a-f]{20})\nsecret: (standard_[0-9a-f]{64})\n$/.exec(stdout);
  if (!match) throw new Error(`unexpected keys create output: ${JSON.stringify(stdout)}`);
  return { id: match[1]!, secret: match[2]! };
}

describe.each(PROVIDERS)('gateway CLI on %s', (provider) => {
  let scratch: ScratchDatabase;
  let env: Record<string, string>;
  let dir: string;
  let server: Child;
  let base: string;
  let writer: { id: string; secret: string };
  let reader: { id: string; secret: string };

  beforeAll(async () => {
    scratch = await scratchDatabase(provider);
    dir = mkdtempSync(join(tmpdir(), 'gateway-cli-'));
    env = { DATABASE_URL: scratch.url, DATA_DIR: dir, STORAGE_DIR: join(dir, 'storage') };
  });
  afterAll(async () => {
    if (server && server.process.exitCode === null) {
      server.process.kill('SIGKILL');
      await server.exited;
    }
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const graphql = (key: string, query: string) =>
    fetch(`${base}/v1/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-appwrite-key': key }, body: JSON.stringify({ query }) }).then((r) => r.json());

  it('migrate applies the migrations of a fresh database', async () => {
    const { code, stdout } = await runGateway(['migrate'], env);
    expect(code).toBe(0);
    expect(stdout).toContain(`Migrating ${provider} database`);
    expect(stdout).toMatch(/Applied migration \d+_init/);
  });

  it('keys create prints the ID and the secret once; keys list shows the keys without secrets', async () => {
    const created = await runGateway(['keys', 'create', '--name', 'deploy bot', '--scopes', 'databases.read,databases.write'], env);
    expect(created.code).toBe(0);
    writer = createdKey(created.stdout);
    expect(created.stderr).toContain('shown only now');
    const expiring = await runGateway(['keys', 'create', '--name', 'reader', '--scopes', 'databases.read', '--expire', '2099-12-31'], env);
    expect(expiring.code).toBe(0);
    reader = createdKey(expiring.stdout);

    const listed = await runGateway(['keys', 'list'], env);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +SCOPES +EXPIRE +CREATED$/);
    expect(lines.slice(1).map((line) => line.split(/ {2,}/))).toEqual([
      [writer.id, 'deploy bot', 'databases.read,databases.write', 'never', expect.stringMatching(/^\d{4}-\d\d-\d\dT/)],
      [reader.id, 'reader', 'databases.read', '2099-12-31T00:00:00.000Z', expect.stringMatching(/^\d{4}-\d\d-\d\dT/)],
    ]);
    expect(listed.stdout).not.toContain('standard_');
  });

  it('serve answers live and ready, and a created key works as X-Appwrite-Key', async () => {
    server = spawnGateway(['serve'], env);
    base = await listeningUrl(server);
    const live = await fetch(`${base}/v1/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'pass' }]);
    const ready = await fetch(`${base}/v1/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'pass' }]);
    expect(await graphql(writer.secret, '{ databasesList { total } }')).toEqual({ data: { databasesList: { total: 0 } } });
    // Keys existed, so no bootstrap key was made.
    expect(server.output.text()).not.toContain('apiKey');
  });

  it('keys revoke deletes a key the running server, which has just used it, refuses at once; an unknown ID fails', async () => {
    expect(await graphql(reader.secret, '{ databasesList { total } }')).toEqual({ data: { databasesList: { total: 0 } } });
    const revoked = await runGateway(['keys', 'revoke', reader.id], env);
    expect([revoked.code, revoked.stdout]).toEqual([0, `revoked ${reader.id}\n`]);
    // The server hears of it through PostgreSQL's notice or SQLite's data_version, well within a second.
    await eventually(async () =>
      expect(await graphql(reader.secret, '{ databasesList { total } }')).toMatchObject({
        errors: [{ message: 'Invalid or expired API key.', extensions: { type: 'user_unauthorized', code: 401 } }],
      }),
      1000,
    );
    const again = await runGateway(['keys', 'revoke', reader.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`No API key has the ID "${reader.id}" (see \`gateway keys list\`)\n`);
  });

  it('drains on SIGTERM: a request whose body is still arriving completes, ready answers 503, exit 0', async () => {
    const body = JSON.stringify({ query: 'mutation { databasesCreate(databaseId: "drained", name: "Drained") { _id } }' });
    const connection = rawConnection(base, postHead('/v1/graphql', body, { 'Content-Type': 'application/json', 'X-Appwrite-Key': writer.secret }));
    await connection.continued;
    server.process.kill('SIGTERM');
    await waitForOutput(server, /shutting down/);
    await expect(fetch(`${base}/v1/health/live`)).rejects.toThrow();
    // The rest of the body, and a readiness probe pipelined behind it on the same connection.
    connection.write(`${body}GET /v1/health/ready HTTP/1.1\r\nHost: gateway\r\n\r\n`);
    const received = await connection.closed;
    const created = received.indexOf('{"data":{"databasesCreate":{"_id":"drained"}}}');
    const notReady = received.indexOf('HTTP/1.1 503 Service Unavailable');
    expect(created).toBeGreaterThan(0);
    expect(notReady).toBeGreaterThan(created);
    expect(received.slice(notReady)).toContain('{"status":"fail","reason":"shutting down"}');
    expect(await server.exited).toBe(0);
    expect(server.output.text()).toContain('"msg":"stopped"');
  });
});
