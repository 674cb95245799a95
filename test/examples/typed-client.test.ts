import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY } from '../support/gateway.ts';
import { startStorageGateway, type StorageGateway } from '../support/storage-gateway.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/typed-client');

/** Runs a Node script of the repository (no npx: its lookup is slow and may reach for the network). */
const node = (args: string[]) => run(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
/** Codegen and tsc each load a compiler: seconds of work, more on a busy machine. */
const TOOL_TIMEOUT_MS = 120_000;

// What CI does for the example: codegen from schema.graphql, type-check, then run it against a live server.
// The server and the example's storage do not depend on the provider: SQLite only.
describe('examples/typed-client', () => {
  let s: StorageGateway;
  beforeAll(async () => {
    s = await startStorageGateway('sqlite');
  });
  afterAll(async () => s?.close());

  it('generates typed operations from schema.graphql', async () => {
    await node([join(ROOT, 'node_modules/@graphql-codegen/cli/esm/bin.js'), '--config', join(EXAMPLE, 'codegen.ts'), '--silent']);
  }, TOOL_TIMEOUT_MS);

  it('type-checks with the generated types', async () => {
    await node([join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', EXAMPLE]);
  }, TOOL_TIMEOUT_MS);

  it('runs against a live gateway and prints what it did', async () => {
    const { stdout } = await node(['--import', 'tsx', join(EXAMPLE, 'src/main.ts'), '--endpoint', `${s.url}/v1`, '--key', ROOT_KEY]);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^database [0-9a-z]{20} "Typed client example"$/);
    expect(lines.slice(1, 6)).toEqual([
      'collection books with attributes title, year',
      'created documents dune, neuromancer, foundation',
      'listed 2 with year > 1960, newest first: Neuromancer (1984), Dune (1965)',
      'got dune: Dune',
      expect.stringMatching(/^uploaded hello\.txt \(29 bytes, text\/plain\) to bucket [0-9a-z]{20}$/),
    ]);
    expect(lines[6]).toMatch(/^file token [0-9a-z]{20}: GET \/v1\/storage\/buckets\/[0-9a-z]{20}\/files\/[0-9a-z]{20}\/view without a key → HTTP 200, 29 bytes, same as uploaded$/);
  });
});
