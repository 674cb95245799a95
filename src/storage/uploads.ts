// GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec), streamed to disk.
//
// Yoga's own multipart parser (plugins/request-parser/post-multipart.js) calls `request.formData()`. On Node its
// Request is @whatwg-node/node-fetch's, whose Body.formData() has busboy push every chunk of a file part into an
// array and wraps them in an in-memory File (`new PonyfillFile(chunks, …)`): each upload sits whole in memory,
// bounded only by the request size limit, before a resolver runs. This plugin installs its own parser for
// multipart requests instead: each file goes to a temporary file as it arrives; resolvers get an UploadedFile.
import busboy, { type Busboy, type FileInfo } from 'busboy';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { AppwriteError } from '../errors/appwrite-error.ts';

/** Enough of a file's beginning for content sniffing (file-type reads at most 4100 bytes). */
const HEAD_BYTES = 4100;
/** The `operations` and `map` fields are held in memory: capped (busboy's default size). */
const MAX_FIELD_BYTES = 1024 * 1024;
/** Temporary files are named so that clearing a directory never touches anything else put there. */
const tempName = () => `${randomUUID()}.upload`;
const TEMP_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.upload$/;
/**
 * A temporary file untouched for this long belongs to no live request: an upload in progress keeps writing to its
 * file, and a finished one is moved or removed when its response is produced. The grace protects other processes
 * sharing the directory.
 */
const STALE_AFTER_MS = 60 * 60 * 1000;

export interface UploadOptions {
  tempDir: string;
  maxFileBytes: number;
  maxFiles: number;
}

/** The temporary files of one request, removed when its response is produced unless moved before. */
class RequestFiles {
  readonly #paths = new Set<string>();

  constructor(private readonly tempDir: string) {}

  async newPath(): Promise<string> {
    await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    const path = join(this.tempDir, tempName());
    this.#paths.add(path);
    return path;
  }

  release(path: string): void {
    this.#paths.delete(path);
  }

  async removeAll(): Promise<void> {
    const paths = [...this.#paths];
    this.#paths.clear();
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  }
}

/** A file of a multipart request, complete on disk in a temporary file. */
export class UploadedFile {
  /** The client's file name ('' when it sent none): for display only, never used in paths. */
  readonly name: string;
  /** The client's Content-Type: untrusted. */
  readonly declaredType: string;
  readonly size: number;
  /** Hex MD5 of the content, computed while it streamed to disk. */
  readonly md5: string;
  /** The first bytes (at most 4100), for content sniffing. */
  readonly head: Buffer;
  readonly #path: string;
  readonly #files: RequestFiles;
  #moved = false;

  constructor(info: FileInfo, content: { size: number; md5: string; head: Buffer }, path: string, files: RequestFiles) {
    this.name = info.filename ?? '';
    this.declaredType = info.mimeType;
    this.size = content.size;
    this.md5 = content.md5;
    this.head = content.head;
    this.#path = path;
    this.#files = files;
  }

  /**
   * Moves the temporary file to `destination` (same filesystem: rename); afterwards it is no longer cleaned up.
   * A file can be stored once: a request using one upload for two files is refused.
   */
  async moveTo(destination: string): Promise<void> {
    if (this.#moved) throw new AppwriteError('storage_invalid_file', 'An uploaded file can be stored once: send one file part per file.');
    this.#moved = true;
    await rename(this.#path, destination);
    this.#files.release(this.#path);
    // Renaming keeps the upload's modification time; stored files are judged by age when swept for orphans.
    const now = new Date();
    await utimes(destination, now, now);
  }
}

function invalidRequest(message: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', message, { http: { status: 400 } });
}

function fileTooLarge(maxFileBytes: number): AppwriteError {
  return new AppwriteError(
    'storage_invalid_file_size',
    `The file size is either not valid or exceeds the maximum allowed size of ${maxFileBytes} bytes.`,
    { http: { status: 400 } },
  );
}

/** Streams one file part to a new temporary file, measuring it on the way; backpressure reaches the request body. */
async function writeTempFile(stream: Readable, info: FileInfo, files: RequestFiles): Promise<UploadedFile> {
  const path = await files.newPath();
  // Opened before piping so the file exists before anything can try to remove it.
  const handle = await open(path, 'wx', 0o600);
  const hash = createHash('md5');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  await pipeline(
    stream,
    async function* measure(chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        size += chunk.length;
        hash.update(chunk);
        if (headLength < HEAD_BYTES) {
          const part = chunk.subarray(0, HEAD_BYTES - headLength);
          head.push(part);
          headLength += part.length;
        }
        yield chunk;
      }
    },
    handle.createWriteStream(),
  );
  return new UploadedFile(info, { size, md5: hash.digest('hex'), head: Buffer.concat(head) }, path, files);
}

function parseJsonField(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw invalidRequest(`The multipart field "${name}" must be valid JSON.`);
  }
}

function parseOperations(value: string): GraphQLParams | GraphQLParams[] {
  const operations = parseJsonField('operations', value);
  const isOperation = (item: unknown) => item !== null && typeof item === 'object' && !Array.isArray(item);
  if (Array.isArray(operations) ? operations.every(isOperation) : isOperation(operations)) {
    return operations as GraphQLParams | GraphQLParams[];
  }
  throw invalidRequest('The multipart field "operations" must be a JSON object or an array of objects.');
}

/** Where one file goes: a key of an object or array inside the operations. */
interface Slot {
  container: Record<string, unknown>;
  key: string;
}

function hasSlot(container: unknown, key: string): container is Record<string, unknown> {
  if (Array.isArray(container)) return /^(0|[1-9]\d*)$/.test(key) && Number(key) < container.length;
  // Own keys only: a path never reaches a prototype (`__proto__` from JSON is an own data property).
  return container !== null && typeof container === 'object' && Object.hasOwn(container, key);
}

/** Resolves a spec path such as `variables.file` or `0.variables.files.1`; it must exist in the operations. */
function slotAt(operations: unknown, path: string): Slot {
  const keys = path.split('.');
  let container = operations;
  for (const [index, key] of keys.entries()) {
    if (!hasSlot(container, key)) break;
    if (index === keys.length - 1) return { container, key };
    container = container[key];
  }
  throw invalidRequest(`The map path "${path}" does not exist in the operations.`);
}

/** The `map` field: file field names to the operation slots each file fills. */
function parseMap(value: string, operations: unknown, maxFiles: number): Map<string, Slot[]> {
  const map = parseJsonField('map', value);
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    throw invalidRequest('The multipart field "map" must be a JSON object of file field names to arrays of paths.');
  }
  const entries = Object.entries(map);
  if (entries.length > maxFiles) throw invalidRequest(`At most ${maxFiles} files can be sent in one request.`);
  return new Map(
    entries.map(([field, paths]) => {
      if (!Array.isArray(paths) || !paths.every((path) => typeof path === 'string')) {
        throw invalidRequest(`The map entry "${field}" must be an array of paths.`);
      }
      return [field, paths.map((path: string) => slotAt(operations, path))];
    }),
  );
}

function openParser(request: Request, options: UploadOptions): Busboy {
  try {
    return busboy({
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
      // Browsers send file names as raw UTF-8; busboy's default would read them as latin1.
      defParamCharset: 'utf8',
      // busboy reports a file reaching the limit, not exceeding it: one byte more lets a file of exactly the limit in.
      limits: { files: options.maxFiles, fileSize: options.maxFileBytes + 1, fieldSize: MAX_FIELD_BYTES },
    });
  } catch (error) {
    throw invalidRequest(`Invalid multipart request: ${(error as Error).message}.`);
  }
}

/**
 * Reads `operations`, then `map`, then the files (the spec's order), resolving once every file is on disk.
 * On any failure it stops reading at once and rejects after in-flight writes settle, so that the response hook
 * finds and removes every file the request created.
 */
function parseMultipart(request: Request, files: RequestFiles, options: UploadOptions): Promise<GraphQLParams | GraphQLParams[]> {
  const parser = openParser(request, options);
  // A web ReadableStream or whatwg-node's ponyfill: both are async iterables of bytes (Node's types omit it).
  const body = Readable.from((request.body as unknown as AsyncIterable<Uint8Array> | null) ?? []);
  return new Promise((resolve, reject) => {
    let operations: GraphQLParams | GraphQLParams[] | undefined;
    let map: Map<string, Slot[]> | undefined;
    const received = new Set<string>();
    const uploads: Promise<void>[] = [];
    let failed = false;

    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      // The body is left unread rather than destroyed: destroying node:http's request would reset the socket
      // before the error response could be sent.
      body.unpipe(parser);
      // Not from inside busboy's own callbacks, which go on using its state; destroying ends the file in progress.
      process.nextTick(() => parser.destroy());
      void Promise.allSettled(uploads).then(() => reject(error));
    };

    parser.on('field', (name, value, info) => {
      if (failed) return;
      try {
        if (info.valueTruncated) throw invalidRequest(`The multipart field "${name}" exceeds ${MAX_FIELD_BYTES} bytes.`);
        if (name === 'operations') {
          if (operations !== undefined) throw invalidRequest('The multipart field "operations" was sent twice.');
          operations = parseOperations(value);
        } else if (name === 'map') {
          if (operations === undefined) throw invalidRequest('The multipart field "operations" must come before "map".');
          if (map !== undefined) throw invalidRequest('The multipart field "map" was sent twice.');
          map = parseMap(value, operations, options.maxFiles);
        }
      } catch (error) {
        fail(error);
      }
    });

    parser.on('file', (name, stream, info) => {
      // A file stream's errors are reported elsewhere: by busboy's 'error', the upload's pipeline, or the failure
      // that destroyed the parser before the file was read.
      stream.on('error', () => {});
      if (failed) return;
      if (map === undefined) return fail(invalidRequest(`The file "${name}" was sent before the "map" field.`));
      const slots = map.get(name);
      if (slots === undefined) return fail(invalidRequest(`The file field "${name}" is not in the map.`));
      if (received.has(name)) return fail(invalidRequest(`The file field "${name}" was sent twice.`));
      received.add(name);
      stream.once('limit', () => fail(fileTooLarge(options.maxFileBytes)));
      const upload = writeTempFile(stream, info, files).then((file) => {
        for (const { container, key } of slots) container[key] = file;
      });
      uploads.push(upload);
      // A disk error ends the request now. Once the parser is destroyed, either busboy broke the file off and its
      // 'error' says why, or it finished and its 'close' collects this failure.
      upload.catch((error: unknown) => {
        if (!parser.destroyed) fail(error);
      });
    });

    parser.on('filesLimit', () => fail(invalidRequest(`At most ${options.maxFiles} files can be sent in one request.`)));
    parser.on('error', (error) => fail(invalidRequest(`Invalid multipart request: ${(error as Error).message}.`)));
    // A client disconnect, or Yoga's request size limit (a GraphQLError with its own status).
    body.on('error', (error: Error) =>
      fail(error instanceof GraphQLError ? error : invalidRequest(`The request body was interrupted: ${error.message}.`)),
    );

    parser.on('close', () => {
      if (failed) return;
      Promise.all(uploads).then(() => {
        if (operations === undefined) throw invalidRequest('The multipart field "operations" is missing.');
        if (map === undefined) throw invalidRequest('The multipart field "map" is missing.');
        const missing = [...map.keys()].find((name) => !received.has(name));
        if (missing !== undefined) throw invalidRequest(`The file "${missing}" in the map was not sent.`);
        resolve(operations);
      }).catch(fail);
    });

    body.pipe(parser);
  });
}

/** As Yoga reads the type (the first of a comma-separated list), so no multipart request reaches its in-memory parser. */
export function isMultipart(request: Request): boolean {
  const mediaType = request.headers.get('content-type')?.split(',', 1)[0]?.split(';', 1)[0]?.trim().toLowerCase();
  return request.method === 'POST' && mediaType === 'multipart/form-data';
}

/** Parses multipart requests with files streamed to disk; every temporary file not moved is removed by the response. */
export function uploadPlugin(options: UploadOptions): Plugin {
  const filesOf = new WeakMap<Request, RequestFiles>();
  return {
    onRequestParse({ request, setRequestParser }) {
      if (!isMultipart(request)) return;
      const files = new RequestFiles(options.tempDir);
      filesOf.set(request, files);
      // Yoga may hand the parser a wrapped request: the files stay keyed by the original.
      setRequestParser((parsed) => parseMultipart(parsed, files, options));
    },
    // Not async: most responses carry no upload, and Yoga then has no promise to wait for.
    onResponse({ request }) {
      const files = filesOf.get(request);
      if (!files) return;
      filesOf.delete(request);
      return files.removeAll();
    },
  };
}

function unlessMissing<T>(error: NodeJS.ErrnoException, missing: T): T {
  if (error.code === 'ENOENT') return missing;
  throw error;
}

/** Removes temporary files a crashed process left behind (call at startup). */
export async function clearStaleUploads(tempDir: string): Promise<void> {
  const names = await readdir(tempDir).catch((error) => unlessMissing(error, []));
  const staleBefore = Date.now() - STALE_AFTER_MS;
  await Promise.all(
    names
      .filter((name) => TEMP_NAME.test(name))
      .map(async (name) => {
        const path = join(tempDir, name);
        const stats = await stat(path).catch((error) => unlessMissing(error, undefined));
        if (stats?.isFile() && stats.mtimeMs < staleBefore) await rm(path, { force: true });
      }),
  );
}
