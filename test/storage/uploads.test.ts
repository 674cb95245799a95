import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppwriteError } from '../../src/errors/appwrite-error.ts';
import { clearStaleUploads, UploadedFile, uploadPlugin } from '../../src/storage/uploads.ts';

const MiB = 1024 * 1024;
const MAX_FILE_BYTES = 6 * MiB;
const MAX_FILES = 3;

let root: string;
let tempDir: string;
let keptDir: string;

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** A tiny schema: reports what it received, keeps (moves) a file when asked, refuses when asked. */
function testSchema() {
  const InputFile = new GraphQLScalarType({
    name: 'InputFile',
    parseValue(value) {
      if (value instanceof UploadedFile) return value;
      throw new GraphQLError('not an upload');
    },
  });
  const report = async (file: UploadedFile, keep: boolean) => {
    let kept: string | null = null;
    if (keep) {
      kept = join(keptDir, randomUUID());
      await file.moveTo(kept);
    }
    return { name: file.name, type: file.declaredType, size: file.size, md5: file.md5, headLength: file.head.length, kept };
  };
  return createSchema({
    typeDefs: /* GraphQL */ `
      scalar InputFile
      type Report { name: String!, type: String!, size: Int!, md5: String!, headLength: Int!, kept: String }
      type Query { ok: Boolean }
      type Mutation {
        upload(file: InputFile!, keep: Boolean): Report!
        uploadMany(files: [InputFile!]!, keep: Boolean): [Report!]!
        refuse(file: InputFile!): Boolean
      }
    `,
    resolvers: {
      InputFile,
      Mutation: {
        upload: (_: unknown, args: { file: UploadedFile; keep?: boolean }) => report(args.file, args.keep ?? false),
        uploadMany: (_: unknown, args: { files: UploadedFile[]; keep?: boolean }) =>
          Promise.all(args.files.map((file) => report(file, args.keep ?? false))),
        refuse: () => {
          throw new AppwriteError('storage_file_type_unsupported', 'Refused.');
        },
      },
    },
  });
}

let yoga: ReturnType<typeof createYoga>;
let server: Server;
let serverUrl: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'uploads-test-'));
  tempDir = join(root, 'tmp');
  keptDir = join(root, 'kept');
  await mkdir(keptDir);
  yoga = createYoga({
    schema: testSchema(),
    batching: true,
    logging: false,
    plugins: [uploadPlugin({ tempDir, maxFileBytes: MAX_FILE_BYTES, maxFiles: MAX_FILES })],
  });
  server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

async function tempFiles(): Promise<string[]> {
  return readdir(tempDir).catch(() => []);
}

afterEach(async () => {
  expect(await tempFiles()).toEqual([]);
});

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Part {
  field: string;
  value: string | { bytes: Buffer; name: string; type?: string };
}

function form(parts: Part[]): FormData {
  const data = new FormData();
  for (const { field, value } of parts) {
    if (typeof value === 'string') data.append(field, value);
    else data.append(field, new Blob([new Uint8Array(value.bytes)], { type: value.type ?? 'application/octet-stream' }), value.name);
  }
  return data;
}

const json = (value: unknown) => JSON.stringify(value);

type Send = (body: FormData) => Promise<{ status: number; body: any }>;

const transports: [string, Send][] = [
  [
    'yoga.fetch',
    async (body) => {
      const response = await yoga.fetch('http://localhost/graphql', { method: 'POST', body });
      return { status: response.status, body: await response.json() };
    },
  ],
  [
    'node:http',
    async (body) => {
      const response = await fetch(serverUrl, { method: 'POST', body });
      return { status: response.status, body: await response.json() };
    },
  ],
];

const UPLOAD = 'mutation($file: InputFile!, $keep: Boolean) { upload(file: $file, keep: $keep) { name type size md5 headLength kept } }';

describe.each(transports)('multipart uploads through %s', (_, send) => {
  it('passes a single file with its name, declared type, size, md5 and head', async () => {
    const bytes = randomBytes(10_000);
    const { status, body } = await send(
      form([
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ '0': ['variables.file'] }) },
        { field: '0', value: { bytes, name: 'héllo wörld.bin', type: 'image/png' } },
      ]),
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { upload: { name: 'héllo wörld.bin', type: 'image/png', size: 10_000, md5: md5(bytes), headLength: 4100, kept: null } },
    });
  });

  it('moves a file of the maximum size (6 MiB) byte-exact', async () => {
    const bytes = randomBytes(MAX_FILE_BYTES);
    const { status, body } = await send(
      form([
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null, keep: true } }) },
        { field: 'map', value: json({ '0': ['variables.file'] }) },
        { field: '0', value: { bytes, name: 'big.bin' } },
      ]),
    );
    expect(status).toBe(200);
    const { kept, ...report } = body.data.upload;
    expect(report).toEqual({ name: 'big.bin', type: 'application/octet-stream', size: MAX_FILE_BYTES, md5: md5(bytes), headLength: 4100 });
    const moved = await readFile(kept);
    expect(createHash('sha256').update(moved).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await stat(kept)).mode & 0o777).toBe(0o600);
    expect((await stat(tempDir)).mode & 0o777).toBe(0o700);
  });

  it('passes a zero-byte file', async () => {
    const { body } = await send(
      form([
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ '0': ['variables.file'] }) },
        { field: '0', value: { bytes: Buffer.alloc(0), name: 'empty.txt', type: 'text/plain' } },
      ]),
    );
    expect(body.data.upload).toMatchObject({ size: 0, md5: md5(Buffer.alloc(0)), headLength: 0 });
  });

  it('fills two files of a list, one file used twice, and batched operations', async () => {
    const a = randomBytes(3000);
    const b = randomBytes(5000);
    const many = 'mutation($files: [InputFile!]!) { uploadMany(files: $files) { name size md5 } }';
    const { status, body } = await send(
      form([
        {
          field: 'operations',
          value: json([
            { query: many, variables: { files: [null, null, null] } },
            { query: UPLOAD, variables: { file: null, keep: true } },
          ]),
        },
        { field: 'map', value: json({ a: ['0.variables.files.0', '0.variables.files.2'], b: ['0.variables.files.1', '1.variables.file'] }) },
        { field: 'a', value: { bytes: a, name: 'a.bin' } },
        { field: 'b', value: { bytes: b, name: 'b.bin' } },
      ]),
    );
    expect(status).toBe(200);
    expect(body[0].data.uploadMany).toEqual([
      { name: 'a.bin', size: 3000, md5: md5(a) },
      { name: 'b.bin', size: 5000, md5: md5(b) },
      { name: 'a.bin', size: 3000, md5: md5(a) },
    ]);
    expect(body[1].data.upload).toMatchObject({ name: 'b.bin', size: 5000, md5: md5(b) });
    expect(await readFile(body[1].data.upload.kept)).toEqual(b);
  });

  it('removes the files of a request whose resolver refuses them', async () => {
    const { status, body } = await send(
      form([
        { field: 'operations', value: json({ query: 'mutation($file: InputFile!) { refuse(file: $file) }', variables: { file: null } }) },
        { field: 'map', value: json({ '0': ['variables.file'] }) },
        { field: '0', value: { bytes: randomBytes(100_000), name: 'x.bin' } },
      ]),
    );
    expect(status).toBe(200);
    expect(body.errors[0].extensions.type).toBe('storage_file_type_unsupported');
  });

  it('refuses a file above the size limit at once, leaving nothing on disk', async () => {
    const { status, body } = await send(
      form([
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ '0': ['variables.file'] }) },
        { field: '0', value: { bytes: randomBytes(MAX_FILE_BYTES + 8 * MiB), name: 'too-big.bin' } },
      ]),
    );
    expect(status).toBe(400);
    expect(body.errors[0].extensions).toMatchObject({ type: 'storage_invalid_file_size', code: 400 });
  });

  const invalid: [string, Part[], RegExp][] = [
    ['malformed operations', [{ field: 'operations', value: '{"query": ' }], /"operations" must be valid JSON/],
    ['operations that are not an object', [{ field: 'operations', value: '"query"' }], /"operations" must be a JSON object/],
    [
      'malformed map',
      [
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: '{0: ["variables.file"]}' },
      ],
      /"map" must be valid JSON/,
    ],
    [
      'a map path missing from the operations',
      [
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ '0': ['variables.other'] }) },
        { field: '0', value: { bytes: randomBytes(10), name: 'x' } },
      ],
      /map path "variables.other" does not exist/,
    ],
    [
      'a map path through the prototype',
      [
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ '0': ['variables.constructor.prototype'] }) },
      ],
      /does not exist/,
    ],
    [
      'a file before the map',
      [
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: '0', value: { bytes: randomBytes(10), name: 'x' } },
        { field: 'map', value: json({ '0': ['variables.file'] }) },
      ],
      /sent before the "map" field/,
    ],
    [
      'the map before the operations',
      [
        { field: 'map', value: json({ '0': ['variables.file'] }) },
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
      ],
      /"operations" must come before "map"/,
    ],
    [
      'a mapped file never sent',
      [
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ '0': ['variables.file'] }) },
      ],
      /file "0" in the map was not sent/,
    ],
    [
      'a file not in the map',
      [
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ '0': ['variables.file'] }) },
        { field: '1', value: { bytes: randomBytes(10), name: 'x' } },
      ],
      /"1" is not in the map/,
    ],
    [
      'a map of more than maxFiles files',
      [
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ a: ['variables.file'], b: ['variables.file'], c: ['variables.file'], d: ['variables.file'] }) },
      ],
      /At most 3 files/,
    ],
    [
      'more than maxFiles file parts',
      [
        { field: 'operations', value: json({ query: UPLOAD, variables: { file: null } }) },
        { field: 'map', value: json({ a: ['variables.file'], b: ['variables.file'], c: ['variables.file'] }) },
        ...['a', 'b', 'c', 'd'].map((field) => ({ field, value: { bytes: randomBytes(20_000), name: field } })),
      ],
      /At most 3 files/,
    ],
  ];

  it.each(invalid)('refuses %s with general_argument_invalid (400)', async (_, parts, message) => {
    const { status, body } = await send(form(parts));
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toMatch(message);
    expect(body.errors[0].extensions).toMatchObject({ type: 'general_argument_invalid', code: 400 });
  });

  it('leaves non-multipart requests to Yoga', async () => {
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json({ query: '{ ok }' }),
    });
    expect(await response.json()).toEqual({ data: { ok: null } });
  });
});

/** A multipart body split after the first `split` bytes of its one file (the `upload` mutation). */
function splitMultipart(file: Buffer, split: number): { contentType: string; head: Buffer; tail: Buffer } {
  const boundary = `----test${randomUUID()}`;
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = Buffer.concat([
    Buffer.from(
      field('operations', json({ query: UPLOAD, variables: { file: null, keep: true } })) +
        field('map', json({ '0': ['variables.file'] })) +
        `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="slow.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file.subarray(0, split),
  ]);
  const tail = Buffer.concat([file.subarray(split), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { contentType: `multipart/form-data; boundary=${boundary}`, head, tail };
}

/** The size of the one temporary file, once it exists. */
async function tempFileSize(): Promise<number> {
  const [name] = await tempFiles();
  return name === undefined ? -1 : (await stat(join(tempDir, name)).catch(() => ({ size: -1 }))).size;
}

/** Posts through yoga.fetch a body the test feeds piece by piece. */
async function fetchStreamed(contentType: string, start: (controller: ReadableStreamDefaultController<Uint8Array>) => Promise<void>) {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new ReadableStream<Uint8Array>({ start }),
    duplex: 'half',
  } as RequestInit);
  return { status: response.status, body: await response.json() };
}

/** Opens a POST over node:http the test writes piece by piece; `answer` is the response, once it comes. */
function openHttpPost(contentType: string) {
  const request = httpRequest(serverUrl, { method: 'POST', headers: { 'content-type': contentType } });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    request.on('error', reject);
  });
  return { request, answer };
}

describe('streaming to disk', () => {
  // These bodies hold back their end until most of the file is in the temporary file, or never send it: a parser
  // that buffered the request (Yoga's default) would never answer.
  const file = randomBytes(5 * MiB + 123);
  const split = 5 * MiB;
  const mostOnDisk = () => until(async () => (await tempFileSize()) >= split - MiB, 'the first 4 MiB on disk');

  it('writes the file while the body still arrives through yoga.fetch', async () => {
    const { contentType, head, tail } = splitMultipart(file, split);
    const { body } = await fetchStreamed(contentType, async (controller) => {
      controller.enqueue(head);
      await mostOnDisk();
      controller.enqueue(tail);
      controller.close();
    });
    expect(body.data.upload).toMatchObject({ size: file.length, md5: md5(file) });
    expect(md5(await readFile(body.data.upload.kept))).toBe(md5(file));
  });

  it('writes the file while the body still arrives over node:http', async () => {
    const { contentType, head, tail } = splitMultipart(file, split);
    const { request, answer } = openHttpPost(contentType);
    request.write(head);
    await mostOnDisk();
    request.end(tail);
    const { body } = await answer;
    expect(body.data.upload).toMatchObject({ size: file.length, md5: md5(file) });
    expect(md5(await readFile(body.data.upload.kept))).toBe(md5(file));
  });

  const tooLarge = splitMultipart(randomBytes(MAX_FILE_BYTES + MiB), MAX_FILE_BYTES + 1);

  it('refuses a file over the limit before its body ends, through yoga.fetch', async () => {
    const { status, body } = await fetchStreamed(tooLarge.contentType, async (controller) => controller.enqueue(tooLarge.head));
    expect(status).toBe(400);
    expect(body.errors[0].extensions.type).toBe('storage_invalid_file_size');
  });

  it('refuses a file over the limit before its body ends, over node:http', async () => {
    const { request, answer } = openHttpPost(tooLarge.contentType);
    request.write(tooLarge.head);
    const { status, body } = await answer;
    request.destroy();
    expect(status).toBe(400);
    expect(body.errors[0].extensions.type).toBe('storage_invalid_file_size');
  });

  it('removes the temporary file of a body that fails, through yoga.fetch', async () => {
    const { contentType, head } = splitMultipart(file, MiB);
    const { status, body } = await fetchStreamed(contentType, async (controller) => {
      controller.enqueue(head);
      await until(async () => (await tempFileSize()) > 0, 'the temporary file');
      controller.error(new Error('connection lost'));
    });
    expect(status).toBe(400);
    expect(body.errors[0].message).toMatch(/interrupted: connection lost/);
  });

  it("keeps Yoga's request size limit (413), leaving nothing on disk", async () => {
    const limited = createYoga({
      schema: testSchema(),
      logging: false,
      maxRequestBodySize: MiB,
      plugins: [uploadPlugin({ tempDir, maxFileBytes: MAX_FILE_BYTES, maxFiles: MAX_FILES })],
    });
    const { contentType, head } = splitMultipart(file, 2 * MiB);
    const response = await limited.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(head) }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('removes the temporary file of an upload the client aborts over node:http', async () => {
    const { contentType, head } = splitMultipart(file, MiB);
    const { request, answer } = openHttpPost(contentType);
    answer.catch(() => {});
    request.write(head);
    await until(async () => (await tempFileSize()) > 0, 'the temporary file');
    request.destroy();
    await until(async () => (await tempFiles()).length === 0, 'the temporary file to be removed');
  });
});

describe('clearStaleUploads', () => {
  it('removes stale temporary files only: not fresh ones (live uploads), not other files', async () => {
    const dir = join(root, 'stale');
    await mkdir(dir);
    const stale = `${randomUUID()}.upload`;
    const fresh = `${randomUUID()}.upload`;
    for (const name of [stale, fresh, 'other.txt']) await writeFile(join(dir, name), 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(dir, stale), twoHoursAgo, twoHoursAgo);
    await utimes(join(dir, 'other.txt'), twoHoursAgo, twoHoursAgo);
    await clearStaleUploads(dir);
    expect((await readdir(dir)).sort()).toEqual([fresh, 'other.txt'].sort());
  });

  it('accepts a directory that does not exist yet', async () => {
    await expect(clearStaleUploads(join(root, 'missing'))).resolves.toBeUndefined();
  });
});
