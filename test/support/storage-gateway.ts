import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/logger.ts';
import { createHttpServer, type Gateway } from '../../src/server.ts';
import { ROOT_KEY, startGateway, TEST_JWT_SECRET, type GraphQLResponse } from './gateway.ts';
import type { Provider } from './providers.ts';

export const asKey = { 'x-appwrite-key': ROOT_KEY };

/** A gateway behind a real HTTP server, with its own storage directory and a clock the test moves. */
export interface StorageGateway {
  gateway: Gateway;
  url: string;
  storageDir: string;
  advance(ms: number): void;
  now(): number;
  /** A GraphQL operation over HTTP (JSON). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  ok<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T>;
  /** storageCreateFile as a GraphQL multipart request. */
  upload(input: { bucketId: string; fileId: string; bytes: Uint8Array; name: string; type?: string; permissions?: string[] }, headers?: Record<string, string>): Promise<GraphQLResponse>;
  get(path: string, init?: RequestInit): Promise<Response>;
  /** Stored files' relative paths (temporary uploads excluded). */
  storedFiles(): string[];
  /** Files left in the temporary upload directory. */
  pendingUploads(): string[];
  close(): Promise<void>;
}

const CREATE_FILE = `mutation($bucketId: String!, $fileId: String!, $file: InputFile!, $permissions: [String!]) {
  storageCreateFile(bucketId: $bucketId, fileId: $fileId, file: $file, permissions: $permissions) { _id bucketId name signature mimeType sizeOriginal _permissions }
}`;

function listFiles(dir: string, relative = ''): string[] {
  let entries;
  try {
    entries = readdirSync(join(dir, relative), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, path) : [path];
  });
}

export async function startStorageGateway(provider: Provider, env: Record<string, string> = {}, logger?: Logger): Promise<StorageGateway> {
  const storageDir = mkdtempSync(join(tmpdir(), 'gateway-storage-'));
  let clock = Date.now();
  const started = await startGateway(provider, { JWT_SECRET: TEST_JWT_SECRET, STORAGE_DIR: storageDir, ...env }, () => clock, logger);
  const { gateway } = started;
  const server = createHttpServer(gateway, gateway.services.config);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const gql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = asKey) => {
    const response = await fetch(`${url}/v1/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as GraphQLResponse;
  };
  return {
    gateway,
    url,
    storageDir,
    advance: (ms) => void (clock += ms),
    now: () => clock,
    gql,
    async ok(query, variables, headers) {
      const body = await gql(query, variables, headers);
      if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    async upload({ bucketId, fileId, bytes, name, type = 'application/octet-stream', permissions }, headers = asKey) {
      const form = new FormData();
      form.set('operations', JSON.stringify({ query: CREATE_FILE, variables: { bucketId, fileId, file: null, permissions: permissions ?? null } }));
      form.set('map', JSON.stringify({ 0: ['variables.file'] }));
      form.set('0', new Blob([new Uint8Array(bytes)], { type }), name);
      const response = await fetch(`${url}/v1/graphql`, { method: 'POST', headers, body: form });
      return (await response.json()) as GraphQLResponse;
    },
    get: (path, init) => fetch(`${url}${path}`, init),
    storedFiles: () => listFiles(storageDir).filter((path) => !path.startsWith('.uploads/')),
    pendingUploads: () => listFiles(join(storageDir, '.uploads')),
    async close() {
      server.close();
      server.closeAllConnections();
      await started.close();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}
