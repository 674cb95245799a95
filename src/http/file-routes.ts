import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { requireScope } from '../auth/api-keys.ts';
import type { Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import type { Logger } from '../logger.ts';
import { describeCause } from '../observability/internal-errors.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../observability/request-id.ts';
import { elapsedMs } from '../observability/request-log-plugin.ts';
import type { StorageServices } from '../storage/context.ts';
import { isActiveContent } from '../storage/file-store.ts';
import { fileNotFound, requireFile } from '../storage/files.ts';
import { parsePreviewOptions, renderPreview } from '../storage/preview.ts';
import { fileOpenedByToken, type TokenFile } from '../tokens/file-tokens.ts';
import { answerFor, ifNoneMatchHits } from './byte-ranges.ts';

/**
 * `GET|HEAD /v1/storage/buckets/{bucketId}/files/{fileId}/view|download|preview`, on node:http directly so
 * file bytes stream from disk to the socket. Opened by the caller's permissions (the same headers as GraphQL)
 * or by a file token (`?token=`); either way, a file the caller may not open answers exactly as a missing one.
 */

export type FileRouteKind = 'view' | 'download' | 'preview';

export interface FileRoute {
  bucketId: string;
  fileId: string;
  kind: FileRouteKind;
}

const FILE_ROUTE = /^\/v1\/storage\/buckets\/([^/]+)\/files\/([^/]+)\/(view|download|preview)$/;

export function matchFileRoute(pathname: string): FileRoute | null {
  const match = FILE_ROUTE.exec(pathname);
  if (!match) return null;
  try {
    return { bucketId: decodeURIComponent(match[1]!), fileId: decodeURIComponent(match[2]!), kind: match[3] as FileRouteKind };
  } catch {
    return null;
  }
}

export interface FileRouteDeps {
  storage: StorageServices;
  resolveCaller: (headers: Headers) => Promise<Caller>;
  logger: Logger;
}

/**
 * A preview decodes and re-encodes a whole image: up to seconds of CPU and hundreds of MB at the limits
 * (src/storage/preview.ts). This many run at once per process; later ones wait their turn.
 */
const MAX_CONCURRENT_PREVIEWS = 2;
let previewsRunning = 0;
const previewQueue: (() => void)[] = [];

async function inPreviewSlot<T>(work: () => Promise<T>): Promise<T> {
  if (previewsRunning >= MAX_CONCURRENT_PREVIEWS) await new Promise<void>((resolve) => previewQueue.push(resolve));
  else previewsRunning++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter, or free it.
    const next = previewQueue.shift();
    if (next) next();
    else previewsRunning--;
  }
}

// Active content (HTML, SVG, XML) opened from the gateway's origin must not run script there.
const SANDBOX = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** Who opened a file: a caller by its headers, or a file token (`?token=`). */
type FileRouteAccess = { callerKind: Caller['kind'] | 'token' | null };

/**
 * Serves the route and logs it as Yoga's requests are (src/observability/request-log-plugin.ts): one line with the
 * request ID (also on the response and on any failure line), the path without its query (a token's secret is in
 * it), the status and the duration.
 */
export async function serveFileRoute(req: IncomingMessage, res: ServerResponse, url: URL, route: FileRoute, deps: FileRouteDeps): Promise<void> {
  const started = performance.now();
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER] as string | undefined);
  const logger = deps.logger.child({ requestId });
  const access: FileRouteAccess = { callerKind: null };
  res.setHeader(REQUEST_ID_HEADER, requestId);
  res.once('close', () => {
    const fields = { method: req.method, path: url.pathname, route: route.kind, callerKind: access.callerKind, status: res.statusCode, durationMs: elapsedMs(started) };
    logger.info('request', res.writableFinished ? fields : { ...fields, aborted: true });
  });
  await answerFileRoute(req, res, url, route, { ...deps, logger }, access);
}

async function answerFileRoute(req: IncomingMessage, res: ServerResponse, url: URL, route: FileRoute, deps: FileRouteDeps, access: FileRouteAccess): Promise<void> {
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, new AppwriteError('general_argument_invalid', 'Only GET and HEAD are allowed here.'), { allow: 'GET, HEAD' });
      return;
    }
    const file = await openFile(req, url, route, deps, access);
    if (route.kind === 'preview') await sendPreview(req, res, url, file, deps.storage);
    else await sendBytes(req, res, route.kind, file, deps.storage);
  } catch (error) {
    if (error instanceof AppwriteError) {
      sendError(res, Number(error.extensions['code'] ?? 400), error);
      return;
    }
    // A client that goes away mid-download is no failure of ours.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    deps.logger.error('file route failed', { error: describeCause(error) });
    if (!res.headersSent) sendError(res, 500, new AppwriteError('general_server_error', 'Server Error'));
    else res.destroy();
  }
}

/** The file the token opens, or, without a token, the one the caller may read. */
async function openFile(req: IncomingMessage, url: URL, route: FileRoute, deps: FileRouteDeps, access: FileRouteAccess): Promise<TokenFile> {
  const token = url.searchParams.get('token');
  if (token) {
    access.callerKind = 'token';
    const opened = await fileOpenedByToken(deps.storage, token, route.bucketId, route.fileId);
    if (!opened) throw fileNotFound();
    return opened;
  }
  const caller = await deps.resolveCaller(toHeaders(req));
  access.callerKind = caller.kind;
  requireScope(caller, 'files.read');
  const { bucket, file } = await requireFile({ ...deps.storage, caller }, route.bucketId, route.fileId, 'read');
  return { ...file, transformations: bucket.transformations };
}

function commonHeaders(file: TokenFile): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    // Access can end at any moment (a token deleted, a permission changed): caches must ask again each time.
    'cache-control': 'private, no-cache',
    ...(isActiveContent(file.mimeType) ? { 'content-security-policy': SANDBOX } : {}),
  };
}

/** RFC 6266 filename parameters: an ASCII fallback and the exact UTF-8 name. */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function sendBytes(req: IncomingMessage, res: ServerResponse, kind: 'view' | 'download', file: TokenFile, storage: StorageServices): Promise<void> {
  const etag = `"${file.signature}"`;
  const answer = answerFor(file.sizeOriginal, etag, { ifNoneMatch: req.headers['if-none-match'], range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined });
  const headers: Record<string, string | number> = {
    ...commonHeaders(file),
    etag,
    'accept-ranges': 'bytes',
    'content-type': file.mimeType.startsWith('text/') ? `${file.mimeType}; charset=utf-8` : file.mimeType,
    // Downloads are always attachments; active content viewed stays under the sandbox policy above.
    'content-disposition': contentDisposition(kind === 'download' ? 'attachment' : 'inline', file.name),
  };
  if (answer.status === 304) {
    res.writeHead(304, { etag, 'cache-control': String(headers['cache-control']) }).end();
    return;
  }
  if (answer.status === 416) {
    res.writeHead(416, { ...commonHeaders(file), 'content-range': `bytes */${file.sizeOriginal}` }).end();
    return;
  }
  // Opened before any header goes out: a file deleted meanwhile is a clean 404, not a reset connection.
  const handle = await open(storage.store.absolute(file.storagePath), 'r').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? fileNotFound() : error;
  });
  const length = answer.end - answer.start + 1;
  if (answer.status === 206) headers['content-range'] = `bytes ${answer.start}-${answer.end}/${file.sizeOriginal}`;
  headers['content-length'] = length;
  if (req.method === 'HEAD' || length === 0) {
    await handle.close();
    res.writeHead(answer.status, headers).end();
    return;
  }
  if (length <= SMALL_BODY_BYTES) {
    const body = await readRange(handle, answer.start, length).finally(() => handle.close());
    res.writeHead(answer.status, headers).end(body);
    return;
  }
  res.writeHead(answer.status, headers);
  await pipeline(handle.createReadStream({ start: answer.start, end: answer.end }), res);
}

/** Bodies up to this size are read whole and sent in one write: a stream's machinery costs more than their bytes. */
const SMALL_BODY_BYTES = 64 * 1024;

async function readRange(handle: FileHandle, start: number, length: number): Promise<Buffer> {
  const body = Buffer.allocUnsafe(length);
  for (let filled = 0; filled < length; ) {
    const { bytesRead } = await handle.read(body, filled, length - filled, start + filled);
    // The stored file is shorter than its record says: no answer can be right.
    if (bytesRead === 0) throw new Error(`file ended after ${filled} of ${length} bytes`);
    filled += bytesRead;
  }
  return body;
}

async function sendPreview(req: IncomingMessage, res: ServerResponse, url: URL, file: TokenFile, storage: StorageServices): Promise<void> {
  if (!file.transformations) throw new AppwriteError('storage_bucket_transformations_disabled', 'Image transformations are disabled for the requested bucket.');
  const options = parsePreviewOptions(url.searchParams);
  // The same file and options always render the same image: a client holding it need not wait for a render.
  const etag = `"${createHash('sha256').update(`${file.signature}:${JSON.stringify(options)}`).digest('base64url').slice(0, 27)}"`;
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatchHits(ifNoneMatch, etag)) {
    res.writeHead(304, { etag, 'cache-control': 'private, no-cache' }).end();
    return;
  }
  const source = { path: storage.store.absolute(file.storagePath), mimeType: file.mimeType, name: file.name };
  const preview = await inPreviewSlot(() => renderPreview(source, options));
  res.writeHead(200, {
    ...commonHeaders({ ...file, mimeType: preview.contentType }),
    etag,
    'content-type': preview.contentType,
    'content-length': preview.body.length,
    'content-disposition': contentDisposition('inline', file.name),
  });
  res.end(req.method === 'HEAD' ? undefined : preview.body);
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** Appwrite's REST error body. */
export function sendError(res: ServerResponse, status: number, error: AppwriteError, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra });
  res.end(JSON.stringify({ message: error.message, code: status, type: error.type }));
}
