import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listeningUrl, spawnNode } from './support/child-process.ts';

/** `npm start` as a user runs it: a real process, real port, real signals. */
const dir = mkdtempSync(join(tmpdir(), 'gateway-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (env: Record<string, string>) => spawnNode(['--import', 'tsx', 'src/main.ts'], env);

describe('the server process', () => {
  it('creates a bootstrap API key on a fresh install without ROOT_API_KEY, shown once', async () => {
    const env = { DATABASE_URL: `file:${join(dir, 'bootstrap.db')}`, DATA_DIR: dir };
    const child = start(env);
    const base = await listeningUrl(child);
    const key = /^ {2}(standard_[0-9a-f]{64})$/m.exec(child.output.text())?.[1];
    expect(key).toBeDefined();
    const response = await fetch(`${base}/v1/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-key': key! },
      body: JSON.stringify({ query: '{ databasesList { total } }' }),
    });
    expect(await response.json()).toEqual({ data: { databasesList: { total: 0 } } });
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const again = start(env);
    await listeningUrl(again);
    expect(again.output.text()).not.toMatch(/standard_[0-9a-f]{64}/);
    again.process.kill('SIGTERM');
    await again.exited;
  });

  it('fails fast with one line naming a bad variable', async () => {
    const child = start({ PORT: 'not-a-port' });
    expect(await child.exited).toBe(1);
    expect(child.output.text().trim()).toBe('Configuration error: PORT must be an integer between 0 and 65535, got "not-a-port"');
  });

  it('starts on SQLite, migrates, serves health and GraphQL, and drains on SIGTERM', async () => {
    const env = { DATABASE_URL: `file:${join(dir, 'gateway.db')}`, ROOT_API_KEY: 'process-test-root-key', DATA_DIR: dir };
    const child = start(env);
    const base = await listeningUrl(child);
    expect(child.output.text()).toContain('migrations applied');
    const health = await fetch(`${base}/v1/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`${base}/v1/health?probe=1`)).status).toBe(200);
    // A request whose body is still arriving when SIGTERM lands must be answered before the process exits.
    const body = JSON.stringify({ query: 'mutation { databasesCreate(databaseId: "p", name: "p") { _id } }' });
    const answer = new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${base}/v1/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-appwrite-key': 'process-test-root-key' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        child.process.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    expect(JSON.parse(await answer)).toEqual({ data: { databasesCreate: { _id: 'p' } } });
    expect(await child.exited).toBe(0);
    expect(child.output.text()).toContain('stopped');

    // A second start applies nothing and finds the data.
    const again = start(env);
    const base2 = await listeningUrl(again);
    expect(again.output.text()).not.toContain('migrations applied');
    const listed = await fetch(`${base2}/v1/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-key': 'process-test-root-key' },
      body: JSON.stringify({ query: '{ databasesGet(databaseId: "p") { _id } }' }),
    });
    expect(await listed.json()).toEqual({ data: { databasesGet: { _id: 'p' } } });
    again.process.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
