import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dialect } from '../src/db/dialect.ts';
import { startChildServer, type ChildServer } from './child-server.ts';
import type { Cleanup } from './cleanup.ts';
import { graphqlBody, postGraphQL } from './graphql-client.ts';
import { runDownloadLoad, type LoadSettings } from './load.ts';
import { formatMs, formatRate, PROVIDER_NAME, type CaseResult } from './results.ts';
import type { GatewayProcess } from './server-processes.ts';

/**
 * Token-authorized downloads (issue 4's benchmark): a 10 KiB and a 1 MiB file fetched through
 * `/download?token=…` from the gateway, beside the same bytes from a bare node:http file server
 * (bench/file-baseline-server.ts). Every download is checked byte for byte before the load.
 */

export const DOWNLOAD_SIZES = [{ label: '10 KiB', bytes: 10 * 1024 }, { label: '1 MiB', bytes: 1024 * 1024 }] as const;

export const downloadCaseName = (label: string, server: 'gateway' | 'baseline'): string =>
  server === 'gateway' ? `token download, ${label}` : `bare node:http file server, ${label}`;

const BUCKET = `mutation { storageCreateBucket(bucketId: "bench_files", name: "Benchmark files") { _id } }`;
const CREATE_FILE = `mutation($fileId: String!, $file: InputFile!) { storageCreateFile(bucketId: "bench_files", fileId: $fileId, file: $file) { _id } }`;
const CREATE_TOKEN = `mutation($fileId: String!) { tokensCreateFileToken(bucketId: "bench_files", fileId: $fileId) { downloadUrl } }`;

/** Uploads `bytes` as a multipart GraphQL request and returns a token download URL for it. */
async function uploadWithToken(gateway: GatewayProcess, fileId: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.set('operations', graphqlBody(CREATE_FILE, { fileId, file: null }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([new Uint8Array(bytes)]), `${fileId}.bin`);
  const response = await fetch(gateway.server.url, { method: 'POST', headers: { 'x-appwrite-key': gateway.apiKey }, body: form });
  const answer = (await response.json()) as { errors?: unknown };
  if (answer.errors) throw new Error(`upload of ${fileId} failed: ${JSON.stringify(answer.errors)}`);
  const data = (await postGraphQL(gateway.server.url, { apiKey: gateway.apiKey }, graphqlBody(CREATE_TOKEN, { fileId }))) as { tokensCreateFileToken: { downloadUrl: string } };
  return new URL(data.tokensCreateFileToken.downloadUrl, gateway.server.url).toString();
}

async function expectBytes(url: string, bytes: Buffer): Promise<void> {
  const response = await fetch(url);
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200 || !body.equals(bytes)) throw new Error(`download check failed for ${url}: HTTP ${response.status}, ${body.length} bytes`);
}

async function measure(provider: Dialect | null, operation: string, url: string, server: ChildServer, settings: LoadSettings): Promise<CaseResult> {
  const load = await runDownloadLoad(url, settings);
  console.log(`  ${operation}: ${formatRate(load.requestsPerSecond)} req/s, p50 ${formatMs(load.p50Ms)} ms, p99 ${formatMs(load.p99Ms)} ms`);
  return { provider, size: null, operation, load, rssMegabytes: server.rssMegabytes() };
}

/** The gateway's token downloads on `gateway` (already running on `provider`). */
export async function benchmarkTokenDownloads(gateway: GatewayProcess, provider: Dialect, settings: LoadSettings): Promise<CaseResult[]> {
  console.log(`${PROVIDER_NAME[provider]}: token downloads`);
  await postGraphQL(gateway.server.url, { apiKey: gateway.apiKey }, graphqlBody(BUCKET));
  const cases: CaseResult[] = [];
  for (const size of DOWNLOAD_SIZES) {
    const bytes = randomBytes(size.bytes);
    const url = await uploadWithToken(gateway, `f${size.bytes}`, bytes);
    await expectBytes(url, bytes);
    cases.push(await measure(provider, downloadCaseName(size.label, 'gateway'), url, gateway.server, settings));
  }
  return cases;
}

/** The same sizes from the bare file server: the baseline of the comparison. */
export async function benchmarkFileBaseline(workDir: string, settings: LoadSettings, cleanup: Cleanup): Promise<CaseResult[]> {
  console.log('Baseline: bare node:http file server');
  const directory = join(workDir, 'baseline-files');
  await mkdir(directory, { recursive: true });
  const files = DOWNLOAD_SIZES.map((size) => ({ ...size, name: `f${size.bytes}.bin`, bytes: randomBytes(size.bytes) }));
  for (const file of files) await writeFile(join(directory, file.name), file.bytes);
  const server = await startChildServer('file baseline', 'bench/file-baseline-server.ts', { ...process.env, NODE_ENV: 'production', PORT: '0', FILES_DIR: directory });
  cleanup.add(server.stop);
  const cases: CaseResult[] = [];
  for (const file of files) {
    const url = `${server.url}/${file.name}`;
    await expectBytes(url, file.bytes);
    cases.push(await measure(null, downloadCaseName(file.label, 'baseline'), url, server, settings));
  }
  await server.stop();
  return cases;
}
